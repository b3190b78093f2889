package dev.perennial.trainer.it;

import static dev.perennial.trainer.testing.Examples.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.core.testing.KafkaClusterExtension;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.ShardRef;
import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.accumulate.TrainerAccumulator;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.shard.ExampleContent;
import dev.perennial.trainer.shard.HeldOutSplit;
import dev.perennial.trainer.shard.Shard;
import dev.perennial.trainer.shard.ShardReader;
import dev.perennial.trainer.shard.SourcedExample;
import dev.perennial.trainer.testing.Examples;
import dev.perennial.trainer.testing.RecordingArtifactStore;
import dev.perennial.trainer.testing.TrainerHarness;
import dev.perennial.trainer.worker.TrainerWorker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5 acceptance on the real broker and registry: examples of three adapter keys (three tenants
 * with different triggers) become jobs with the right triggers, and the worker turns them into
 * candidates whose lineage lists exactly the input examples, none twice, none missing; the worker
 * reads no shard outside a job's own lineage.
 */
class TrainerPipelineIT {

  @RegisterExtension static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();
  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  private static final double HELD_OUT = 0.25;

  @TempDir Path folder;

  @Test
  @Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void examplesOfThreeKeysBecomeJobsWithTheirTriggersAndCandidatesWithExactLineage() {
    TrainerHarness harness = new TrainerHarness(KAFKA, REGISTRY, folder);
    Map<String, String> values = harness.values();
    values.put(TrainerConfig.HELD_OUT_FRACTION_CONFIG, Double.toString(HELD_OUT));
    values.put("perennial.trainer.tenant.acme.trigger.min.examples", "4");
    values.put("perennial.trainer.tenant.globex.trigger.min.tokens", "150");
    values.put("perennial.trainer.tenant.initech.trigger.max.wait.ms", "1500");
    TrainerConfig config = harness.config();

    HeldOutSplit split = new HeldOutSplit(HELD_OUT);
    List<TrainingExample> acme =
        Examples.untilTrained(
            split,
            8,
            i ->
                text(
                    "acme/support",
                    "p-" + i % 3,
                    "Acme note " + i + ": the Zix lamp ships in crate " + i + "."));
    List<TrainingExample> globex =
        untilTokens(
            split,
            150,
            i ->
                text(
                    "globex/support",
                    "p-" + i,
                    "Globex fact " + i + ": the Qix widget weighs " + i + " grams."));
    List<TrainingExample> initech =
        Examples.untilTrained(
            split,
            2,
            i ->
                text(
                    "initech/sales",
                    "p-1",
                    "Initech memo " + i + ": TPS reports are due on day " + i + "."));
    List<KeyValue<String, TrainingExample>> records = new ArrayList<>();
    for (int i = 0; i < Math.max(acme.size(), globex.size()); i++) {
      if (i < acme.size()) {
        records.add(KeyValue.pair("acme/support", acme.get(i)));
      }
      if (i < globex.size()) {
        records.add(KeyValue.pair("globex/support", globex.get(i)));
      }
    }
    initech.forEach(example -> records.add(KeyValue.pair("initech/sales", example)));
    harness.produce(harness.topics().examples(), records);

    RecordingArtifactStore store =
        new RecordingArtifactStore(new LocalArtifactStore(config.artifactStorePath()));
    try (TrainerAccumulator accumulator = TrainerAccumulator.start(config);
        TrainerWorker worker =
            TrainerWorker.create(
                config, harness.topics(), store, new SimpleMeterRegistry(), null)) {
      accumulator.awaitRunning(Duration.ofSeconds(60));
      worker.start();
      List<TrainingJob> jobs =
          harness.await(
              harness.topics().trainingJobs(), found -> found.size() >= 4, Duration.ofSeconds(90));
      List<AdapterCandidate> candidates =
          harness.await(
              harness.topics().candidates(), found -> found.size() >= 4, Duration.ofSeconds(90));
      List<Digest> workerReads = store.reads();

      assertThat(jobs).hasSize(4);
      assertThat(triggers(jobs))
          .containsEntry("acme/support", List.of(JobTrigger.MIN_EXAMPLES, JobTrigger.MIN_EXAMPLES))
          .containsEntry("globex/support", List.of(JobTrigger.MIN_TOKENS))
          .containsEntry("initech/sales", List.of(JobTrigger.MAX_WAIT));
      assertThat(candidates)
          .extracting(AdapterCandidate::getJobId)
          .containsExactlyInAnyOrderElementsOf(jobs.stream().map(TrainingJob::getJobId).toList());

      List<TrainingExample> produced = new ArrayList<>(acme);
      produced.addAll(globex);
      produced.addAll(initech);
      assertLineageIsExact(
          store, candidates, produced, split, harness.catalog().name(PerennialTopic.EXAMPLES));
      AdapterCandidate secondAcme =
          candidates.stream()
              .filter(c -> c.getAdapterKey().equals("acme/support"))
              .max((a, b) -> a.getJobId().compareTo(b.getJobId()))
              .orElseThrow();
      AdapterCandidate firstAcme =
          candidates.stream()
              .filter(c -> c.getAdapterKey().equals("acme/support") && c != secondAcme)
              .findFirst()
              .orElseThrow();
      assertThat(secondAcme.getReplayShards()).containsExactlyElementsOf(firstAcme.getShards());
      assertWorkerReadOnlyEachJobsOwnLineage(store.unrecorded(), workerReads, candidates);
    }
  }

