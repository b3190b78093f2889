package dev.perennial.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class LogCaptureTest {

  private static final Logger log = LoggerFactory.getLogger(LogCaptureTest.class);

  /**
   * Test classes that opt into concurrent execution (HealthServerTest) log from other threads while
   * a test asserts on its own warnings: a capture of this thread must not see them.
   */
  @Test
  void aCaptureOfThisThreadLeavesOutWhatAnotherThreadLogs() throws InterruptedException {
    try (LogCapture logs = LogCapture.ofThisThread()) {
      Thread other = new Thread(() -> log.warn("from another thread"));
      other.start();
      other.join();
      log.warn("from this thread");

      assertThat(logs.warnings()).containsExactly("from this thread");
    }
  }

  @Test
  void aCaptureOfTheJvmSeesEveryThread() throws InterruptedException {
    try (LogCapture logs = new LogCapture()) {
      Thread other = new Thread(() -> log.warn("from another thread"));
      other.start();
      other.join();
      log.warn("from this thread");

      assertThat(logs.warnings()).contains("from another thread", "from this thread");
    }
  }
}
