package dev.perennial.evaluator.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.store.FolderIndex;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.core.testing.ErrorOnCount;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An evaluator that cannot work says so: {@code failure()} (hence {@code /health/live} and the exit
 * code) and readiness name why.
 *
 * <ul>
 *   <li>Issue 17: its loop died of an {@link Error} (not an exception, which it catches).
 *   <li>It cannot read {@code releases.v1}, which every batch compares with (the topic gone, no
 *       ACL, the broker not answering).
 *   <li>Its artifact store holds nothing at all (its volume not mounted): a candidate's files are
 *       not known to be gone, so it gets no verdict.
 * </ul>
 */
class EvaluatorLivenessIT {

  @RegisterExtension static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();
  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  @TempDir Path folder;

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void anEvaluatorWhoseLoopDiedOfAnErrorReportsTheFailure() throws Exception {
    EvaluatorHarness harness = new EvaluatorHarness(KAFKA, REGISTRY, folder);
    TopicCatalog catalog = harness.catalog();
    Map<String, String> values = harness.values();
    // an unreadable candidate is counted on the loop thread: the count throws the Error
    KAFKA.produce(
        catalog.name(PerennialTopic.CANDIDATES),
        new ByteArraySerializer(),
        new ByteArraySerializer(),
        List.of(KeyValue.pair("acme/x".getBytes(StandardCharsets.UTF_8), new byte[] {7, 7})));

    try (EvaluatorService service =
        EvaluatorService.start(
            new EvaluatorConfig(values),
            new ErrorOnCount("perennial.evaluator.unreadable.records"),
            null)) {
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (service.failure().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(service.failure())
          .hasValueSatisfying(
              why ->
                  assertThat(why)
                      .contains("perennial-evaluator loop died of")
                      .contains("StackOverflowError"));
      assertThat(service.readiness().ready()).isFalse();
    }
  }

  @Test
  @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void anEvaluatorThatCannotReadTheReleasesSaysSoAndFails() throws Exception {
    EvaluatorHarness harness = new EvaluatorHarness(KAFKA, REGISTRY, folder);
    TopicCatalog catalog = harness.catalog();
    Map<String, String> values = harness.values();
    // a consumer would otherwise create the topic again, empty, by asking for it
    values.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    // each read of the deleted topic times out: a short one keeps three tries short
    values.put(EvaluatorConfig.RELEASES_TIMEOUT_MS_CONFIG, "3000");
    String releases = catalog.name(PerennialTopic.RELEASES);
    String cannotRead = "Cannot read " + releases + " to its end";

    try (LogCapture log = new LogCapture();
        EvaluatorService service =
            EvaluatorService.start(new EvaluatorConfig(values), new SimpleMeterRegistry(), null)) {
      // releases.v1 goes away after the evaluator opened it: every read of it times out
      try (Admin admin = KAFKA.createAdmin()) {
        admin.deleteTopics(List.of(releases)).all().get();
        while (admin.listTopics().names().get().contains(releases)) {
          Thread.sleep(100);
        }
      }
      // a candidate to evaluate: the evaluator reads releases.v1 before each batch
      KAFKA.produce(
          catalog.name(PerennialTopic.CANDIDATES),
          new ByteArraySerializer(),
          new ByteArraySerializer(),
          List.of(KeyValue.pair("acme/x".getBytes(StandardCharsets.UTF_8), new byte[] {7, 7})));

      long deadline = System.nanoTime() + 240_000_000_000L;
      while (!log.text().contains(cannotRead)
          && service.failure().isEmpty()
          && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(log.text()).contains(cannotRead);
      assertThat(service.readiness().ready())
          .as("ready: " + service.readiness().detail())
          .isFalse();

      // after as many tries as a batch gets, it has failed
      while (service.failure().isEmpty()
          && occurrences(log.text(), cannotRead) <= EvaluatorService.MAX_ATTEMPTS
          && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(service.failure()).hasValueSatisfying(why -> assertThat(why).contains(releases));
    }
  }

  @Test
  @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void anEvaluatorWhoseArtifactStoreHoldsNothingFailsWithoutAVerdictAndCommitsNothing()
      throws Exception {
    EvaluatorHarness harness = new EvaluatorHarness(KAFKA, REGISTRY, folder);
    TopicCatalog catalog = harness.catalog();
    Map<String, String> values = harness.values();
    EvaluatorConfig config = new EvaluatorConfig(values);
    // the evaluator's volume is not mounted: its store (artifacts) is the image's empty mount
    // point, while the trainer wrote the candidate's shards and adapter into the real one
    LocalArtifactStore real = new LocalArtifactStore(folder.resolve("real"));
    String key = "acme/support";
    String train = TestShards.store(real, key, "train", List.of(TestShards.text(key, "Zix.")));
    String heldOut =
        TestShards.store(real, key, "held-out", List.of(TestShards.text(key, "Quorn.")));
    FolderIndex.StoredFolder adapter =
        FolderIndex.store(
            real,
            Map.of(
                "adapter_config.json", "{}".getBytes(StandardCharsets.UTF_8),
                "adapter_model.safetensors", "weights".getBytes(StandardCharsets.UTF_8)));
    BaseModel base = TinyModel.open();
    AdapterCandidate candidate =
        Candidates.candidate(
            key,
            "acme/support@1-abc#candidate",
            adapter.location(),
            adapter.fileDigests(),
            base.name(),
            base.digest(),
            List.of(Candidates.shard(train, 1)),
            List.of(Candidates.shard(heldOut, 1)),
            1e-3);
    Topic<String, AdapterCandidate> candidates =
        Topics.create(catalog, config.clientProperties()).candidates();
    List<EvaluationVerdict> verdicts = new CopyOnWriteArrayList<>();

    try (EvaluatorService service =
        EvaluatorService.start(config, new SimpleMeterRegistry(), null)) {
      service.onVerdict(verdicts::add);
      KAFKA.produce(
          candidates.name(),
          candidates.keySerde().serializer(),
          candidates.valueSerde().serializer(),
          List.of(KeyValue.pair(key, candidate)));

      long deadline = System.nanoTime() + 240_000_000_000L;
      while (service.failure().isEmpty() && verdicts.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(verdicts).as("verdicts").isEmpty();
      assertThat(service.failure())
          .hasValueSatisfying(
              why -> assertThat(why).contains("holds nothing").contains("is its volume mounted?"));
      assertThat(service.readiness().ready()).isFalse();
    }
    // the candidate stays to be evaluated once the volume is mounted
    try (Admin admin = KAFKA.createAdmin()) {
      assertThat(
              admin
                  .listConsumerGroupOffsets(config.groupId())
                  .partitionsToOffsetAndMetadata()
                  .get())
          .as("committed candidate offsets")
          .isEmpty();
    }
  }

  private static int occurrences(String text, String part) {
    int count = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      count++;
    }
    return count;
  }
}
