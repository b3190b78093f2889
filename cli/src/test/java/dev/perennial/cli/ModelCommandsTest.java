package dev.perennial.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCommandsTest {

  @TempDir Path folder;

  private final PerennialConsole console = new PerennialConsole();

  @Test
  void pretrainWritesAModelFolderAndReportsItsFigures() {
    Path output = folder.resolve("tiny");

    int exitCode =
        console.run("pretrain", "--steps", "2", "--no-eval", "--output", output.toString());

    assertThat(exitCode).as(console.err()).isZero();
    assertThat(output.resolve("model.safetensors")).exists();
    assertThat(output.resolve("pretraining.json")).exists();
    assertThat(console.out())
        .contains("Pretraining perennial-tiny: 2 steps")
        .contains("pretrain [")
        .contains("2/2 loss")
        .contains("parameters")
        .contains("engine             PyTorch ")
        .contains(" intra-op / ")
        .contains("cpu                ")
        .contains("digest             sha256:");
  }

  @Test
  void benchModelPrintsThroughputFlopShareMemoryAndScoringSpeedup() {
    int exitCode =
        console.run(
            "bench",
            "model",
            "--warmup-steps",
            "1",
            "--rounds",
            "2",
            "--round-seconds",
            "0",
            "--batch",
            "4",
            "--length",
            "32",
            "--adapters",
            "2",
            "--device",
            "cpu");

    assertThat(exitCode).as(console.err()).isZero();
    assertThat(console.out())
        .contains("training batch 4 x 32 tokens")
        .contains("LoRA step tokens/s:")
        .contains("full fine-tune tok/s:")
        .contains("2 rounds)")
        .contains("1024x1024 matmul GFLOP/s")
        .contains("GiB peak after LoRA steps")
        .contains("scoring 2 adapters x 4 rows")
        .contains("speedup");
  }

  @Test
  void benchModelScoringModesPrintThePathTableAndOnePassPeak() {
    int table =
        console.run(
            "bench",
            "model",
            "--scoring-table",
            "1,3",
            "--adapters",
            "2",
            "--rounds",
            "1",
            "--round-seconds",
            "0",
            "--device",
            "cpu");
    int pass =
        console.run("bench", "model", "--scoring-pass", "3", "--length", "24", "--device", "cpu");

    assertThat(table).as(console.err()).isZero();
    assertThat(pass).as(console.err()).isZero();
    assertThat(console.out())
        .contains("  1 rows per adapter: gathered ")
        .contains("  3 rows per adapter: gathered ")
        .contains("one by one")
        .contains("policy takes gathered")
        .contains("ceiling, plain base without adapters: 2 passes")
        .contains("ceiling, matmul [M x ")
        .contains("scoring pass: 3 rows x 24 tokens")
        .contains("GiB peak after the pass")
        .doesNotContain("LoRA step tokens/s:");
  }

  @Test
  void modelErrorsArePrintedAsMessages() throws Exception {
    Files.createDirectories(folder.resolve("empty"));

    int exitCode = console.run("bench", "model", "--base", folder.resolve("empty").toString());

    assertThat(exitCode).isEqualTo(1);
    assertThat(console.err())
        .contains("perennial bench model: model folder")
        .contains("has no config.json");
  }
}
