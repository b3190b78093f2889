package dev.perennial.evaluator.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.kafka.FatalKafkaException;
import dev.perennial.core.service.FailureText;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.junit.jupiter.api.Test;

/**
 * What the evaluator's readiness and liveness say of a failure follows the one rule ({@link
 * FailureText}): one line of at most {@value FailureText#MAX_LENGTH} characters, however long the
 * failure's message (the log keeps all of it).
 */
class EvaluatorFailureTextTest {

  /** Kafka names every topic it refuses: with many, the message runs to thousands of characters. */
  private static TopicAuthorizationException refusedTopics() {
    Set<String> topics = new TreeSet<>();
    IntStream.range(0, 200).forEach(i -> topics.add("perennial.tenant-" + i + ".releases.v1"));
    return new TopicAuthorizationException(topics);
  }

  @Test
  void theReadinessLineWhileReleasesCannotBeReadIsOneBoundedLine() {
    String detail = EvaluatorService.releasesUnreadable("perennial.releases.v1", refusedTopics());

    assertThat(detail)
        .startsWith("Cannot read perennial.releases.v1 to its end")
        .contains("TopicAuthorizationException")
        .doesNotContain("\n")
        .hasSizeLessThanOrEqualTo(FailureText.MAX_LENGTH);
  }

  @Test
  void theFailureWhenKafkaRefusesTheInstanceForGoodIsOneBoundedLine() {
    FatalKafkaException fatal =
        new FatalKafkaException(
            new TransactionalIdAuthorizationException(
                "Transactional id not authorized:\n" + "perennial-evaluator-".repeat(100)));

    assertThat(EvaluatorService.stoppedByKafka(fatal))
        .contains("Kafka refuses this instance for good")
        .doesNotContain("\n")
        .hasSizeLessThanOrEqualTo(FailureText.MAX_LENGTH);
  }
}
