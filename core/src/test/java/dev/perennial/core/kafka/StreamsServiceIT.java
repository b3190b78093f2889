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
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
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
 * length, and no record content quoted by a library's message. And that a service which is closed
 * leaves its group, so another instance of the application takes its partitions at once rather than
 * when the closed one's session runs out (a rolling update).
 */
class StreamsServiceIT {

  @RegisterExtension static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /**
   * The session of the instances in the rolling-update test: far longer than that test waits for
   * the handover ({@link #TIMEOUT}), so only a closed instance that leaves its group hands its
   * partition over within the wait.
   */
  private static final Duration LONG_SESSION = Duration.ofMinutes(5);

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

  @Test
  @Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aClosedServiceLeavesItsGroupSoAnotherInstanceTakesItsPartitionsWithoutWaitingOutItsSession()
      throws Exception {
    String input = KAFKA.createTopic(KAFKA.uniqueName("rolled"), 2);
    String applicationId = KAFKA.uniqueName("rolled-app");
    Queue<String> seenByStaying = new ConcurrentLinkedQueue<>();
    try (Admin admin = KAFKA.createAdmin();
        ServiceMetrics stayingMetrics = ServiceMetrics.create("staying");
        ServiceMetrics leavingMetrics = ServiceMetrics.create("leaving");
        StreamsService staying =
            instance("staying", input, applicationId, seenByStaying::add, stayingMetrics)) {
      try (StreamsService leaving =
          instance("leaving", input, applicationId, value -> {}, leavingMetrics)) {
        assertThat(staying.awaitRunning(TIMEOUT)).isTrue();
        assertThat(leaving.awaitRunning(TIMEOUT)).isTrue();
        // each instance owns one of the two partitions
        awaitGroup(
            admin,
            applicationId,
            members ->
                members.size() == 2
                    && members.stream()
                        .allMatch(m -> m.assignment().topicPartitions().size() == 1));
      } // closed as ServiceProcess closes a stage: StreamsService.close()

      // its session runs for minutes more: only its leaving hands its partition over in time
      awaitGroup(
          admin,
          applicationId,
          members ->
              members.size() == 1 && members.get(0).assignment().topicPartitions().size() == 2);
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(
              KAFKA.clientProperties(), new StringSerializer(), new StringSerializer())) {
        for (int partition = 0; partition < 2; partition++) {
          producer.send(new ProducerRecord<>(input, partition, "k", "p" + partition)).get();
        }
      }
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (seenByStaying.size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(seenByStaying).containsExactlyInAnyOrder("p0", "p1");
    }
  }

  /** One instance of {@code applicationId}, handing each value of {@code input} to {@code work}. */
  private StreamsService instance(
      String name,
      String input,
      String applicationId,
      Consumer<String> work,
      ServiceMetrics metrics) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
        .foreach((key, value) -> work.accept(value));
    Map<String, Object> properties = KAFKA.clientProperties();
    properties.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    properties.put(StreamsConfig.STATE_DIR_CONFIG, folder.resolve(name).toString());
    properties.put(
        StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
        (int) LONG_SESSION.toMillis());
    return StreamsService.start(
        name,
        builder.build(),
        properties,
        metrics,
        failure -> false,
        Optional::empty,
        Duration.ofSeconds(5));
  }

  /**
   * Waits up to {@link #TIMEOUT} until the members of group {@code groupId} match {@code expected}.
   *
   * @throws AssertionError naming the members last described when they do not
   */
  private static void awaitGroup(
      Admin admin, String groupId, Predicate<List<MemberDescription>> expected) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    List<MemberDescription> members = List.of();
    while (System.nanoTime() < deadline) {
      ConsumerGroupDescription group =
          admin
              .describeConsumerGroups(List.of(groupId))
              .describedGroups()
              .get(groupId)
              .get(10, TimeUnit.SECONDS);
      members = List.copyOf(group.members());
      if (group.groupState() == GroupState.STABLE && expected.test(members)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "Group " + groupId + " not as expected within " + TIMEOUT + "; its members: " + members);
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
