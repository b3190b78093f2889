package dev.perennial.core.embedded;

import dev.perennial.core.PerennialException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker in this JVM: one combined broker and controller in KRaft mode (Kafka's own
 * {@code KafkaClusterTestKit}) on a free loopback port, its data in a temporary folder that is
 * deleted when it stops. For {@code perennial local} and for tests. Topics are never created
 * implicitly: provision them (auto-created topics are also exposed to KAFKA-15591).
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final long CLOSE_TIMEOUT_SECONDS = 30;

  private final KafkaClusterTestKit cluster;
  private final String bootstrapServers;
  private boolean closed;

  private EmbeddedKafka(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
    this.bootstrapServers = cluster.bootstrapServers();
  }

  /** Starts the broker and returns once it accepts clients (about 2 s). */
  public static EmbeddedKafka start() {
    KafkaClusterTestKit cluster = null;
    try {
      TestKitNodes nodes =
          new TestKitNodes.Builder()
              .setCombined(true)
              .setNumBrokerNodes(1)
              .setNumControllerNodes(1)
              .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
              // Our own folder: the kit's default one is deleted by a JVM shutdown hook, under
              // the feet of a broker that is still stopping in another hook (Ctrl-C).
              .setBaseDirectory(Files.createTempDirectory("perennial-kafka-"))
              .build();
      cluster =
          new KafkaClusterTestKit.Builder(nodes)
              .setConfigProp("offsets.topic.replication.factor", "1")
              .setConfigProp("transaction.state.log.replication.factor", "1")
              .setConfigProp("transaction.state.log.min.isr", "1")
              .setConfigProp("group.initial.rebalance.delay.ms", "0")
              .setConfigProp("auto.create.topics.enable", "false")
              // Compacted logs are looked at every second (Kafka's default: 15 s), so an erased
              // subject's key leaves the local key topic within the bound README states.
              .setConfigProp("log.cleaner.backoff.ms", "1000")
              .build();
      formatQuietly(cluster);
      cluster.startup();
      cluster.waitForReadyBrokers();
      EmbeddedKafka kafka = new EmbeddedKafka(cluster);
      log.info("Embedded Kafka broker ready at {}", kafka.bootstrapServers());
      return kafka;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeQuietly(cluster);
      throw new PerennialException("Interrupted while starting the embedded Kafka broker", e);
    } catch (Exception e) {
      closeQuietly(cluster);
      throw new PerennialException("Cannot start the embedded Kafka broker: " + e.getMessage(), e);
    }
  }

  /** {@code host:port} of the broker, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * Stops the broker and deletes its data. Kafka's close can hang, so it runs on its own thread and
   * is abandoned (with a warning) after {@value #CLOSE_TIMEOUT_SECONDS} seconds.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    CompletableFuture<Void> closing =
        CompletableFuture.runAsync(
            () -> {
              try {
                cluster.close();
              } catch (Exception e) {
                throw new PerennialException("Closing the embedded Kafka broker failed", e);
              }
            },
            runnable -> {
              Thread thread = new Thread(runnable, "embedded-kafka-close");
              thread.setDaemon(true);
              thread.start();
            });
    try {
      closing.get(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      log.info("Embedded Kafka broker at {} stopped", bootstrapServers);
    } catch (TimeoutException e) {
      log.warn(
          "Embedded Kafka broker at {} did not stop within {} s; abandoning it",
          bootstrapServers,
          CLOSE_TIMEOUT_SECONDS);
    } catch (ExecutionException e) {
      log.warn(
          "Embedded Kafka broker at {} failed to stop cleanly", bootstrapServers, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn("Interrupted while stopping the embedded Kafka broker at {}", bootstrapServers);
    }
  }

  /**
   * Kafka's storage formatter prints its report to {@code System.out}, which is the CLI's output;
   * it goes to the debug log instead.
   */
  private static void formatQuietly(KafkaClusterTestKit cluster) throws Exception {
    PrintStream stdout = System.out;
    ByteArrayOutputStream report = new ByteArrayOutputStream();
    System.setOut(new PrintStream(report, true, StandardCharsets.UTF_8));
    try {
      cluster.format();
    } finally {
      System.setOut(stdout);
      log.debug("Kafka storage formatted: {}", report.toString(StandardCharsets.UTF_8).strip());
    }
  }

  private static void closeQuietly(KafkaClusterTestKit cluster) {
    if (cluster == null) {
      return;
    }
    try {
      cluster.close();
    } catch (Exception e) {
      log.warn("Cannot clean up a broker that failed to start", e);
    }
  }
}
