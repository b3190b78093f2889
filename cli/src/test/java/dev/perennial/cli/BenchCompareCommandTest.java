package dev.perennial.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchCompareCommandTest {

  @Test
  void theHeadingGivesTheConfidenceAsConfiguredNotRoundedToWholePercent() {
    assertThat(BenchCompareCommand.heading(3, List.of("a", "b"), List.of("c", "d"), 0.999, 10000))
        .isEqualTo(
            "After update 3: candidate (a, b) minus baseline (c, d), 99.9 % paired bootstrap over"
                + " tasks, 10000 draws");
    assertThat(BenchCompareCommand.heading(3, List.of("a"), List.of("c"), 0.95, 2000))
        .contains(", 95 % paired bootstrap");
    assertThat(BenchCompareCommand.heading(3, List.of("a"), List.of("c"), 0.995, 2000))
        .contains(", 99.5 % paired bootstrap");
  }
}
