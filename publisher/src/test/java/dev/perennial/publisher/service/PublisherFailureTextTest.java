package dev.perennial.publisher.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.kafka.FatalKafkaException;
import dev.perennial.core.service.FailureText;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.junit.jupiter.api.Test;

/**
 * What the publisher's readiness and liveness say when Kafka refuses it for good follows the one
 * rule ({@link FailureText}): one line of at most {@value FailureText#MAX_LENGTH} characters,
 * however long Kafka's message (the log keeps all of it).
 */
class PublisherFailureTextTest {

  @Test
  void theFailureWhenKafkaRefusesTheInstanceForGoodIsOneBoundedLine() {
    FatalKafkaException fatal =
        new FatalKafkaException(
            "the transaction cannot be aborted",
            new TransactionalIdAuthorizationException(
                "Transactional id not authorized:\n" + "perennial-publisher-".repeat(100)));

    assertThat(PublisherService.stoppedByKafka(fatal))
        .contains("the transaction cannot be aborted")
        .doesNotContain("\n")
        .hasSizeLessThanOrEqualTo(FailureText.MAX_LENGTH);
  }
}
