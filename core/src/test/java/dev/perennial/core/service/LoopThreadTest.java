package dev.perennial.core.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.store.ArtifactStoreUnavailableException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class LoopThreadTest {

  private static void awaitEnd(LoopThread loop) throws InterruptedException {
    while (loop.isAlive()) {
      Thread.sleep(10);
    }
  }

  @Test
  void aLoopThatDiesOfAnErrorHasFailedNamingIt() throws Exception {
    LoopThread loop =
        LoopThread.start(
            "test",
            () -> {
              throw new StackOverflowError("deep");
            });
    awaitEnd(loop);

    assertThat(loop.failure()).hasValue("the test loop died of java.lang.StackOverflowError: deep");
  }

  @Test
  void aLoopThatRanOutOfMemoryKeepsTheJvmsOwnMessage() throws Exception {
    LoopThread loop =
        LoopThread.start(
            "test",
            () -> {
              throw new OutOfMemoryError("Java heap space");
            });
    awaitEnd(loop);

    assertThat(loop.failure())
        .hasValue("the test loop died of java.lang.OutOfMemoryError: Java heap space");
  }

  @Test
  void aLoopThatDiesOfAWrappedFailureNamesItsCauseOnOneLine() throws Exception {
    LoopThread loop =
        LoopThread.start(
            "test",
            () -> {
              throw new IllegalStateException(
                  "Cannot train job j-1 on the record\nPrompt: my card is 4111 1111",
                  new ArtifactStoreUnavailableException(
                      "/shared/store", new NoSuchFileException("/shared/store/ab")));
            });
    awaitEnd(loop);

    assertThat(loop.failure())
        .hasValue(
            "the test loop died of dev.perennial.core.store.ArtifactStoreUnavailableException: The"
                + " artifact store at /shared/store holds nothing (no perennial-store.json, no"
                + " blob): is its volume mounted?");
  }

  @Test
  void aLoopThatDiesOfALibrarysExceptionNamesOnlyItsClassOnABoundedLine() throws Exception {
    LoopThread loop =
        LoopThread.start(
            "test",
            () -> {
              throw new RuntimeException(
                  "x".repeat(2000), new NumberFormatException("For input string: \"secret\""));
            });
    awaitEnd(loop);

    assertThat(loop.failure())
        .hasValue(
            "the test loop died of java.lang.NumberFormatException (its message is only in the"
                + " log: it may quote the data it failed on)");
  }

  @Test
  void aLoopThatReturnsWithoutAStopHasFailed() throws Exception {
    LoopThread loop = LoopThread.start("test", () -> {});
    awaitEnd(loop);

    assertThat(loop.failure()).hasValue("the test loop ended although no stop was asked for");
  }

  @Test
  void aLoopStoppedOnRequestHasNotFailed() throws Exception {
    CountDownLatch stop = new CountDownLatch(1);
    LoopThread loop =
        LoopThread.start(
            "test",
            () -> {
              try {
                stop.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    assertThat(loop.failure()).isEmpty();

    loop.stopRequested();
    stop.countDown();
    awaitEnd(loop);

    assertThat(loop.failure()).isEmpty();
  }
}
