package dev.perennial.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluatorCommandsTest {

  @TempDir Path folder;

  private final PerennialConsole console = new PerennialConsole();

  @Test
  void anEvaluatorWithABadConfigurationNamesEveryProblemAndStartsNothing() throws IOException {
    Path config = folder.resolve("evaluator.properties");
    Files.writeString(
        config,
        "bootstrap.servers=localhost:9092\n"
            + "schema.registry.url=http://localhost:8081\n"
            + "perennial.evaluator.gate.leakage.max.exposure=-1\n"
            + "perennial.evaluator.tenant.acme.gate.learning.min.gian=0.1\n");

    assertThat(console.run("evaluator", "--config", config.toString())).isEqualTo(1);
    assertThat(console.err())
        .contains("perennial evaluator: Invalid configuration (2 problems)")
        .contains("perennial.evaluator.gate.leakage.max.exposure")
        .contains("perennial.evaluator.tenant.acme.gate.learning.min.gian");
  }

  @Test
  void anEvaluatorWhoseBaseModelHoldsNoModelNamesItWithTheOtherProblemsAndStartsNothing()
      throws IOException {
    Path base = Files.createDirectories(folder.resolve("llama-base"));
    Path config = folder.resolve("evaluator.properties");
    Files.writeString(
        config,
        "bootstrap.servers=localhost:9092\n"
            + "schema.registry.url=http://localhost:8081\n"
            + "perennial.evaluator.gate.leakage.max.exposure=-1\n"
            + "perennial.evaluator.base.model.path="
            + base
            + "\n");

    assertThat(console.run("evaluator", "--config", config.toString())).isEqualTo(1);
    assertThat(console.err())
        .contains("perennial evaluator: Invalid configuration (2 problems)")
        .contains("perennial.evaluator.gate.leakage.max.exposure")
        .contains("perennial.evaluator.base.model.path: " + base.toAbsolutePath());
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

    assertThat(console.run("evaluator", "--config", config.toString())).isEqualTo(1);
    assertThat(console.err()).contains("Canary file of tenant acme").contains("line 1");
  }

  @Test
  void aCanaryWhoseSecretIngestRedactsIsRefusedBeforeAnythingStarts() throws IOException {
    Path canaries =
        Files.writeString(
            folder.resolve("acme.jsonl"),
            "{\"prefix\": \"Call the night desk on phone \", \"secret\": \"0612345678\","
                + " \"suffix\": \".\"}\n");
    Path config = folder.resolve("evaluator.properties");
    Files.writeString(
        config,
        "bootstrap.servers=localhost:9092\n"
            + "schema.registry.url=http://localhost:8081\n"
            + "perennial.evaluator.tenant.acme.canary.file="
            + canaries
            + "\n");

    assertThat(console.run("evaluator", "--config", config.toString())).isEqualTo(1);
    assertThat(console.err())
        .contains("canary acme #1 (perennial.evaluator.tenant.acme.canary.file)")
        .contains("redacts its secret as PHONE")
        .doesNotContain("0612345678");
  }
}
