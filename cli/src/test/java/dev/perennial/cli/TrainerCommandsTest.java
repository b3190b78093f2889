package dev.perennial.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.model.checkpoint.CheckpointWriter;
import dev.perennial.model.checkpoint.ModelWeights;
import dev.perennial.model.checkpoint.SafetensorsWriter;
import dev.perennial.model.llama.DecoderModel;
import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.tokenizer.ByteTokenizer;
import dev.perennial.model.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerCommandsTest {

  @TempDir Path folder;

  private final PerennialConsole console = new PerennialConsole();

  @Test
  void theTrainerNeedsToBeToldWhichService() {
    assertThat(console.run("trainer")).isEqualTo(2);
    assertThat(console.err()).contains("Missing subcommand: accumulator or worker");
  }

  @Test
  void aWorkerWithABadConfigurationNamesEveryProblemAndStartsNothing() throws IOException {
    Path config = folder.resolve("worker.properties");
    Files.writeString(
        config,
        "bootstrap.servers=localhost:9092\n"
            + "schema.registry.url=http://localhost:8081\n"
            + "perennial.trainer.recipe.batch.size=0\n"
            + "perennial.trainer.worker.device=tpu\n");

    assertThat(console.run("trainer", "worker", "--config", config.toString())).isEqualTo(1);
    assertThat(console.err())
        .contains("perennial trainer worker: Invalid configuration (2 problems)")
        .contains("perennial.trainer.recipe.batch.size")
        .contains("perennial.trainer.worker.device");
  }

  @Test
  void aWorkerWhoseBaseModelIsNotThereNamesItWithTheOtherProblemsAndStartsNothing()
      throws IOException {
    Path base = folder.resolve("llama-base");
    Path config = folder.resolve("worker.properties");
    Files.writeString(
        config,
        "bootstrap.servers=localhost:9092\n"
            + "schema.registry.url=http://localhost:8081\n"
            + "perennial.trainer.recipe.batch.size=0\n"
            + "perennial.trainer.base.model.path="
            + base
            + "\n");

    assertThat(console.run("trainer", "worker", "--config", config.toString())).isEqualTo(1);
    assertThat(console.err())
        .contains("perennial trainer worker: Invalid configuration (2 problems)")
        .contains("perennial.trainer.recipe.batch.size")
        .contains("perennial.trainer.base.model.path: " + base.toAbsolutePath());
  }

  @Test
  void anAdapterThatDoesNotFitTheBaseIsRefusedBeforeAnythingIsStoredOrWritten() throws IOException {
    Path config = folder.resolve("operator.properties");
    Path store = folder.resolve("store");
    Files.writeString(
        config,
        "bootstrap.servers=127.0.0.1:9\n"
            + "schema.registry.url=http://127.0.0.1:9\n"
            + "perennial.artifact.store.path="
            + store
            + "\n");
    Path adapter = Files.createDirectories(folder.resolve("adapter"));
    Files.writeString(adapter.resolve("adapter_config.json"), "{\"peft_type\": \"IA3\"}");
    Files.write(adapter.resolve("adapter_model.safetensors"), new byte[8]);

    int code =
        console.run(
            "adapters",
            "import",
            "acme/support",
            "--from",
            adapter.toString(),
            "--config",
            config.toString());

    assertThat(code).as(console.err()).isEqualTo(1);
    assertThat(console.err()).contains("Cannot import " + adapter + " for acme/support");
    assertThat(store).doesNotExist();
  }

  @Test
  void benchTrainerPrintsJobsPerHourAndTrainingTokensPerSecond() throws IOException {
    Path base = smallBase(folder.resolve("base"));
    Path config = folder.resolve("bench.properties");
    Files.writeString(
        config,
        "perennial.trainer.base.model.path="
            + base
            + "\nperennial.trainer.recipe.max.steps=3\n"
            + "perennial.trainer.recipe.batch.size=4\n"
            + "perennial.trainer.recipe.max.sequence.length=64\n"
            + "perennial.trainer.recipe.threads=1\n"
            + "perennial.trainer.lora.target.modules=q,v\n");

    int exitCode =
        console.run(
            "bench",
            "trainer",
            "--jobs",
            "2",
            "--examples",
            "8",
            "--device",
            "cpu",
            "--config",
            config.toString());

    assertThat(exitCode).as(console.err()).isZero();
    assertThat(console.out())
        .contains("Benchmarking the trainer on base")
        .contains("job 1: 3 steps")
        .contains("job 2: 3 steps")
        .contains("8 examples per job, 1 thread(s)")
        .containsPattern("jobs per hour: +[\\d,]+ \\(mean [\\d.]+ s per job\\)")
        .containsPattern("training tokens/s: +[\\d,]+")
        .containsPattern("queued vs worked: +[\\d.]+ s vs [\\d.]+ s per job");
    // Both jobs are sealed at once and one worker takes them in turn: the second waits out the
    // first.
    assertThat(seconds(console.out(), "job 2: .*queued ([\\d.]+) s"))
        .isGreaterThanOrEqualTo(seconds(console.out(), "job 1: .*worked ([\\d.]+) s"));
  }

  private static double seconds(String out, String regex) {
    Matcher matcher = Pattern.compile(regex).matcher(out);
    assertThat(matcher.find()).as(regex + " in " + out).isTrue();
    return Double.parseDouble(matcher.group(1));
  }

  /** A two-layer byte-level Llama with random weights: a base that trains in a blink. */
  private static Path smallBase(Path folder) throws IOException {
    LlamaConfig config =
        LlamaConfig.llama(ByteTokenizer.VOCAB_SIZE, 32, 64, 2, 4, 2, 128, true)
            .withSpecialTokens(ByteTokenizer.BOS, ByteTokenizer.EOS);
    CheckpointWriter.write(
        folder,
        config,
        ModelWeights.initialize(DecoderModel.base(config), 3),
        SafetensorsWriter.Dtype.F32);
    Files.writeString(folder.resolve(Tokenizers.BYTE_DESCRIPTION), Tokenizers.byteDescription());
    return folder;
  }
}
