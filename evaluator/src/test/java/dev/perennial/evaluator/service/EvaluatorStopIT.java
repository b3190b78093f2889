package dev.perennial.evaluator.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.store.FolderIndex;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.core.testing.KafkaClusterExtension;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.evaluator.config.EvaluatorConfig;
import dev.perennial.evaluator.testing.Candidates;
import dev.perennial.evaluator.testing.TestAdapters;
import dev.perennial.evaluator.testing.TestShards;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.tiny.TinyModel;
import dev.perennial.model.train.TrainingExample;
import dev.perennial.model.world.QaPair;
import dev.perennial.model.world.TenantKnowledge;
import dev.perennial.model.world.World;
import dev.perennial.schemas.topic.Topic;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.EvaluationVerdict;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An evaluator stopped in the middle of a batch (SIGTERM: {@code ServiceProcess} closes the
 * service) stops scoring it instead of running every pass to the end: its verdicts would be thrown
 * away (the loop has stopped, nothing is committed), and a large batch outlasts the pod's grace
 * period (60 s in the chart), after which the kubelet kills it. Nothing is committed, and the next
 * instance evaluates the candidate once.
 */
class EvaluatorStopIT {

  private static final Logger log = LoggerFactory.getLogger(EvaluatorStopIT.class);

  @RegisterExtension static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();
  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  private static final String KEY = "acme/support";

  @TempDir Path folder;

  @Test
  @Timeout(value = 400, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void anEvaluatorStoppedMidBatchStopsScoringCommitsNothingAndTheNextOneEvaluatesOnce()
      throws Exception {
    TenantKnowledge acme = World.standard().tenant("acme");
    BaseModel base = TinyModel.open();
    EvaluatorHarness harness = new EvaluatorHarness(KAFKA, REGISTRY, folder);
    TopicCatalog catalog = harness.catalog();
    Map<String, String> values = harness.values();
    // every question of the general set: a batch that scores for a while
    values.put(EvaluatorConfig.GENERAL_SIZE_CONFIG, "0");
    EvaluatorConfig config = new EvaluatorConfig(values);
    LocalArtifactStore store = new LocalArtifactStore(config.artifactStorePath());

    List<dev.perennial.schemas.v1.TrainingExample> trainingRecords =
        acme.documents().stream().map(d -> TestShards.text(KEY, d.text())).toList();
    List<TrainingExample> training =
        acme.documents().stream().map(d -> TrainingExample.text(d.text())).toList();
    String trainingShard = TestShards.store(store, KEY, "train", trainingRecords);
    List<QaPair> heldOut = acme.heldOutQuestions();
    String questionsShard =
        TestShards.store(
            store,
            KEY,
            "held-out",
            heldOut.stream()
                .map(q -> TestShards.question(KEY, q.prompt(), q.completion()))
                .toList());
    FolderIndex.StoredFolder adapter =
        TestAdapters.store(
            store, TestAdapters.train(base, training, List.of(), 2, 3e-3, folder.resolve("a")));
    AdapterCandidate candidate =
        Candidates.candidate(
            KEY,
            "acme/support@1-aaa#candidate",
            adapter.location(),
            adapter.fileDigests(),
            base.name(),
            base.digest(),
            List.of(Candidates.shard(trainingShard, trainingRecords.size())),
            List.of(Candidates.shard(questionsShard, heldOut.size())),
            3e-3);
    Topic<String, AdapterCandidate> candidates =
        Topics.create(catalog, config.clientProperties()).candidates();

    StringWriter progress = new StringWriter();
    List<EvaluationVerdict> verdicts = new CopyOnWriteArrayList<>();
    EvaluatorService first =
        EvaluatorService.start(config, new SimpleMeterRegistry(), new PrintWriter(progress));
    try {
      first.onVerdict(verdicts::add);
      KAFKA.produce(
          candidates.name(),
          candidates.keySerde().serializer(),
          candidates.valueSerde().serializer(),
          List.of(KeyValue.pair(KEY, candidate)));
      long deadline = System.nanoTime() + 240_000_000_000L;
      while (!progress.toString().contains("Evaluating 1 candidate(s)")
          && first.failure().isEmpty()
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(progress.toString()).contains("Evaluating 1 candidate(s)");
    } finally {
      long closing = System.nanoTime();
      first.close(); // what ServiceProcess does on SIGTERM
      log.info(
          "The evaluator stopped {} ms after close, mid-batch",
          (System.nanoTime() - closing) / 1_000_000);
    }

    assertThat(progress.toString())
        .as("the batch was stopped, not scored to its end")
        .doesNotContain("scored in");
    assertThat(verdicts).isEmpty();
    try (Admin admin = KAFKA.createAdmin()) {
      assertThat(
              admin
                  .listConsumerGroupOffsets(config.groupId())
                  .partitionsToOffsetAndMetadata()
                  .get())
          .as("committed candidate offsets")
          .isEmpty();
    }

    // the same group and instance; the next one's batch need not be long, only evaluated once
    values.put(EvaluatorConfig.GENERAL_SIZE_CONFIG, "16");
    try (EvaluatorService second =
        EvaluatorService.start(new EvaluatorConfig(values), new SimpleMeterRegistry(), null)) {
      second.onVerdict(verdicts::add);
      long deadline = System.nanoTime() + 240_000_000_000L;
      while (verdicts.isEmpty() && second.failure().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
    }
    assertThat(verdicts)
        .singleElement()
        .satisfies(
            v ->
                assertThat(v.getCandidate().getCandidateId())
                    .isEqualTo(candidate.getCandidateId()));
  }
}
