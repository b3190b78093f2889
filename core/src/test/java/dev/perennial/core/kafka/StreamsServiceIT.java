package dev.perennial.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.metrics.ServiceMetrics;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.core.testing.KafkaClusterExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a {@link StreamsService} whose client died reports ({@code /health/live}, the command's exit
 * message): the failure that killed it, not the Streams wrapper around it, on one line of bounded
 * length, and no record content quoted by a library's message.
 */
class StreamsServiceIT {

  @RegisterExtension static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path folder;

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aClientKilledByTheArtifactStoreBeingUnavailableReportsTheStoreNotTheStreamsWrapper()
      throws Exception {
    // A store whose volume is not mounted: the folder holds nothing, so a read is an outage.
    LocalArtifactStore store = new LocalArtifactStore(folder.resolve("unmounted"));

    Optional<String> failure =
        failureAfter(
            "needs-the-store",
            value -> store.read(Digest.of(value.getBytes(StandardCharsets.UTF_8))));

    assertThat(failure)
        .hasValueSatisfying(
            why ->
                assertThat(why)
                    .contains("ArtifactStoreUnavailableException")
                    .contains("The artifact store at " + store.root() + " holds nothing")
                    .doesNotContain("Exception caught in process")
                    .doesNotContain("StreamsException")
                    .doesNotContain("\n")
                    // one line an operator reads, not a stack trace
                    .hasSizeLessThanOrEqualTo(500));
  }

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aLibraryMessageThatQuotesTheRecordIsLeftToTheLog() throws Exception {
    // Integer.parseInt quotes what it could not parse: here a subject's e-mail address.
    Optional<String> failure = failureAfter("parses-the-value", Integer::parseInt);

    assertThat(failure)
        .hasValueSatisfying(
            why ->
                assertThat(why)
                    .contains("java.lang.NumberFormatException")
                    .doesNotContain("jane")
                    .doesNotContain("example.com")
                    .doesNotContain("Exception caught in process")
                    .doesNotContain("\n"));
  }

  /**
   * Runs a topology that hands each value of its input to {@code work}, sends it one record whose
   * value is an e-mail address, and returns the service's failure once it has one.
   */
  private Optional<String> failureAfter(String name, Consumer<String> work) throws Exception {
    String input = KAFKA.createTopic(KAFKA.uniqueName(name), 1);
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
        .foreach((key, value) -> work.accept(value));
    Topology topology = builder.build();
    Map<String, Object> properties = KAFKA.clientProperties();
    properties.put(StreamsConfig.APPLICATION_ID_CONFIG, KAFKA.uniqueName(name + "-app"));
    properties.put(StreamsConfig.STATE_DIR_CONFIG, folder.resolve(name).toString());
    try (ServiceMetrics metrics = ServiceMetrics.create(name);
        StreamsService service =
            StreamsService.start(
                name,
                topology,
                properties,
                metrics,
                failure -> false,
                Optional::empty,
                // a client killed on purpose: its close need not be waited out
                Duration.ofMillis(500))) {
      KAFKA.produce(
          input,
          new StringSerializer(),
          new StringSerializer(),
          List.of(KeyValue.pair("acme/x", "jane.doe@example.com")));
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (service.failure().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      return service.failure();
    }
  }
}
