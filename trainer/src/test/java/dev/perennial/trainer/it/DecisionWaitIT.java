package dev.perennial.trainer.it;

import static dev.perennial.trainer.testing.Examples.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.health.Readiness;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.core.testing.KafkaClusterExtension;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.EvaluationVerdict;
import dev.perennial.schemas.v1.ReleaseAction;
import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.accumulate.TrainerAccumulator;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.shard.HeldOutSplit;
import dev.perennial.trainer.testing.Examples;
import dev.perennial.trainer.testing.TrainerHarness;
import dev.perennial.trainer.worker.TrainerWorker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key's next job waits while the key's last candidate awaits its decision: it starts once a
 * verdict refuses the candidate, or once releases.v1 names it, and after the configured wait
 * without either; a worker that takes the key over mid-wait waits for the same decision.
 */
class DecisionWaitIT {

  @RegisterExtension static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();
  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  private static final String KEY = "acme/support";

  /**
   * The configured wait, which the last phase sits out in full. It must outlast the phases that
   * await a verdict or release: the takeover (with its 3 s pause) took 5.4 s, locally and on CI.
   */
  private static final Duration WAIT = Duration.ofSeconds(12);

  @TempDir Path folder;

  @Test
  @Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aKeysNextJobWaitsForItsLastCandidatesVerdictOrReleaseOrTheConfiguredWait() {
    TrainerHarness harness = new TrainerHarness(KAFKA, REGISTRY, folder);
    harness.values().put(TrainerConfig.HELD_OUT_FRACTION_CONFIG, "0.25");
    harness.values().put("perennial.trainer.tenant.acme.trigger.min.examples", "4");
    harness.values().put(TrainerConfig.WORKER_DECISION_WAIT_MS_CONFIG, "" + WAIT.toMillis());
    TrainerConfig config = harness.config();
    HeldOutSplit split = new HeldOutSplit(0.25);
    List<TrainingExample> examples =
        Examples.untilTrained(
            split, 16, i -> text(KEY, "p-" + i % 3, "Acme note " + i + ": crate " + i + "."));
    produce(harness, examples.subList(0, indexAfterTrained(split, examples, 8)));

    try (TrainerAccumulator accumulator = TrainerAccumulator.start(config)) {
      accumulator.awaitRunning(Duration.ofSeconds(60));
      AdapterCandidate first;
      // Issue 17, finding 7: a successor takes the key over mid-wait (the first worker stops) and
      // waits for the same decision, derived from the topics: it remembers nothing of the first.
      // Made before the first stops, so the takeover fits well inside the wait.
      harness.values().put(TrainerConfig.WORKER_ID_CONFIG, KAFKA.uniqueName("successor"));
      try (TrainerWorker worker = worker(harness, harness.config())) {
        try (TrainerWorker predecessor = worker(harness, config)) {
          predecessor.start();
          harness.await(harness.topics().trainingJobs(), jobs -> jobs.size() == 2, timeout());
          first = awaitCandidates(harness, 1).get(0);
          awaitHeldFor(predecessor, first);
        }
        worker.start();
        awaitHeldFor(worker, first);
        TrainerHarness.sleep(3000); // long enough to be assigned the jobs and start one
        assertThat(harness.readAll(harness.topics().candidates())).hasSize(1);
        harness.produce(harness.topics().verdicts(), List.of(KeyValue.pair(KEY, refused(first))));
        AdapterCandidate second = awaitCandidates(harness, 2).get(1);

        produce(harness, examples.subList(indexAfterTrained(split, examples, 8), examples.size()));
        List<TrainingJob> jobs =
            harness.await(harness.topics().trainingJobs(), found -> found.size() == 4, timeout());
        assertThat(second.getJobId()).isEqualTo(jobs.get(1).getJobId());
        awaitHeldFor(worker, second);
        assertThat(harness.readAll(harness.topics().candidates())).hasSize(2);
        harness.produce(harness.topics().releases(), List.of(KeyValue.pair(KEY, released(second))));
        AdapterCandidate third = awaitCandidates(harness, 3).get(2);
        assertThat(third.getJobId()).isEqualTo(jobs.get(2).getJobId());

        Instant heldSince = Instant.now();
        awaitHeldFor(worker, third);
        AdapterCandidate fourth = awaitCandidates(harness, 4).get(3);
        assertThat(Duration.between(heldSince, Instant.now()))
            .as("the fourth job trained once the wait for the third candidate's decision ran out")
            .isGreaterThanOrEqualTo(WAIT.minusSeconds(5));
        assertThat(fourth.getJobId()).isEqualTo(jobs.get(3).getJobId());
      }
    }
  }

