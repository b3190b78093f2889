package dev.perennial.trainer.it;

import static dev.perennial.trainer.testing.Examples.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.core.testing.KafkaClusterExtension;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.BaseAliases;
import dev.perennial.schemas.v1.GiveUpOutcome;
import dev.perennial.schemas.v1.JobGivenUp;
import dev.perennial.schemas.v1.ReleaseAction;
import dev.perennial.schemas.v1.ReleaseRef;
import dev.perennial.schemas.v1.SkipReason;
import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.accumulate.TrainerAccumulator;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.testing.TrainerHarness;
import dev.perennial.trainer.worker.TrainerWorker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker moved to a new base does not start over a key that still lives on the old one: the key's
 * ordinary job is skipped as AWAITS_REBASE instead of becoming a fresh adapter's candidate.
 */
class RebaseWaitIT {

  @RegisterExtension static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();
  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  private static final String KEY = "acme/support";
  private static final String OLD_BASE = "cd".repeat(32);

  @TempDir Path folder;

  @Test
  @Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void anOrdinaryJobOfAKeyWhoseStableReleaseIsOnAnotherBaseIsSkippedNotStartedOver() {
    TrainerHarness harness = new TrainerHarness(KAFKA, REGISTRY, folder);
    harness.values().put("perennial.trainer.tenant.acme.trigger.min.examples", "4");
    TrainerConfig config = harness.config();
    harness.produce(harness.topics().releases(), List.of(KeyValue.pair(KEY, stableOnTheOldBase())));
    List<TrainingExample> examples =
        IntStream.range(0, 12)
            .mapToObj(i -> text(KEY, "p-" + i % 3, "Acme note " + i + ": crate " + i + "."))
            .toList();
    harness.produce(
        harness.topics().examples(),
        examples.stream().map(example -> KeyValue.pair(KEY, example)).toList());

    try (TrainerAccumulator accumulator = TrainerAccumulator.start(config);
        TrainerWorker worker =
            TrainerWorker.create(
                config,
                harness.topics(),
                new LocalArtifactStore(config.artifactStorePath()),
                new SimpleMeterRegistry(),
                null)) {
      accumulator.awaitRunning(Duration.ofSeconds(60));
      worker.start();
      TrainingJob job =
          harness.await(harness.topics().trainingJobs(), jobs -> !jobs.isEmpty(), timeout()).get(0);

      Optional<String> skipped = awaitSkip(worker, job.getJobId());
      assertThat(skipped)
          .hasValueSatisfying(
              why ->
                  assertThat(why)
                      .startsWith(
                          "AWAITS_REBASE: acme/support has no stable release on this"
                              + " worker's base")
                      .contains("but v2 on base " + OLD_BASE));
      assertThat(harness.readAll(harness.topics().candidates())).isEmpty();
      // each skip went out with its job's offset, once, for the accumulator (job-outcomes.v1)
      List<JobGivenUp> givenUps = harness.readAll(harness.topics().jobOutcomes());
      assertThat(givenUps)
          .extracting(JobGivenUp::getJobId)
          .contains(job.getJobId())
          .doesNotHaveDuplicates();
      assertThat(givenUps)
          .allSatisfy(
              givenUp -> {
                assertThat(givenUp.getAdapterKey()).isEqualTo(KEY);
                assertThat(givenUp.getTrigger()).isEqualTo(job.getTrigger());
                assertThat(givenUp.getOutcome()).isEqualTo(GiveUpOutcome.SKIPPED);
                assertThat(givenUp.getSkipReason()).isEqualTo(SkipReason.AWAITS_REBASE);
                assertThat(givenUp.getDetail())
                    .startsWith("acme/support has no stable release on this worker's base");
              });
    }
  }

  private static Optional<String> awaitSkip(TrainerWorker worker, String jobId) {
    long deadline = System.nanoTime() + timeout().toNanos();
    Optional<String> skipped = worker.skipReason(jobId);
    while (skipped.isEmpty() && System.nanoTime() < deadline) {
      TrainerHarness.sleep(200);
      skipped = worker.skipReason(jobId);
    }
    return skipped;
  }

  private static Duration timeout() {
    return Duration.ofSeconds(90);
  }

  /** The key's v2, stable on a base that is not the worker's. */
  private static AdapterRelease stableOnTheOldBase() {
    return AdapterRelease.newBuilder()
        .setAdapterKey(KEY)
        .setVersion(2)
        .setAction(ReleaseAction.PUBLISHED)
        .setLocation("releases/acme/support/v2")
        .setManifestDigest("0".repeat(64))
        .setFileDigests(Map.of())
        .setBaseModelName("old-base")
        .setBaseModelDigest(OLD_BASE)
        .setCandidateId("acme/support@2-abc#candidate")
        .setLatestVersion(2)
        .setAliases(Map.of("stable", 2))
        .setAliasTargets(
            List.of(new ReleaseRef(2, "releases/acme/support/v2", "0".repeat(64), OLD_BASE, null)))
        .setBaseAliases(List.of(new BaseAliases("old-base", OLD_BASE, Map.of("stable", 2))))
        .setOccurredAt(Instant.now())
        .build();
  }
}
