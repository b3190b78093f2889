package dev.perennial.trainer.accumulate;

import static dev.perennial.trainer.testing.Examples.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.metrics.ServiceMetrics;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.core.testing.TestConfig;
import dev.perennial.schemas.privacy.ExampleDecryptor;
import dev.perennial.schemas.privacy.SubjectKeyMap;
import dev.perennial.schemas.topic.Topic;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.AdapterImport;
import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.BaseAliases;
import dev.perennial.schemas.v1.BaseAnnouncement;
import dev.perennial.schemas.v1.BaseRef;
import dev.perennial.schemas.v1.EvaluationVerdict;
import dev.perennial.schemas.v1.GiveUpOutcome;
import dev.perennial.schemas.v1.JobGivenUp;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.Lineage;
import dev.perennial.schemas.v1.LineageMethod;
import dev.perennial.schemas.v1.OffsetRange;
import dev.perennial.schemas.v1.ReleaseAction;
import dev.perennial.schemas.v1.ReleaseRef;
import dev.perennial.schemas.v1.SkipReason;
import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.lineage.JobIds;
import dev.perennial.trainer.testing.Candidates;
import dev.perennial.trainer.testing.TestConfigs;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production topology and configuration on {@link TopologyTestDriver} (the Avro serdes talk to
 * the real schema registry, hence an IT): every stateful step and store is named, examples reach
 * the processor through the tenant repartition, and jobs come out keyed by adapter key.
 */
class AccumulatorTopologyIT {

  private static AdapterRelease release(String key, int version, String jobId, String base) {
    return AdapterRelease.newBuilder()
        .setAdapterKey(key)
        .setVersion(version)
        .setAction(ReleaseAction.PUBLISHED)
        .setLocation("sha256:" + "ef".repeat(32))
        .setManifestDigest("12".repeat(32))
        .setFileDigests(Map.of())
        .setBaseModelName("perennial-tiny")
        .setBaseModelDigest(base)
        .setCandidateId(JobIds.candidateId(jobId))
        .setLatestVersion(version)
        .setAliases(Map.of("stable", version))
        .setAliasTargets(
            List.of(
                new ReleaseRef(version, "sha256:" + "ef".repeat(32), "12".repeat(32), base, null)))
        .setBaseAliases(List.of(new BaseAliases("perennial-tiny", base, Map.of("stable", version))))
        .setOccurredAt(Instant.EPOCH)
        .build();
  }

  private static BaseAnnouncement successor(String old, Instant announcedAt) {
    return BaseAnnouncement.newBuilder()
        .setName("perennial-tiny-2")
        .setDigest("sha256:" + "cd".repeat(32))
        .setLocation("bundled:perennial-tiny-2")
        .setSucceeds(new BaseRef("perennial-tiny", "sha256:" + old, "bundled:perennial-tiny"))
        .setAnnouncedBy("test")
        .setAnnouncedAt(announcedAt)
        .build();
  }

  /** The worker's record of giving {@code job} up: skipped, its old base's tokenizer changed. */
  private static JobGivenUp givenUp(TrainingJob job) {
    return JobGivenUp.newBuilder()
        .setJobId(job.getJobId())
        .setTenant(job.getTenant())
        .setAdapterKey(job.getAdapterKey())
        .setTrigger(job.getTrigger())
        .setOutcome(GiveUpOutcome.SKIPPED)
        .setSkipReason(SkipReason.TOKENIZER_CHANGED)
        .setDetail("the release was trained with other tokenizer files")
        .setWorkerId("worker-0")
        .setGivenUpAt(Instant.EPOCH)
        .build();
  }

  /** The evaluator's refusal of the REBASE job's candidate, made by {@code method}. */
  private static EvaluationVerdict refused(TrainingJob job, LineageMethod method) {
    AdapterCandidate candidate =
        Candidates.of(job)
            .setBaseModelName(job.getRebase().getToBase().getName())
            .setBaseModelDigest(job.getRebase().getToBase().getDigest())
            .setTrigger(JobTrigger.REBASE)
            .setLineage(Lineage.newBuilder().setMethod(method).build())
            .build();
    return EvaluationVerdict.newBuilder()
        .setVerdictId(candidate.getCandidateId() + "#verdict")
        .setAdapterKey(candidate.getAdapterKey())
        .setCandidate(candidate)
        .setPassed(false)
        .setMetrics(Map.of())
        .setGates(List.of())
        .setReportLocation("sha256:" + "0".repeat(64))
        .setEvaluatedAt(Instant.EPOCH)
        .build();
  }

