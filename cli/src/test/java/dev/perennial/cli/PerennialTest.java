package dev.perennial.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PerennialTest {

  @TempDir Path folder;

  private final PerennialConsole console = new PerennialConsole();

  @Test
  void withoutASubcommandTheUsageListsTheSubcommands() {
    int exitCode = console.run();

    assertThat(exitCode).isEqualTo(2);
    assertThat(console.err()).contains("Missing subcommand").contains("local");
  }

  @Test
  void anInvalidConfigurationIsReportedBeforeAnythingStarts() throws Exception {
    Path config =
        Files.writeString(
            folder.resolve("perennial.properties"),
            "perennial.topic.partitions=0\nperennial.http.port=high\n");

    int exitCode =
        console.run("local", "--config", config.toString(), "--state-dir", folder.toString());

    assertThat(exitCode).isEqualTo(1);
    assertThat(console.err())
        .contains("perennial local: Invalid configuration (2 problems)")
        .contains("perennial.topic.partitions: ")
        .contains("perennial.http.port: ")
        .doesNotContain("Exception");
    assertThat(console.out()).doesNotContain("Starting");
  }

  @Test
  void aMissingConfigurationFileIsNamed() {
    Path missing = folder.resolve("missing.properties");

    int exitCode = console.run("local", "--config", missing.toString());

    assertThat(exitCode).isEqualTo(1);
    assertThat(console.err()).contains(missing.toString()).contains("not found");
  }

  @Test
  void ingestReportsEveryConfigurationProblemBeforeStarting() throws Exception {
    Path config =
        Files.writeString(
            folder.resolve("ingest.properties"),
            "bootstrap.servers=localhost:9092\n"
                + "schema.registry.url=http://localhost:8081\n"
                + "perennial.ingest.max.text.bytes=0\n");

    int exitCode = console.run("ingest", "--config", config.toString());

    assertThat(exitCode).isEqualTo(1);
    assertThat(console.err())
        .contains("perennial ingest: Invalid configuration (3 problems)")
        .contains("perennial.ingest.max.text.bytes: ")
        .contains("perennial.ingest.pseudonym.secret: set exactly one of it and")
        .contains("perennial.privacy.master.keys: set it or")
        .doesNotContain("Exception");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {"ingest", "trainer accumulator", "trainer worker", "evaluator", "publisher"})
  void everyServiceTakesItsConfigurationFromAFileAndTheEnvironment(String service) {
    int exitCode = console.run((service + " --help").split(" "));

    assertThat(exitCode).as(console.err()).isZero();
    assertThat(console.out())
        .contains("--config=FILE")
        .contains("Properties file; PERENNIAL_* environment variables");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"trainer accumulator", "publisher"})
  void aServiceWithABadConfigurationNamesTheProblemAndStartsNothing(String service)
      throws Exception {
    Path config =
        Files.writeString(
            folder.resolve("service.properties"),
            "bootstrap.servers=localhost:9092\n"
                + "schema.registry.url=http://localhost:8081\n"
                + "perennial.topic.partitions=0\n");

    int exitCode = console.run((service + " --config " + config).split(" "));

    assertThat(exitCode).isEqualTo(1);
    assertThat(console.err())
        .contains("perennial " + service + ": Invalid configuration")
        .contains("perennial.topic.partitions: ")
        .doesNotContain("Exception");
    assertThat(console.out()).doesNotContain(" up");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "bench continual --variants=production,bogus",
        "bench continual --feedback-mix=bogus",
        "bench continual --updates=0",
        "bench continual --updates=-1",
        "bench feedback --noise=0,0.7",
        "bench feedback --noise-model=bogus",
        "bench feedback --variants=bogus"
      })
  void aBadOptionValueIsAUsageErrorNamingTheOptionNotAStackTrace(String commandLine) {
    String[] args = commandLine.split(" ");
    String option = args[args.length - 1].split("=")[0];
    int[] exitCode = new int[1];

    assertThatCode(() -> exitCode[0] = console.run(args)).doesNotThrowAnyException();
    assertThat(exitCode[0]).isEqualTo(2);
    assertThat(console.err())
        .contains("Invalid value for option '" + option + "'")
        .doesNotContain("Exception");
  }
}