  private static TrainerWorker worker(TrainerHarness harness, TrainerConfig config) {
    return TrainerWorker.create(
        config,
        harness.topics(),
        new LocalArtifactStore(config.artifactStorePath()),
        new SimpleMeterRegistry(),
        null);
  }

  private static Duration timeout() {
    return Duration.ofSeconds(90);
  }

  /** The index just after the example that makes {@code trained} examples for training. */
  private static int indexAfterTrained(
      HeldOutSplit split, List<TrainingExample> examples, int trained) {
    int count = 0;
    for (int i = 0; i < examples.size(); i++) {
      if (!split.isHeldOut(examples.get(i).getExampleId())) {
        count++;
      }
      if (count == trained) {
        return i + 1;
      }
    }
    throw new IllegalArgumentException("fewer than " + trained + " examples for training");
  }

  private static void produce(TrainerHarness harness, List<TrainingExample> examples) {
    harness.produce(
        harness.topics().examples(),
        examples.stream().map(example -> KeyValue.pair(KEY, example)).toList());
  }

  private static List<AdapterCandidate> awaitCandidates(TrainerHarness harness, int count) {
    return harness.await(harness.topics().candidates(), found -> found.size() >= count, timeout());
  }

  /** Waits until the idle worker says that the key's next job waits for the candidate. */
  private static void awaitHeldFor(TrainerWorker worker, AdapterCandidate candidate) {
    long deadline = System.nanoTime() + timeout().toNanos();
    Readiness readiness = worker.readiness();
    while (!readiness.detail().endsWith("wait for decisions on " + candidate.getCandidateId())
        && System.nanoTime() < deadline) {
      TrainerHarness.sleep(100);
      readiness = worker.readiness();
    }
    assertThat(readiness.detail())
        .startsWith("idle")
        .endsWith("wait for decisions on " + candidate.getCandidateId());
  }

  private static EvaluationVerdict refused(AdapterCandidate candidate) {
    return EvaluationVerdict.newBuilder()
        .setVerdictId(candidate.getCandidateId() + "#verdict")
        .setAdapterKey(candidate.getAdapterKey())
        .setCandidate(candidate)
        .setIncumbentVersion(null)
        .setPassed(false)
        .setMetrics(Map.of())
        .setGates(List.of())
        .setReportLocation("sha256:" + "0".repeat(64))
        .setEvaluatedAt(Instant.now())
        .build();
  }

  /** Published on canary: the worker's next job still trains from no stable release. */
  private static AdapterRelease released(AdapterCandidate candidate) {
    return AdapterRelease.newBuilder()
        .setAdapterKey(candidate.getAdapterKey())
        .setVersion(1)
        .setAction(ReleaseAction.PUBLISHED)
        .setLocation("releases/acme/support/v1")
        .setManifestDigest("0".repeat(64))
        .setFileDigests(Map.of())
        .setBaseModelName(candidate.getBaseModelName())
        .setBaseModelDigest(candidate.getBaseModelDigest())
        .setCandidateId(candidate.getCandidateId())
        .setLatestVersion(1)
        .setAliases(Map.of("canary", 1))
        .setOccurredAt(Instant.now())
        .build();
  }

  @Test
  void aWorkerOnABrokerWithoutItsTopicsCreatesThem() throws Exception {
    TrainerHarness harness = new TrainerHarness(KAFKA, REGISTRY, folder);
    harness.values().put(TrainerConfig.WORKER_DECISION_WAIT_MS_CONFIG, "60000");
    harness.values().put(TrainerConfig.TOPIC_PREFIX_CONFIG, KAFKA.uniqueName("absent") + ".");
    TrainerConfig config = harness.config();
    TopicCatalog catalog = TopicCatalog.from(config);
    Topics absent = Topics.create(catalog, config.clientProperties());

    try (TrainerWorker worker =
        TrainerWorker.create(
            config,
            absent,
            new LocalArtifactStore(config.artifactStorePath()),
            new SimpleMeterRegistry(),
            null)) {
      try (Admin admin = KAFKA.createAdmin()) {
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
            .containsAll(TrainerWorker.TOPICS.stream().map(catalog::name).toList());
      }
    }
  }
}
