package dev.perennial.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.cli.local.EvaluatorStage;
import dev.perennial.cli.local.LocalCluster;
import dev.perennial.cli.local.LocalPipeline;
import dev.perennial.cli.local.LocalStage;
import dev.perennial.cli.local.PublisherStage;
import dev.perennial.cli.local.TopicRecords;
import dev.perennial.cli.local.TrainerStage;
import dev.perennial.cli.sample.SampleEventProducer;
import dev.perennial.cli.sample.SampleEvents;
import dev.perennial.cli.sample.SamplePhase;
import dev.perennial.cli.sample.SamplePlan;
import dev.perennial.cli.sample.SampleRecord;
import dev.perennial.core.kafka.KafkaClients;
import dev.perennial.model.world.World;
import dev.perennial.schemas.topic.Topic;
import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.AuditEvent;
import dev.perennial.schemas.v1.EvaluationOutcome;
import dev.perennial.schemas.v1.EvaluationVerdict;
import dev.perennial.schemas.v1.Gate;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.schemas.verdict.Outcomes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 11: a new tenant's data trickles in, a small batch at a time, through every stage on a real
 * broker and registry with real training. The key's first small jobs have too few held-out examples
 * to judge: their verdicts answer insufficient evidence (neither released nor refused, audited as
 * deferred), and each such job's data rolls into the key's next job exactly once; once enough has
 * arrived, the key gets its first release, trained on everything that rolled forward.
 */
class NewTenantTrickleIT {

  private static final Logger log = LoggerFactory.getLogger(NewTenantTrickleIT.class);
  private static final Duration CATCH_UP = Duration.ofMinutes(3);
  private static final String TENANT = "umbrella";
  private static final String KEY = TENANT + "/" + SampleEvents.FIRST_TENANT_ADAPTER;
  private static final int FIRST_BATCH = 6;
  private static final int BATCH = 40;
  // The loop stops at the key's first release (about 90 events in most runs); the rest is room for
  // a run whose candidates need more data to decide.
  private static final int EVENTS = 240;

  @TempDir Path stateDir;

