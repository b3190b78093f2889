package dev.perennial.publisher.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
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
  void withoutNewFactQuestionsTheColumnSaysSo() {
    assertThat(ReleaseTable.newFactExactMatch(Map.of())).isEqualTo("-");
    assertThat(ReleaseTable.newFactExactMatch(Map.of("learning.exact.match", 1.0))).isEqualTo("-");
    assertThat(
            ReleaseTable.newFactExactMatch(
                Map.of("learning.exact.match", 0.0, "learning.questions", 0.0)))
        .isEqualTo("-");
  }
}
