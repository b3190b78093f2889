package dev.perennial.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.PerennialException;
import dev.perennial.core.service.FailureText;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

/** How {@link StreamsService} words what killed its client ({@code StreamsServiceIT} runs one). */
class StreamsServiceTest {

  @Test
  void theOutermostOfPerennialsOwnExceptionsIsNamedWithItsInnermostCauseAndTheTask() {
    StreamsException wrapper =
        new StreamsException(
            "Exception caught in process. taskId=1_2, processor=seal",
            new PerennialException(
                "Cannot seal acme/support",
                new PerennialException(
                    "The shard sha256:ab is missing", new NoSuchFileException("/store/ab"))),
            new TaskId(1, 2));

    assertThat(StreamsService.describe(wrapper))
        .isEqualTo(
            "failed in task 1_2: dev.perennial.core.PerennialException: Cannot seal acme/support;"
                + " cause: dev.perennial.core.PerennialException: The shard sha256:ab is missing");
  }

  @Test
  void anInnermostCauseTheOuterMessageAlreadyQuotesIsNotRepeated() {
    // the worker's own wording: what stopped it, which job stays uncommitted, and the store's
    // message within
    PerennialException store = new PerennialException("The artifact store at /s holds nothing");
    PerennialException stopped =
        new PerennialException(
            "the artifact store fails (" + store.getMessage() + "): job j-1 stays uncommitted",
            store);

    assertThat(FailureText.describe("the loop died of", new IllegalStateException(stopped)))
        .isEqualTo(
            "the loop died of dev.perennial.core.PerennialException: the artifact store fails (The"
                + " artifact store at /s holds nothing): job j-1 stays uncommitted");
  }

  @Test
  void withoutOneOfPerennialsTheInnermostCauseIsNamedOnOneLine() {
    StreamsException wrapper =
        new StreamsException(
            "Error encountered sending record to topic rejected for task 0_0 due to:\nsomething",
            new UncheckedIOException(new NoSuchFileException("/state/0_0", null, "gone\nreally")));

    assertThat(StreamsService.describe(wrapper))
        .isEqualTo("failed: java.nio.file.NoSuchFileException: /state/0_0: gone really");
  }

  @Test
  void aLongMessageIsCutToTheBound() {
    String why = StreamsService.describe(new PerennialException("x".repeat(2000)));

    assertThat(why).hasSize(FailureText.MAX_LENGTH).endsWith("x ...");
  }

  @Test
  void aCauseChainThatLoopsEnds() {
    PerennialException first = new PerennialException("first");
    PerennialException second = new PerennialException("second", first);
    first.initCause(second);

    assertThat(StreamsService.describe(first)).endsWith("PerennialException: second");
  }
}
