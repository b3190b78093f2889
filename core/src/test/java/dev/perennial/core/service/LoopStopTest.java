package dev.perennial.core.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.testing.LogCapture;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class LoopStopTest {

  private final CountDownLatch ended = new CountDownLatch(1);
  private final CountDownLatch woken = new CountDownLatch(1);

  private void blockedUntilWoken() {
    try {
      woken.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ended.countDown();
  }

  @Test
  void aLoopThatOutlastsItsPatienceIsWokenAndTheLogSaysWhereItWas() throws Exception {
    LoopThread loop = LoopThread.start("stuck", this::blockedUntilWoken);
    loop.stopRequested();

    String warned;
    try (LogCapture logs = LogCapture.ofThisThread()) {
      LoopStop.await(loop, ended, Duration.ofMillis(50), woken::countDown);
      warned = String.join("\n", logs.warnings());
    }

    assertThat(ended.getCount()).isZero();
    assertThat(warned)
        .contains("The stuck loop did not stop within PT0.05S; waking it. It was at:")
        .contains("LoopStopTest.blockedUntilWoken");
  }

  @Test
  void aLoopThatStopsInTimeIsNeitherWokenNorLogged() throws Exception {
    LoopThread loop = LoopThread.start("prompt", ended::countDown);
    loop.stopRequested();

    try (LogCapture logs = LogCapture.ofThisThread()) {
      LoopStop.await(loop, ended, Duration.ofSeconds(20), woken::countDown);
      assertThat(logs.warnings()).isEmpty();
    }
    assertThat(woken.getCount()).isEqualTo(1);
  }
}