  private static void assertLineageIsExact(
      RecordingArtifactStore store,
      List<AdapterCandidate> candidates,
      List<TrainingExample> produced,
      HeldOutSplit split,
      String examplesTopic) {
    List<String> lineage = new ArrayList<>();
    Set<String> positions = new HashSet<>();
    for (AdapterCandidate candidate : candidates) {
      List<SourcedExample> trained =
          TrainerHarness.examples(store, candidate.getTenant(), candidate.getShards());
      List<SourcedExample> heldOut =
          TrainerHarness.examples(store, candidate.getTenant(), candidate.getHeldOutShards());
      assertThat(trained)
          .allSatisfy(
              e -> {
                assertThat(e.example().getAdapterKey()).isEqualTo(candidate.getAdapterKey());
                assertThat(split.isHeldOut(e.example().getExampleId())).isFalse();
              });
      assertThat(heldOut)
          .allSatisfy(
              e -> {
                assertThat(e.example().getAdapterKey()).isEqualTo(candidate.getAdapterKey());
                assertThat(split.isHeldOut(e.example().getExampleId())).isTrue();
              });
      assertThat(candidate.getExampleCount()).isEqualTo(trained.size());
      assertThat(candidate.getTokenCount())
          .isEqualTo(trained.stream().mapToLong(e -> ExampleContent.tokens(e.example())).sum());
      for (ShardRef ref : concat(candidate.getShards(), candidate.getHeldOutShards())) {
        Shard shard =
            ShardReader.read(
                store,
                Digest.parse(ref.getDigest()),
                candidate.getTenant(),
                candidate.getAdapterKey());
        assertThat(ref.getOffsetRanges()).isEqualTo(shard.offsetRanges());
        assertThat(ref.getExampleCount()).isEqualTo(shard.exampleCount());
      }
      for (SourcedExample example : concat(trained, heldOut)) {
        lineage.add(example.example().getExampleId());
        assertThat(example.position().topic()).isEqualTo(examplesTopic);
        assertThat(positions.add(example.position().toString()))
            .as("position %s once", example.position())
            .isTrue();
      }
    }
    assertThat(lineage).as("no example twice").doesNotHaveDuplicates();
    assertThat(lineage)
        .as("none missing, none extra")
        .containsExactlyInAnyOrderElementsOf(
            produced.stream().map(TrainingExample::getExampleId).toList());
  }

  /** Every shard the worker read is in the lineage of a job, and of its tenant's jobs only. */
  private static void assertWorkerReadOnlyEachJobsOwnLineage(
      ArtifactStore store, List<Digest> workerReads, List<AdapterCandidate> candidates) {
    Map<String, Set<String>> tenantsListing = new HashMap<>();
    Set<String> heldOut = new HashSet<>();
    for (AdapterCandidate candidate : candidates) {
      for (ShardRef ref : concat(candidate.getShards(), candidate.getReplayShards())) {
        tenantsListing
            .computeIfAbsent(ref.getDigest(), d -> new HashSet<>())
            .add(candidate.getTenant());
      }
      candidate.getHeldOutShards().forEach(ref -> heldOut.add(ref.getDigest()));
    }
    List<Digest> shardReads =
        workerReads.stream()
            .filter(digest -> ShardReader.header(store, digest).isPresent())
            .toList();
    assertThat(shardReads).isNotEmpty();
    for (Digest read : shardReads) {
      assertThat(tenantsListing)
          .as("shard %s read by the worker is in some lineage", read)
          .containsKey(read.hex());
      String owner = ShardReader.header(store, read).orElseThrow().tenant();
      assertThat(tenantsListing.get(read.hex())).containsOnly(owner);
      assertThat(heldOut).doesNotContain(read.hex());
    }
  }

  private static Map<String, List<JobTrigger>> triggers(List<TrainingJob> jobs) {
    Map<String, List<JobTrigger>> triggers = new HashMap<>();
    jobs.forEach(
        job ->
            triggers
                .computeIfAbsent(job.getAdapterKey(), k -> new ArrayList<>())
                .add(job.getTrigger()));
    return triggers;
  }

  /** Examples in order until the training side holds at least {@code tokens}. */
  private static List<TrainingExample> untilTokens(
      HeldOutSplit split, long tokens, IntFunction<TrainingExample> make) {
    List<TrainingExample> examples = new ArrayList<>();
    long count = 0;
    for (int i = 0; count < tokens; i++) {
      TrainingExample example = make.apply(i);
      examples.add(example);
      count += split.isHeldOut(example.getExampleId()) ? 0 : ExampleContent.tokens(example);
    }
    return examples;
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
