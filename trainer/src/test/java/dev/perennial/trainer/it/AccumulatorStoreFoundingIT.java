package dev.perennial.trainer.it;

import static dev.perennial.trainer.testing.Examples.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.store.ArtifactStoreOutageException;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.core.testing.KafkaClusterExtension;
import dev.perennial.core.testing.LogCapture;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.accumulate.TrainerAccumulator;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.testing.TrainerHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whether the accumulator may found an empty artifact store is the deployment's question, not a
 * task's: a new deployment's first seal founds its store, but once the accumulator has written a
 * job, an accumulator whose state names no shard (a state reset, a new instance, a task that never
 * sealed) does not found an empty folder (a volume not mounted) with shards no other stage finds.
 */
class AccumulatorStoreFoundingIT {

  @RegisterExtension static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();
  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path folder;

  @Test
  @Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void anAccumulatorWithAFreshStateDoesNotFoundAnEmptyStoreOnceTheDeploymentWroteJobs() {
    TrainerHarness harness = new TrainerHarness(KAFKA, REGISTRY, folder);
    harness.values().put(TrainerConfig.HELD_OUT_FRACTION_CONFIG, "0");
    harness.values().put(TrainerConfig.TRIGGER_MIN_EXAMPLES_CONFIG, "2");
    TrainerConfig fresh = harness.config();
    LocalArtifactStore store = new LocalArtifactStore(fresh.artifactStorePath());

    // A new deployment: no job yet, an empty store, which the first seal founds.
    try (TrainerAccumulator accumulator = TrainerAccumulator.start(fresh)) {
      accumulator.awaitRunning(WAIT);
      harness.produce(
          harness.topics().examples(),
          List.of(
              KeyValue.pair("acme/support", text("acme/support", "p-1", "The Zix lamp is teal.")),
              KeyValue.pair(
                  "acme/support", text("acme/support", "p-1", "The Zix lamp costs 9 dollars."))));
      harness.await(harness.topics().trainingJobs(), jobs -> jobs.size() == 1, WAIT);
    }
    assertThat(store.isFounded()).isTrue();
    assertThat(store.list()).hasSize(1);

    // The same deployment after the accumulator's state was reset (a new application id: no
    // changelog, so no task's index names a shard), on a pod whose store volume is not mounted.
    harness
        .values()
        .put(
            TrainerConfig.ACCUMULATOR_APPLICATION_ID_CONFIG,
            KAFKA.uniqueName("trainer-accumulator"));
    harness
        .values()
        .put(TrainerConfig.ARTIFACT_STORE_PATH_CONFIG, folder.resolve("unmounted").toString());
    harness.values().put("state.dir", folder.resolve("streams-after-reset").toString());
    TrainerConfig reset = harness.config();
    LocalArtifactStore unmounted = new LocalArtifactStore(reset.artifactStorePath());
    try (LogCapture log = new LogCapture();
        TrainerAccumulator accumulator = TrainerAccumulator.start(reset)) {
      // it reads examples.v1 from its start again, and the two examples trigger a seal
      List<TrainingJob> jobs = harness.readAll(harness.topics().trainingJobs());
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (accumulator.failure().isEmpty() && jobs.size() == 1 && System.nanoTime() < deadline) {
        TrainerHarness.sleep(250);
        jobs = harness.readAll(harness.topics().trainingJobs());
      }

      assertThat(unmounted.list()).as("no shard is written to the empty folder").isEmpty();
      assertThat(unmounted.isFounded()).as("the empty folder is not founded").isFalse();
      assertThat(jobs).as("no job names a shard no other stage will find").hasSize(1);
      // not waited out: the accumulator fails (liveness 503, exit 1), its log naming the store
      assertThat(accumulator.failure()).isPresent();
      assertThat(log.text())
          .contains(ArtifactStoreOutageException.class.getName())
          .contains(unmounted.root().toString());
    }
  }
}
