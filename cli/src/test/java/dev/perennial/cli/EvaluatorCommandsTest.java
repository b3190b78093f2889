package dev.perennial.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluatorCommandsTest {

  @TempDir Path folder;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Perennial.commandLine()
        .setOut(new PrintWriter(out))
        .setErr(new PrintWriter(err))
        .execute(args);
  }

  @Test
  void anEvaluatorWithABadConfigurationNamesEveryProblemAndStartsNothing() throws IOException {
    Path config = folder.resolve("evaluator.properties");
    Files.writeString(
        config,
        "bootstrap.servers=localhost:9092\n"
            + "schema.registry.url=http://localhost:8081\n"
            + "perennial.evaluator.gate.leakage.max.exposure=-1\n"
            + "perennial.evaluator.tenant.acme.gate.learning.min.gian=0.1\n");

    assertThat(run("evaluator", "--config", config.toString())).isEqualTo(1);
    assertThat(err.toString())
        .contains("perennial evaluator: Invalid configuration (2 problems)")
        .contains("perennial.evaluator.gate.leakage.max.exposure")
        .contains("perennial.evaluator.tenant.acme.gate.learning.min.gian");
  }

  @Test
  void anUnreadableCanaryFileIsNamedBeforeAnythingStarts() throws IOException {
    Path canaries = Files.writeString(folder.resolve("acme.jsonl"), "{\"prefix\": \"x\"\n");
    Path config = folder.resolve("evaluator.properties");
    Files.writeString(
        config,
        "bootstrap.servers=localhost:9092\n"
            + "schema.registry.url=http://localhost:8081\n"
            + "perennial.evaluator.tenant.acme.canary.file="
            + canaries
            + "\n");

    assertThat(run("evaluator", "--config", config.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("Canary file of tenant acme").contains("line 1");
  }
}
