package dev.perennial.core.testing;

import org.apache.kafka.common.utils.AppInfoParser;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/** Kafka in a Docker container; the only class here that touches Testcontainers. */
final class KafkaContainerBroker implements AutoCloseable {

  /** The broker image matching the Kafka clients on the classpath. */
  static final String IMAGE = "apache/kafka:" + AppInfoParser.getVersion();

  private final KafkaContainer container;

  private KafkaContainerBroker(KafkaContainer container) {
    this.container = container;
  }

  static boolean dockerAvailable() {
    return DockerClientFactory.instance().isDockerAvailable();
  }

  @SuppressWarnings("resource") // closed by close()
  static KafkaContainerBroker start() {
    KafkaContainer container =
        new KafkaContainer(IMAGE).withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
    container.start();
    return new KafkaContainerBroker(container);
  }

  String bootstrapServers() {
    return container.getBootstrapServers();
  }

  @Override
  public void close() {
    container.stop();
  }
}
