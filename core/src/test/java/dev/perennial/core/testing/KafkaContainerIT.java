package dev.perennial.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The Testcontainers path of {@link KafkaClusterExtension}; skipped where no Docker daemon runs.
 */
@Testcontainers(disabledWithoutDocker = true)
class KafkaContainerIT {

  @RegisterExtension static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

  @Test
  void withDockerTheBrokerIsAContainerOfTheClientsKafkaVersion() {
    assertThat(KAFKA.runsInContainer()).isTrue();
    assertThat(KafkaContainerBroker.IMAGE).isEqualTo("apache/kafka:" + AppInfoParser.getVersion());

    String topic = KAFKA.createTopic(KAFKA.uniqueName("container"), 1);
    KAFKA.produce(
        topic, new StringSerializer(), new StringSerializer(), List.of(KeyValue.pair("k", "v")));

    assertThat(
            KAFKA.consume(
                topic,
                1,
                Duration.ofSeconds(30),
                new StringDeserializer(),
                new StringDeserializer()))
        .singleElement()
        .satisfies(record -> assertThat(record.value()).isEqualTo("v"));
  }
}
