package dev.perennial.core.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
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

  /** A clock that moves only when told. */
  private static final class MovableClock extends Clock {
    private Instant now = Instant.parse("2024-01-01T00:00:00Z");

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
