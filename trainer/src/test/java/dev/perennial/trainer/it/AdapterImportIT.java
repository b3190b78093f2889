package dev.perennial.trainer.it;

import static dev.perennial.trainer.testing.Examples.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.core.testing.KafkaClusterExtension;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.AdapterImport;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.LineageMethod;
import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.accumulate.TrainerAccumulator;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.imports.AdapterImports;
import dev.perennial.trainer.shard.HeldOutSplit;
import dev.perennial.trainer.testing.Examples;
import dev.perennial.trainer.testing.ForeignAdapters;
import dev.perennial.trainer.testing.TrainerHarness;
import dev.perennial.trainer.worker.BaseModelSource;
import dev.perennial.trainer.worker.TrainerWorker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator's import on the real broker and registry: a PEFT adapter trained elsewhere (no
 * Perennial digest in its files) is checked against the trainer's base, stored and written to
 * {@code imports.v1}; the accumulator plans one IMPORT job over the key's shards and the worker
 * continues the imported adapter into a candidate whose lineage names the import.
 */
class AdapterImportIT {

  @RegisterExtension static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();
  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  private static final double HELD_OUT = 0.25;

  @TempDir Path folder;

  @Test
  @Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void anImportedAdapterBecomesOneImportJobAndACandidateWithImportedLineage() {
    TrainerHarness harness = new TrainerHarness(KAFKA, REGISTRY, folder);
    harness.values().put(TrainerConfig.HELD_OUT_FRACTION_CONFIG, Double.toString(HELD_OUT));
    harness.values().put("perennial.trainer.tenant.acme.trigger.min.examples", "4");
    TrainerConfig config = harness.config();
    List<KeyValue<String, TrainingExample>> records = new ArrayList<>();
    Examples.untilTrained(
            new HeldOutSplit(HELD_OUT),
            4,
            i -> text("acme/support", "p-" + i % 3, "Acme note " + i + ": the Zix lamp is teal."))
        .forEach(example -> records.add(KeyValue.pair("acme/support", example)));
    harness.produce(harness.topics().examples(), records);
    LocalArtifactStore store = new LocalArtifactStore(config.artifactStorePath());

    try (TrainerAccumulator accumulator = TrainerAccumulator.start(config);
        TrainerWorker worker =
            TrainerWorker.create(
                config, harness.topics(), store, new SimpleMeterRegistry(), null)) {
      accumulator.awaitRunning(Duration.ofSeconds(60));
      worker.start();
      AdapterCandidate first =
          harness
              .await(
                  harness.topics().candidates(), found -> found.size() >= 1, Duration.ofSeconds(90))
              .get(0);

      // "trained elsewhere": the first candidate's weights in PEFT's files, without the digest
      Path foreign =
          ForeignAdapters.of(
              store,
              config.artifactStorePath(),
              first.getLocation(),
              "hub/other-name",
              folder.resolve("foreign"));
      AdapterImport imported =
          AdapterImports.prepare(
              store,
              BaseModelSource.openBase(config),
              "acme/support",
              foreign,
              "hub/acme-support-lora",
              "operator",
              "moved from the old platform",
              Clock.systemUTC());
      AdapterImports.publish(config, imported);
      assertThat(AdapterImports.list(config)).containsExactly(imported);

      List<TrainingJob> jobs =
          harness.await(
              harness.topics().trainingJobs(), found -> found.size() >= 2, Duration.ofSeconds(60));
      List<AdapterCandidate> candidates =
          harness.await(
              harness.topics().candidates(), found -> found.size() >= 2, Duration.ofSeconds(90));

      assertThat(jobs)
          .extracting(TrainingJob::getTrigger)
          .containsExactly(JobTrigger.MIN_EXAMPLES, JobTrigger.IMPORT);
      TrainingJob importJob = jobs.get(1);
      assertThat(importJob.getAdapterImport()).isEqualTo(imported);
      assertThat(importJob.getShards()).isEqualTo(jobs.get(0).getShards());
      AdapterCandidate continued = candidates.get(1);
      assertThat(continued.getJobId()).isEqualTo(importJob.getJobId());
      assertThat(continued.getLineage().getMethod()).isEqualTo(LineageMethod.IMPORTED);
      assertThat(continued.getLineage().getImportedFrom()).isEqualTo("hub/acme-support-lora");
      assertThat(continued.getAdapterImport()).isEqualTo(imported);
      assertThat(continued.getParentVersion()).isNull();
      // the import is planned once, however often the accumulator punctuates
      TrainerHarness.sleep(1_000);
      assertThat(harness.readAll(harness.topics().trainingJobs())).hasSize(2);
    }
  }
}
