package dev.perennial.trainer.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.core.testing.ErrorOnCount;
import dev.perennial.core.testing.KafkaClusterExtension;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.testing.TrainerHarness;
import dev.perennial.trainer.worker.TrainerWorker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17: a worker whose loop died of an {@link Error} (not an exception) says so: {@code
 * failure()} (hence {@code /health/live} and the exit code) and readiness name it.
 */
class WorkerLivenessIT {

  @RegisterExtension static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();
  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  @TempDir Path folder;

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aWorkerWhoseLoopDiedOfAnErrorReportsTheFailure() {
    TrainerHarness harness = new TrainerHarness(KAFKA, REGISTRY, folder);
    TrainerConfig config = harness.config();
    // an unreadable job is counted on the loop thread: the count throws the Error
    KAFKA.produce(
        harness.topics().trainingJobs().name(),
        new ByteArraySerializer(),
        new ByteArraySerializer(),
        List.of(KeyValue.pair("acme/x".getBytes(StandardCharsets.UTF_8), new byte[] {7, 7})));

    try (TrainerWorker worker =
        TrainerWorker.create(
            config,
            harness.topics(),
            new LocalArtifactStore(config.artifactStorePath()),
            new ErrorOnCount("perennial.trainer.worker.jobs"),
            null)) {
      worker.start();
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (worker.failure().isEmpty() && System.nanoTime() < deadline) {
        TrainerHarness.sleep(100);
      }
      assertThat(worker.failure())
          .hasValueSatisfying(
              why ->
                  assertThat(why)
                      .contains("trainer-worker loop died of")
                      .contains("StackOverflowError"));
      assertThat(worker.readiness().ready()).isFalse();
    }
  }
}