  @Test
  @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void smallJobsHaveInsufficientEvidenceTheirDataRollsForwardAndTheKeyIsReleasedOnceEnoughArrived()
      throws Exception {
    Map<String, String> configured = new TreeMap<>();
    // Every batch becomes a job after a short wait, trained briefly.
    configured.put("perennial.trainer.trigger.min.examples", "100000");
    configured.put("perennial.trainer.trigger.max.wait.ms", "1500");
    configured.put("perennial.trainer.trigger.check.interval.ms", "250");
    // 24 steps: the held-out pool holds only prompts the key never trained on in any kind (8 steps
    // learnt them by 0.031 to 0.048 at the lower bound, below learning's 0.05; 16 by 0.055).
    configured.put("perennial.trainer.recipe.max.steps", "24");
    // One PyTorch thread, as the benches run: Failsafe's two forks train and score side by side on
    // the two cores, so a second thread per fork mostly waits for a core the other fork holds.
    configured.put("perennial.trainer.recipe.threads", "1");
    configured.put("perennial.evaluator.threads", "1");
    // The service's recipe (13 of 16 rows replay, rate 2e-3) presents too few of the key's own
    // examples for a small job to learn measurably: half of each batch of 8 is the key's own, at
    // rate 3e-3 (the local run's values before it took the service's recipe).
    configured.put("perennial.trainer.recipe.batch.size", "8");
    configured.put("perennial.trainer.replay.fraction", "0.5");
    configured.put("perennial.trainer.replay.tenant.share", "0.25");
    configured.put("perennial.trainer.recipe.learning.rate", "3e-3");
    configured.put("perennial.trainer.held.out.fraction", "0.3");
    configured.put("perennial.evaluator.retention.general.size", "32");
    // One tenant: no other tenant has canaries, so no candidate gets a leakage gate (each verdict
    // says so). Its own canaries, reported and never gated, are not ranked either: this test
    // asserts nothing about their exposure, and their rankings were all the ranking it did (with
    // 63 controls over half of the scored rows). The fewest controls the evaluator takes (15),
    // below
    // whose 4 measurable bits the threshold must lie.
    configured.put("perennial.evaluator.leakage.rank.own.canaries", "false");
    configured.put("perennial.evaluator.leakage.controls", "15");
    configured.put("perennial.evaluator.gate.leakage.max.exposure", "3");
    // 24 steps from a fresh adapter at 3e-3 lose a fifth to a third of the 32 general questions,
    // varying from run to run; this test is about how learning's evidence accumulates, not about
    // the recipe (as LoopIT). With the score interval on 32 questions a drop of 0.19 to 0.31
    // reaches
    // 0.35 to 0.49 at the upper bound (seen in CI: 7 jobs undecided on retention.general against
    // 0.3, none released), so the gate is opened to 0.6.
    configured.put("perennial.evaluator.gate.retention.max.drop", "0.6");
    // This test is about the evidence rule of learning, not about learning from feedback
    // (FeedbackGatesTest and EvaluatorServiceIT are): a minimum of pairs no key reaches keeps the
    // feedback gates out, and each verdict says they did not apply. (The sample events hold 8 to 12
    // held-out pairs per key, and LoopIT's jobs, at 16 steps, left the greedy answers' length
    // change undecided against 0.2.)
    configured.put("perennial.evaluator.gate.feedback.min.pairs", "1000000");
    SamplePlan plan =
        new SamplePlan(
            List.of(TENANT),
            2,
            EVENTS,
            0.0,
            SamplePlan.DEFAULT_MAX_TEXT_BYTES,
            SamplePlan.DEFAULT_SEED);
    SampleEvents events = SampleEvents.generate(World.standard(), plan);
    List<SampleRecord> trickle = events.records(SamplePhase.EVENTS);
    StringWriter console = new StringWriter();
    PrintWriter out = new PrintWriter(console, true);

    try (LocalCluster cluster = LocalCluster.start(configured, stateDir);
        LocalPipeline pipeline = LocalPipeline.standard(stateDir, List.of(TENANT))) {
      pipeline.start(cluster, out);
      Map<String, Object> client = cluster.config().clientProperties();
      try (SampleEventProducer producer =
          new SampleEventProducer(
              KafkaClients.producer(cluster.config(), "trickle-it"), cluster.topics())) {
        producer.sendAll(events.records(SamplePhase.CONSENT));
        pipeline.awaitAppEventsRead(CATCH_UP);
        int sent = 0;
        int batch = FIRST_BATCH;
        while (released(client, cluster).isEmpty() && sent < trickle.size()) {
          List<SampleRecord> next = trickle.subList(sent, Math.min(trickle.size(), sent + batch));
          producer.sendAll(next);
          sent += next.size();
          batch = BATCH;
          pipeline.awaitAppEventsRead(CATCH_UP);
          pipeline.awaitCaughtUp(CATCH_UP);
          log.info("{} events sent, verdicts so far: {}", sent, outcomes(client, cluster));
        }
        for (LocalStage stage :
            List.of(
                pipeline.stage(TrainerStage.class),
                pipeline.stage(EvaluatorStage.class),
                pipeline.stage(PublisherStage.class))) {
          stage.report(events, out);
        }
      }

      List<EvaluationVerdict> verdicts = records(client, cluster.topics().verdicts());
      List<TrainingJob> jobs = records(client, cluster.topics().trainingJobs());
      log.info("What the stages printed:{}{}", System.lineSeparator(), console);

      // the first small job cannot be judged: too few held-out examples in the key's pool
      EvaluationVerdict first = verdicts.get(0);
      assertThat(Outcomes.of(first)).isEqualTo(EvaluationOutcome.INSUFFICIENT_EVIDENCE);
      assertThat(first.getPassed()).isFalse();
      assertThat(first.getReason()).contains("rolls into the key's next job");
      Gate examples = gate(first, "learning.examples");
      assertThat(Outcomes.of(examples)).isEqualTo(EvaluationOutcome.INSUFFICIENT_EVIDENCE);
      assertThat(examples.getN()).isLessThan(8);

      // the key got its release, on a candidate that carries every undecided job's data
      List<AdapterRelease> releases = released(client, cluster);
      assertThat(releases)
          .as("releases after the verdicts %s", outcomes(client, cluster))
          .isNotEmpty();
      EvaluationVerdict releasedVerdict =
          verdicts.stream()
              .filter(
                  v -> v.getCandidate().getCandidateId().equals(releases.get(0).getCandidateId()))
              .findFirst()
              .orElseThrow();
      assertThat(Outcomes.of(releasedVerdict)).isEqualTo(EvaluationOutcome.PASSED);
      assertThat(gate(releasedVerdict, "learning.examples").getN()).isGreaterThanOrEqualTo(8);
      Gate learning = gate(releasedVerdict, "learning");
      log.info(
          "The release's learning: {} [{}, {}] over {} held-out examples, threshold {}",
          learning.getValue(),
          learning.getLower(),
          learning.getUpper(),
          learning.getN(),
          learning.getThreshold());
      assertThat(learning.getLower()).isGreaterThanOrEqualTo(learning.getThreshold());
      List<String> undecided =
          verdicts.stream()
              .filter(Outcomes::isInsufficientEvidence)
              .map(v -> v.getCandidate().getJobId())
              .toList();
      assertThat(undecided).isNotEmpty();
      assertThat(releasedVerdict.getCandidate().getCarriedJobs())
          .containsExactlyInAnyOrderElementsOf(undecided);
      assertCarriedExactlyOnce(jobs, undecided);

      // neither released nor refused: the publisher deferred them, saying where the data goes
      List<AuditEvent> deferred =
          records(client, cluster.topics().audit()).stream()
              .filter(a -> a.getAction().equals("release-deferred"))
              .toList();
      assertThat(deferred).hasSameSizeAs(undecided);
      assertThat(deferred)
          .allSatisfy(a -> assertThat(a.getReason()).contains("rolls into the key's next job"));
    }
    assertThat(console.toString())
        .containsPattern(KEY + " +INSUFFICIENT +" + KEY + "@1-")
        .contains("its data rolls into the key's next job")
        .contains("carries the data of " + KEY + "@1-")
        .containsPattern(KEY + " +v1 +perennial-tiny +stable +published");
  }