  private static <V> TestInputTopic<String, V> input(
      TopologyTestDriver driver, Topic<String, V> topic) {
    return driver.createInputTopic(
        topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer());
  }

  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  @TempDir Path folder;

  @Test
  void examplesBecomeJobsKeyedByAdapterKeyThroughTheNamedTenantRepartition() {
    Map<String, String> values = TestConfigs.tinyRecipe(folder);
    values.put(TrainerConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url());
    values.put(TrainerConfig.TOPIC_PREFIX_CONFIG, "topology-it.");
    values.put(TrainerConfig.HELD_OUT_FRACTION_CONFIG, "0");
    values.put("perennial.trainer.tenant.acme.trigger.min.examples", "2");
    values.put("perennial.trainer.tenant.initech.trigger.max.wait.ms", "5000");
    values.put("state.dir", folder.resolve("state").toString());
    TrainerConfig config = new TrainerConfig(values);
    Topics topics = Topics.create(TopicCatalog.from(config), config.clientProperties());
    try (ServiceMetrics metrics = ServiceMetrics.create("trainer-accumulator")) {
      Topology topology =
          TrainerAccumulator.topology(
              config,
              topics,
              new LocalArtifactStore(config.artifactStorePath()),
              new ExampleDecryptor(new SubjectKeyMap(TestConfig.masterKeys())),
              metrics);
      Properties properties = new Properties();
      properties.putAll(TrainerAccumulator.streamsProperties(config));

      assertThat(topology.describe().toString())
          .contains(
              "trainer-events-by-tenant-repartition",
              AccumulatorStores.PENDING,
              AccumulatorStores.ACCUMULATION,
              AccumulatorStores.SHARDS,
              AccumulatorStores.JOBS,
              AccumulatorStores.CANDIDATES,
              AccumulatorStores.RELEASES)
          .doesNotContain("KSTREAM-");
      assertThat(topology.describe().subtopologies())
          .flatExtracting(TopologyDescription.Subtopology::nodes)
          .extracting(TopologyDescription.Node::name)
          .allMatch(name -> name.startsWith("trainer-"));

      try (TopologyTestDriver driver =
          new TopologyTestDriver(topology, properties, Instant.ofEpochMilli(0))) {
        TestInputTopic<String, TrainingExample> examples = input(driver, topics.examples());
        TestOutputTopic<String, TrainingJob> jobs =
            driver.createOutputTopic(
                topics.trainingJobs().name(),
                topics.trainingJobs().keySerde().deserializer(),
                topics.trainingJobs().valueSerde().deserializer());

        examples.pipeInput("acme/support", text("acme/support", "p-1", "First acme fact."));
        examples.pipeInput("initech/sales", text("initech/sales", "p-1", "An initech memo."));
        examples.pipeInput("acme/support", text("acme/support", "p-2", "Second acme fact."));
        assertThat(jobs.readKeyValuesToList())
            .singleElement()
            .satisfies(
                job -> {
                  assertThat(job.key).isEqualTo("acme/support");
                  assertThat(job.value.getTrigger()).isEqualTo(JobTrigger.MIN_EXAMPLES);
                  // initech's example at offset 1 is not acme's
                  assertThat(job.value.getShards().get(0).getOffsetRanges())
                      .containsExactly(
                          new OffsetRange(topics.examples().name(), 0, 0L, 1L),
                          new OffsetRange(topics.examples().name(), 0, 2L, 3L));
                });

        driver.advanceWallClockTime(Duration.ofSeconds(6));
        assertThat(jobs.readKeyValuesToList())
            .singleElement()
            .satisfies(
                job -> {
                  assertThat(job.key).isEqualTo("initech/sales");
                  assertThat(job.value.getTrigger()).isEqualTo(JobTrigger.MAX_WAIT);
                });

        // a base announced on bases.v1 reaches the tenant's task through the global store: acme's
        // key, with a stable release on the old base, gets one REBASE job
        String acmeJob = "acme/support@1-x";
        TestInputTopic<String, AdapterRelease> releases = input(driver, topics.releases());
        TestInputTopic<String, BaseAnnouncement> bases = input(driver, topics.bases());
        String old = "ab".repeat(32);
        releases.pipeInput("acme/support", release("acme/support", 1, acmeJob, old));
        bases.pipeInput("perennial-tiny-2", successor(old, Instant.EPOCH));
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        TrainingJob carry = jobs.readValuesToList().get(0);
        assertThat(carry.getAdapterKey()).isEqualTo("acme/support");
        assertThat(carry.getTrigger()).isEqualTo(JobTrigger.REBASE);
        assertThat(carry.getRebase().getSourceRelease().getVersion()).isEqualTo(1);
        assertThat(jobs.isEmpty()).isTrue();

        // refusals on verdicts.v1 reach the processor too: the refused carry-over is distilled;
        // the refused distillation waits until the base is announced again, then carries over
        TestInputTopic<String, EvaluationVerdict> verdicts = input(driver, topics.verdicts());
        verdicts.pipeInput("acme/support", refused(carry, LineageMethod.CARRIED_OVER));
        TrainingJob distil = jobs.readValuesToList().get(0);
        assertThat(distil.getRebase().getDistil()).isTrue();
        verdicts.pipeInput("acme/support", refused(distil, LineageMethod.DISTILLED));
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        assertThat(jobs.isEmpty()).isTrue();
        bases.pipeInput("perennial-tiny-2", successor(old, Instant.ofEpochSecond(60)));
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        List<TrainingJob> retried = jobs.readValuesToList();
        assertThat(retried)
            .singleElement()
            .satisfies(
                job -> {
                  assertThat(job.getTrigger()).isEqualTo(JobTrigger.REBASE);
                  assertThat(job.getRebase().getDistil()).isFalse();
                  assertThat(job.getJobId()).isNotIn(carry.getJobId(), distil.getJobId());
                });

        // the worker gives the retry up (job-outcomes.v1): settled, but nothing planned at once
        // nor distilled; announcing the base again re-bases the key
        TestInputTopic<String, JobGivenUp> outcomes = input(driver, topics.jobOutcomes());
        outcomes.pipeInput("acme/support", givenUp(retried.get(0)));
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        assertThat(jobs.isEmpty()).isTrue();
        bases.pipeInput("perennial-tiny-2", successor(old, Instant.ofEpochSecond(120)));
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        assertThat(jobs.readValuesToList())
            .singleElement()
            .satisfies(
                job -> {
                  assertThat(job.getTrigger()).isEqualTo(JobTrigger.REBASE);
                  assertThat(job.getRebase().getDistil()).isFalse();
                  assertThat(job.getJobId()).isNotEqualTo(retried.get(0).getJobId());
                });

        // an adapter imported for acme's key on imports.v1 reaches its task the same way: one
        // IMPORT job over the key's shards, however often the punctuation comes
        TestInputTopic<String, AdapterImport> imports = input(driver, topics.imports());
        imports.pipeInput(
            "acme/support",
            AdapterImport.newBuilder()
                .setImportId("import-1")
                .setAdapterKey("acme/support")
                .setLocation("sha256:" + "ef".repeat(32))
                .setBaseModelName("perennial-tiny")
                .setBaseModelDigest("sha256:" + old)
                .setSource("hf:acme/support-lora")
                .setFileDigests(Map.of())
                .setImportedBy("test")
                .setImportedAt(Instant.EPOCH)
                .build());
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        assertThat(jobs.readKeyValuesToList())
            .singleElement()
            .satisfies(
                job -> {
                  assertThat(job.key).isEqualTo("acme/support");
                  assertThat(job.value.getTrigger()).isEqualTo(JobTrigger.IMPORT);
                  assertThat(job.value.getAdapterImport().getImportId()).isEqualTo("import-1");
                  assertThat(job.value.getShards()).hasSize(1);
                });
      }
    }
  }
}
