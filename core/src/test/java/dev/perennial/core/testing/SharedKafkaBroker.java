package dev.perennial.core.testing;

import dev.perennial.core.embedded.EmbeddedKafka;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one broker of a test JVM: Testcontainers' Kafka where a Docker daemon answers, the in-process
 * KRaft broker otherwise. Closed when the JVM exits (SharedResourceExtension).
 *
 * @param inContainer whether the broker runs in a Docker container (else in this JVM)
 * @param stop stops the broker
 */
record SharedKafkaBroker(String bootstrapServers, boolean inContainer, Runnable stop)
    implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SharedKafkaBroker.class);

  static SharedKafkaBroker start() {
    if (dockerAvailable()) {
      KafkaContainerBroker container = KafkaContainerBroker.start();
      log.info("Tests use Kafka in a container at {}", container.bootstrapServers());
      return new SharedKafkaBroker(container.bootstrapServers(), true, container::close);
    }
    EmbeddedKafka embedded = EmbeddedKafka.start();
    log.info(
        "No Docker daemon: tests use the in-process Kafka broker at {}",
        embedded.bootstrapServers());
    return new SharedKafkaBroker(embedded.bootstrapServers(), false, embedded::close);
  }

  @Override
  public void close() {
    stop.run();
  }

  private static boolean dockerAvailable() {
    try {
      Class.forName("org.testcontainers.DockerClientFactory");
    } catch (ClassNotFoundException e) {
      log.info("Testcontainers is not on the test classpath; using the in-process Kafka broker");
      return false;
    }
    return KafkaContainerBroker.dockerAvailable();
  }
}
