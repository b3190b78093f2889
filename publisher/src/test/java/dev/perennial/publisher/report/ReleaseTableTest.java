package dev.perennial.publisher.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.publisher.alias.AliasPolicy;
import dev.perennial.publisher.release.KeyState;
import dev.perennial.publisher.release.ReleaseRegistry;
import dev.perennial.publisher.testing.ReleaseStates;
import dev.perennial.schemas.key.AdapterKey;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ReleaseTableTest {

  @Test
  void theNewFactColumnShowsExactMatchAndHowManyQuestionsItRestsOn() {
    assertThat(
            ReleaseTable.newFactExactMatch(
                Map.of("learning.exact.match", 0.8333, "learning.questions", 6.0)))
        .isEqualTo("0.83 of 6");
    assertThat(
            ReleaseTable.newFactExactMatch(
                Map.of("learning.exact.match", 0.0, "learning.questions", 4.0)))
        .isEqualTo("0.00 of 4");
  }

  @Test
  void theColumnShowsWhatTheJobTaughtBesideWhatItNeverSaw() {
    assertThat(
            ReleaseTable.newFactExactMatch(
                Map.of(
                    "learning.taught.exact.match", 0.95,
                    "learning.taught.questions", 20.0,
                    "learning.exact.match", 0.0,
                    "learning.questions", 10.0)))
        .isEqualTo("0.95 of 20 taught, 0.00 of 10 unseen");
    assertThat(
            ReleaseTable.newFactExactMatch(
                Map.of("learning.taught.exact.match", 0.5, "learning.taught.questions", 4.0)))
        .isEqualTo("0.50 of 4 taught, none unseen");
  }

  @Test
  void withoutNewFactQuestionsTheColumnSaysSo() {
    assertThat(ReleaseTable.newFactExactMatch(Map.of())).isEqualTo("-");
    assertThat(ReleaseTable.newFactExactMatch(Map.of("learning.exact.match", 1.0))).isEqualTo("-");
    assertThat(
            ReleaseTable.newFactExactMatch(
                Map.of("learning.exact.match", 0.0, "learning.questions", 0.0)))
        .isEqualTo("-");
  }

  @Test
  void aQuarantinedVersionIsMarkedAndShowsNothingItsManifestClaims() {
    AdapterKey key = AdapterKey.parse("acme/support");
    KeyState state =
        AliasPolicy.afterPublish(
                AliasPolicy.afterPublish(
                        KeyState.empty(key), ReleaseStates.release(key, 1), "stable")
                    .withAnnounced(1),
                ReleaseStates.release(key, 2, "cand-v2", "forged-base"),
                "stable")
            .withAnnounced(2)
            .withQuarantined(
                new TreeMap<>(Map.of(2, "its manifest does not verify: bad signature")));

    String table = ReleaseTable.render(ReleaseRegistry.empty().with(state));

    String v2 = table.lines().filter(line -> line.contains(" v2 ")).findFirst().orElseThrow();
    assertThat(v2).contains("quarantined").contains("stable").doesNotContain("forged-base");
    assertThat(v2).doesNotContain("2025-06-01T12:00:00Z");
  }
}
