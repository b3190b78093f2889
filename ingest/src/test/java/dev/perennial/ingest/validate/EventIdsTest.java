package dev.perennial.ingest.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.ingest.deadletter.Rejection;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EventIdsTest {

  @Test
  void aKeyThatIsTheValuesTenantAndSubjectPasses() {
    assertThat(EventIds.checkSubjectKey("acme/user/with/slashes", "acme", "user/with/slashes"))
        .isEmpty();
  }

  @Test
  void aKeyOfAnotherSubjectIsRejectedWithoutRepeatingTheKeyOrTheSubject() {
    Optional<Rejection> rejection = EventIds.checkSubjectKey("acme/bob", "acme", "alice");

    assertThat(rejection)
        .hasValueSatisfying(
            r ->
                assertThat(r.detail())
                    .isEqualTo("record key is not the value's tenant/subject")
                    .doesNotContain("bob")
                    .doesNotContain("alice"));
  }

  @Test
  void aVeryLongKeyIsShortenedInTheDetail() {
    Optional<Rejection> rejection = EventIds.checkSubjectKey("x".repeat(5000), "acme", "alice");

    assertThat(rejection.orElseThrow().detail()).hasSizeLessThan(200);
  }

  @Test
  void tenantAndAdapterNamesFollowTheAdapterKeyRule() {
    assertThat(EventIds.checkSubjectKey("acme_eu-1/u", "acme_eu-1", "u")).isEmpty();
    assertThat(EventIds.checkSubjectKey("Acme/u", "Acme", "u"))
        .hasValueSatisfying(r -> assertThat(r.detail()).contains("upper-case"));
    assertThat(EventIds.checkSubjectKey("-acme/u", "-acme", "u")).isPresent();
    assertThat(EventIds.checkSubjectKey("/u", "", "u")).isPresent();
    assertThat(EventIds.checkEventIdAndAdapter("e-1", null)).isEmpty();
    assertThat(EventIds.checkEventIdAndAdapter("e-1", "support.v2")).isEmpty();
    assertThat(EventIds.checkEventIdAndAdapter("e-1", "a".repeat(65))).isPresent();
    assertThat(EventIds.checkEventIdAndAdapter("e\n1", null)).isPresent();
    assertThat(EventIds.checkEventIdAndAdapter("e".repeat(257), null)).isPresent();
  }

  @Test
  void theTenantIsReadFromAKeyOnlyWhenTheKeyHasTheRightShape() {
    assertThat(EventIds.tenantOfKey("acme/user-1")).hasValue("acme");
    assertThat(EventIds.subjectOfKey("acme/user/1")).isEqualTo("user/1");
    assertThat(EventIds.tenantOfKey("acme")).isEmpty();
    assertThat(EventIds.tenantOfKey("acme/")).isEmpty();
    assertThat(EventIds.tenantOfKey("bad tenant/u")).isEmpty();
    assertThat(EventIds.tenantOfKey(null)).isEmpty();
  }

  @Test
  void adapterKeysDefaultToTheDefaultAdapter() {
    assertThat(EventIds.adapterKey("acme", null)).isEqualTo("acme/default");
    assertThat(EventIds.adapterKey("acme", "support")).isEqualTo("acme/support");
  }
}