  /**
   * Each undecided job's data went on along one line of jobs: every two jobs that carry it are one
   * inside the other (no two jobs trained on it side by side), and the first job that carries it
   * carries its training shards.
   */
  private static void assertCarriedExactlyOnce(List<TrainingJob> jobs, List<String> undecided) {
    for (String jobId : undecided) {
      TrainingJob own = jobs.stream().filter(j -> j.getJobId().equals(jobId)).findFirst().get();
      List<TrainingJob> carriers =
          jobs.stream().filter(j -> j.getCarriedJobs().contains(jobId)).toList();
      assertThat(carriers).as("jobs carrying %s", jobId).isNotEmpty();
      assertThat(carriers.get(0).getShards()).containsAll(own.getShards());
      assertThat(carriers.get(0).getHeldOutShards()).containsAll(own.getHeldOutShards());
      for (int i = 1; i < carriers.size(); i++) {
        assertThat(carriers.get(i).getCarriedJobs()).contains(carriers.get(i - 1).getJobId());
      }
    }
  }

  private static Gate gate(EvaluationVerdict verdict, String name) {
    return verdict.getGates().stream()
        .filter(g -> g.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no gate " + name + " in " + verdict.getGates()));
  }

  private static List<AdapterRelease> released(Map<String, Object> client, LocalCluster cluster) {
    return records(client, cluster.topics().releases()).stream()
        .filter(r -> r.getAdapterKey().equals(KEY))
        .toList();
  }

  private static List<String> outcomes(Map<String, Object> client, LocalCluster cluster) {
    List<String> outcomes = new ArrayList<>();
    for (EvaluationVerdict verdict : records(client, cluster.topics().verdicts())) {
      outcomes.add(
          Outcomes.of(verdict)
              + " "
              + verdict.getCandidate().getJobId()
              + " ("
              + verdict.getReason()
              + ")");
    }
    return outcomes;
  }

  private static <V> List<V> records(Map<String, Object> client, Topic<String, V> topic) {
    return TopicRecords.readAll(client, topic).stream().map(ConsumerRecord::value).toList();
  }
}
