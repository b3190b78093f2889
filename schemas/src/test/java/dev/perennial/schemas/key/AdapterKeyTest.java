package dev.perennial.schemas.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.core.kafka.TenantTopics;
import org.junit.jupiter.api.Test;

class AdapterKeyTest {

  @Test
  void aKeyIsTenantSlashAdapterAndReadsBackAsItself() {
    AdapterKey key = AdapterKey.parse("acme/support-v2.1_x");

    assertThat(key.tenant()).isEqualTo("acme");
    assertThat(key.adapter()).isEqualTo("support-v2.1_x");
    assertThat(key).hasToString("acme/support-v2.1_x");
    assertThat(AdapterKey.of("acme", null)).hasToString("acme/default");
  }

  @Test
  void namesHaveAtMostSixtyFourCharacters() {
    String longest = "a".repeat(AdapterKey.MAX_NAME_LENGTH);

    assertThat(AdapterKey.isValidName(longest)).isTrue();
    assertThat(AdapterKey.isValidName(longest + "a")).isFalse();
    assertThat(AdapterKey.nameProblem(longest + "a")).hasValue("has 65 characters, more than 64");
  }

  @Test
  void upperCaseIsRefusedNotFoldedSoFuzzAndFuzzCannotBeTwoTenants() {
    assertThat(AdapterKey.isValidName("fuzz")).isTrue();
    assertThat(AdapterKey.isValidName("Fuzz")).isFalse();
    assertThatThrownBy(() -> AdapterKey.parse("Fuzz/default"))
        .isInstanceOf(InvalidAdapterKeyException.class)
        .hasMessageContaining("upper-case");
  }

  @Test
  void aNameStartsWithALetterOrDigitAndHoldsNoPathCharacters() {
    for (String bad : new String[] {"", ".", "..", "-acme", "_acme", "ac me", "a/b", "a\\b", "é"}) {
      assertThat(AdapterKey.isValidName(bad)).as(bad).isFalse();
    }
    assertThat(AdapterKey.isValidName(null)).isFalse();
    assertThat(AdapterKey.isValidName("0acme")).isTrue();
  }

  @Test
  void theReleaseAreasOwnNamesAreReservedForTenantsAndAdapters() {
    for (String reserved : new String[] {"keys", "public-key.pem"}) {
      assertThat(AdapterKey.isValidName(reserved)).as(reserved).isFalse();
      assertThat(AdapterKey.nameProblem(reserved))
          .hasValueSatisfying(p -> assertThat(p).startsWith("is reserved"));
      assertThatThrownBy(() -> AdapterKey.parse(reserved + "/default"))
          .isInstanceOf(InvalidAdapterKeyException.class)
          .hasMessageContaining("tenant '" + reserved + "' is reserved");
      assertThatThrownBy(() -> AdapterKey.parse("acme/" + reserved))
          .hasMessageContaining("adapter '" + reserved + "' is reserved");
    }
    assertThat(AdapterKey.isValidName("keys2")).isTrue();
    assertThat(AdapterKey.isValidName("public-key")).isTrue();
  }

  @Test
  void parsingNamesWhatIsWrong() {
    assertThatThrownBy(() -> AdapterKey.parse("acme"))
        .hasMessageContaining("is not of the form tenant/adapter");
    assertThatThrownBy(() -> AdapterKey.parse("acme/a/b"))
        .hasMessageContaining("is not of the form tenant/adapter");
    assertThatThrownBy(() -> AdapterKey.parse("acme/"))
        .hasMessageContaining("adapter is missing or empty");
    assertThatThrownBy(() -> AdapterKey.parse(null)).hasMessageContaining("missing");
    assertThat(AdapterKey.tryParse("acme/")).isEmpty();
    assertThat(AdapterKey.tenantOf("acme/support")).hasValue("acme");
    assertThat(AdapterKey.tenantOf("nonsense")).isEmpty();
  }

  @Test
  void aNameProblemNeverRepeatsTheName() {
    String subjectId = "User@Example.com";

    assertThat(AdapterKey.nameProblem(subjectId))
        .hasValueSatisfying(
            problem -> assertThat(problem).doesNotContain(subjectId).doesNotContain("Example"));
    assertThat(AdapterKey.nameProblem("user@example.com"))
        .hasValueSatisfying(problem -> assertThat(problem).doesNotContain("example"));
  }

  @Test
  void coresTenantTopicsTakeTheTenantNamesWithoutADot() {
    // core cannot see AdapterKey, so TenantTopics.TENANT repeats its rule less the dot (the
    // reserved names aside, which AdapterKey refuses by name).
    for (String name :
        new String[] {
          "acme",
          "acme_eu",
          "acme-eu",
          "9lives",
          "a".repeat(AdapterKey.MAX_NAME_LENGTH),
          "a".repeat(AdapterKey.MAX_NAME_LENGTH + 1),
          "Acme",
          "ACME",
          "acmE",
          "-acme",
          "_acme",
          "acme.corp",
          "",
          "ac me",
          "a/b",
          "é"
        }) {
      assertThat(name.matches(TenantTopics.TENANT))
          .as(name)
          .isEqualTo(AdapterKey.isValidName(name) && !name.contains("."));
    }
  }
}
