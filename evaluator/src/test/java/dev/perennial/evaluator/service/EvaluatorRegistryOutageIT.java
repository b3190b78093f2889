package dev.perennial.evaluator.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.kafka.TopicReader;
import dev.perennial.core.store.FolderIndex;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.core.testing.KafkaClusterExtension;
import dev.perennial.core.testing.LogCapture;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.evaluator.config.EvaluatorConfig;
import dev.perennial.evaluator.testing.Candidates;
import dev.perennial.evaluator.testing.TestShards;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.tiny.TinyModel;
import dev.perennial.schemas.topic.Topic;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.EvaluationVerdict;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluator through a schema registry outage, on the real broker and registry: it waits polling
 * with its partitions paused, stays in its group, reads no more candidates meanwhile, and evaluates
 * each candidate once the registry is back. Its own class (and registry) because it stops the
 * registry, and so that Failsafe runs its waits beside {@link EvaluatorServiceIT}.
 */
class EvaluatorRegistryOutageIT {

  @RegisterExtension static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();
  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  private static final String KEY = "acme/support";

  @TempDir Path folder;

  /**
   * While the schema registry is unavailable the evaluator waits for it polling with its partitions
   * paused: it stays in its consumer group however short {@code max.poll.interval.ms} is (here 3 s,
   * below the 4 s and 8 s pauses the outage brings), and evaluates each candidate once the registry
   * is back.
   */
  @Test
  @Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void anEvaluatorWaitingForTheRegistryLongerThanItsPollIntervalStaysInItsGroup() throws Exception {
    // pauses of 0.5, 1, 2, 4 and 8 s after tries of about 1.2 s each: a loop that sleeps them
    // polls up to 8 s apart, and its consumer leaves the group 3 s into the 4 s pause, about 10 s
    // after the first try
    waitOutARegistryOutage(
        Map.of(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "3000"), Duration.ofSeconds(12));
  }

  /**
   * While the schema registry is unavailable the evaluator reads no more candidates into memory
   * than it held when the outage began, however many arrive meanwhile, and evaluates each once the
   * registry is back.
   */
  @Test
  @Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void anEvaluatorWaitingForTheRegistryReadsNoMoreCandidates() throws Exception {
    // the tries after the pauses of 0.5, 1 and 2 s (the last about 6 s after the first failed),
    // each of which could read the candidates produced meanwhile; later tries are the same, and a
    // registry back before the next one (about 11 s in) spares the test the 8 s pause after it
    waitOutARegistryOutage(Map.of(), Duration.ofSeconds(7));
  }

  /**
   * One candidate the evaluator cannot read while the registry is down, ten more produced during
   * the outage (for {@code outage}), two to a batch; then the registry is back.
   */
  private void waitOutARegistryOutage(Map<String, String> settings, Duration outage)
      throws Exception {
    EvaluatorHarness harness = new EvaluatorHarness(KAFKA, REGISTRY, folder);
    TopicCatalog catalog = harness.catalog();
    Map<String, String> values = harness.values();
    values.put(EvaluatorConfig.BATCH_MAX_CANDIDATES_CONFIG, "2");
    values.putAll(settings);
    EvaluatorConfig config = new EvaluatorConfig(values);
    LocalArtifactStore store = new LocalArtifactStore(config.artifactStorePath());
    Topics topics = Topics.create(catalog, config.clientProperties());
    BaseModel base = TinyModel.open();
    String train = TestShards.store(store, KEY, "train", List.of(TestShards.text(KEY, "Zix.")));
    String heldOut =
        TestShards.store(store, KEY, "held-out", List.of(TestShards.text(KEY, "Quorn.")));
    // weights no model can load: each candidate gets a verdict quickly
    FolderIndex.StoredFolder adapter =
        FolderIndex.store(
            store,
            Map.of(
                "adapter_config.json", "{}".getBytes(StandardCharsets.UTF_8),
                "adapter_model.safetensors", "weights".getBytes(StandardCharsets.UTF_8)));
    List<AdapterCandidate> candidates =
        IntStream.rangeClosed(1, 11)
            .mapToObj(
                i ->
                    Candidates.candidate(
                        KEY,
                        KEY + "@" + i + "-abc#candidate",
                        adapter.location(),
                        adapter.fileDigests(),
                        base.name(),
                        base.digest(),
                        List.of(Candidates.shard(train, 1)),
                        List.of(Candidates.shard(heldOut, 1)),
                        1e-3))
            .toList();
    // serialized while the registry answers; the evaluator has read no candidate schema yet
    List<KeyValue<String, byte[]>> records =
        candidates.stream()
            .map(
                c ->
                    KeyValue.pair(
                        KEY,
                        topics
                            .candidates()
                            .valueSerde()
                            .serializer()
                            .serialize(topics.candidates().name(), c)))
            .toList();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    List<EvaluationVerdict> verdicts = new CopyOnWriteArrayList<>();

    try (LogCapture log = new LogCapture();
        EvaluatorService service = EvaluatorService.start(config, meters, null)) {
      service.onVerdict(verdicts::add);
      awaitTrue("in its group", () -> KAFKA.groupMembers(config.groupId()) == 1);
      REGISTRY.stop();
      try {
        produceBytes(topics.candidates().name(), records.subList(0, 1));
        awaitTrue(
            "the outage reported",
            () -> service.readiness().detail().startsWith("schema registry unavailable"));
        int before = log.text().length();
        // traffic during the outage
        produceBytes(topics.candidates().name(), records.subList(1, records.size()));
        Thread.sleep(outage.toMillis());

        String during = log.text().substring(before);
        assertThat(during)
            .as("the log during the outage")
            .doesNotContain("poll timeout has expired")
            .doesNotContain("Evaluator assigned");
        assertThat(KAFKA.groupMembers(config.groupId()))
            .as("the evaluator's consumers in its group")
            .isEqualTo(1);
        assertThat(service.failure()).isEmpty();
        assertThat(meters.get("perennial.evaluator.candidates.waiting").gauge().value())
            .as("candidates read and waiting")
            .isLessThanOrEqualTo(2);
        assertThat(verdicts).isEmpty();
      } finally {
        REGISTRY.restart();
      }

      awaitVerdicts(verdicts, candidates.size());
      assertThat(verdicts)
          .extracting(v -> v.getCandidate().getCandidateId())
          .containsExactlyInAnyOrderElementsOf(
              candidates.stream().map(AdapterCandidate::getCandidateId).toList());
      assertThat(service.failure()).isEmpty();
    }
    assertThat(readAll(topics.verdicts())).hasSize(candidates.size());
  }

  private static void produceBytes(String topic, List<KeyValue<String, byte[]>> records) {
    KAFKA.produce(topic, new StringSerializer(), new ByteArraySerializer(), records);
  }

  private static void awaitTrue(String what, java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(condition.getAsBoolean()).as(what).isTrue();
  }

  private static void awaitVerdicts(List<EvaluationVerdict> verdicts, int count)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
    while (verdicts.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(verdicts).hasSize(count);
  }

  private static <V> List<V> readAll(Topic<String, V> topic) {
    return TopicReader.readAll(
        KAFKA.clientProperties(),
        topic.name(),
        topic.keySerde().deserializer(),
        topic.valueSerde().deserializer(),
        Duration.ofSeconds(30));
  }
}
