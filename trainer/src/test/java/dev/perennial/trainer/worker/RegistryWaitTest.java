package dev.perennial.trainer.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryWaitTest {

  private final MovableClock clock = new MovableClock();
  private final RegistryWait wait =
      new RegistryWait(Duration.ofMillis(500), Duration.ofSeconds(10), clock);

  @Test
  void nothingIsAwaitedBeforeTheFirstOutage() {
    assertThat(wait.waiting()).isFalse();
  }

  @Test
  void aPauseLastsItsLengthFromTheFailedTry() {
    wait.begin();

    assertThat(wait.waiting()).isTrue();
    clock.advance(Duration.ofMillis(499));
    assertThat(wait.waiting()).isTrue();
    clock.advance(Duration.ofMillis(1));
    assertThat(wait.waiting()).isFalse();
  }

  @Test
  void pausesDoubleUpToTheMaximumUntilTheRegistryAnswers() {
    List<Long> pauses = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      Duration pause = wait.begin();
      clock.advance(pause);
      pauses.add(pause.toMillis());
    }

    assertThat(pauses).containsExactly(500L, 1_000L, 2_000L, 4_000L, 8_000L, 10_000L, 10_000L);
    assertThat(wait.failures()).isEqualTo(7);
    wait.answered();
    assertThat(wait.begin()).isEqualTo(Duration.ofMillis(500));
  }
}
