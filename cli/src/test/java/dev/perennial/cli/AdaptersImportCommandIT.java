package dev.perennial.cli;

import static dev.perennial.trainer.testing.Examples.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.core.testing.KafkaClusterExtension;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.model.lora.LoraConfig;
import dev.perennial.model.lora.LoraWeights;
import dev.perennial.model.peft.PeftAdapter;
import dev.perennial.trainer.accumulate.TrainerAccumulator;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.testing.TrainerHarness;
import dev.perennial.trainer.worker.BaseModelSource;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code perennial adapters import} writes the adapter into the artifact store itself, so it founds
 * a store holding nothing only where the accumulator would: in a new deployment, one whose {@code
 * training-jobs.v1} never held a job. In a deployment that sealed shards before, an empty folder is
 * a volume not mounted, and an import there would name weights no other stage finds.
 */
class AdaptersImportCommandIT {

  @RegisterExtension static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();
  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path folder;

  @Test
  @Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void anImportDoesNotFoundAnEmptyStoreOnceTheDeploymentWroteJobs() throws Exception {
    TrainerHarness harness = new TrainerHarness(KAFKA, REGISTRY, folder);
    harness.values().put(TrainerConfig.HELD_OUT_FRACTION_CONFIG, "0");
    harness.values().put(TrainerConfig.TRIGGER_MIN_EXAMPLES_CONFIG, "2");
    TrainerConfig config = harness.config();
    // The deployment's accumulator founded its store and wrote a job.
    try (TrainerAccumulator accumulator = TrainerAccumulator.start(config)) {
      accumulator.awaitRunning(WAIT);
      harness.produce(
          harness.topics().examples(),
          List.of(
              KeyValue.pair("acme/support", text("acme/support", "p-1", "The Zix lamp is teal.")),
              KeyValue.pair(
                  "acme/support", text("acme/support", "p-1", "The Zix lamp costs 9 dollars."))));
      harness.await(harness.topics().trainingJobs(), jobs -> jobs.size() == 1, WAIT);
    }
    Path adapter = foreignAdapter(config, folder.resolve("adapter"));

    // The operator's machine, its store volume not mounted: the folder is empty.
    Path unmounted = folder.resolve("unmounted");
    PerennialConsole refused = new PerennialConsole();
    int code = refused.run(importInto(harness, unmounted, adapter));

    assertThat(code).as(refused.err()).isEqualTo(1);
    assertThat(refused.err())
        .contains("Not founding the artifact store at " + unmounted)
        .contains(harness.topics().trainingJobs().name());
    LocalArtifactStore empty = new LocalArtifactStore(unmounted);
    assertThat(empty.isFounded()).as("the empty folder is not founded").isFalse();
    assertThat(empty.list()).as("no blob is written to the empty folder").isEmpty();
    assertThat(harness.readAll(harness.topics().imports()))
        .as("no import names weights no other stage finds")
        .isEmpty();

    // With the deployment's store mounted, the same import goes through.
    PerennialConsole imported = new PerennialConsole();
    int importedCode = imported.run(importInto(harness, config.artifactStorePath(), adapter));

    assertThat(importedCode).as(imported.err()).isZero();
    assertThat(imported.out()).contains("for acme/support");
    assertThat(harness.readAll(harness.topics().imports())).hasSize(1);
  }

  /** A LoRA adapter of the harness's base in PEFT's files, as another platform hands it over. */
  private static Path foreignAdapter(TrainerConfig config, Path into) {
    LoraWeights weights =
        LoraWeights.initialize(BaseModelSource.openBase(config).config(), LoraConfig.defaults(), 7)
            .withRandomB(8, 0.2);
    new PeftAdapter(weights, "elsewhere/tiny", null).write(into);
    return into;
  }

  /** {@code adapters import acme/support} with the harness's settings and {@code store}. */
  private String[] importInto(TrainerHarness harness, Path store, Path adapter) throws IOException {
    Properties properties = new Properties();
    properties.putAll(harness.values());
    properties.put(TrainerConfig.ARTIFACT_STORE_PATH_CONFIG, store.toString());
    Path file = Files.createTempFile(folder, "operator", ".properties");
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      properties.store(out, null);
    }
    return new String[] {
      "adapters",
      "import",
      "acme/support",
      "--from",
      adapter.toString(),
      "--actor",
      "ops-oncall",
      "--config",
      file.toString()
    };
  }
}
