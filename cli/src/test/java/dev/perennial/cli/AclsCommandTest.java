package dev.perennial.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code perennial acls} prints {@code StageAcls} under the configuration, and README's list of
 * every stage's ACLs is its output with the defaults, so the documented list cannot drift.
 */
class AclsCommandTest {

  private static final Path README = Path.of("..", "README.md").toAbsolutePath().normalize();
  private static final String OPENING = "```bash\nacls=\"kafka-acls.sh";

  @TempDir Path folder;

  @Test
  void readmeListsExactlyWhatTheCommandPrintsWithTheDefaults() throws IOException {
    String readme = Files.readString(README);
    int section = readme.indexOf("### Kafka ACLs");
    assertThat(section).as("README's Kafka ACLs section").isNotNegative();
    int start = readme.indexOf(OPENING, section) + "```bash\n".length();
    int end = readme.indexOf("```", start);

    PerennialConsole console = new PerennialConsole();
    assertThat(console.run("acls")).as(console.err()).isZero();

    assertThat(readme.substring(start, end)).isEqualTo(console.out());
  }

  @Test
  void theTopicPrefixAndPerTenantInputsReachEveryNameAndStagesCanBePicked() throws IOException {
    Path config = folder.resolve("perennial.properties");
    Files.writeString(
        config, "perennial.topic.prefix=prod.\nperennial.ingest.input.topics=per-tenant\n");
    PerennialConsole console = new PerennialConsole();

    assertThat(console.run("acls", "--config", config.toString(), "ingest", "publisher"))
        .as(console.err())
        .isZero();

    assertThat(console.out())
        .contains(
            "$acls --allow-principal User:perennial-ingest --operation Read --operation Delete"
                + " --operation Describe --topic prod.in. --resource-pattern-type prefixed\n")
        .contains("--operation Write --operation Describe --transactional-id prod.publisher\n")
        .doesNotContain("documents.v1")
        .doesNotContain("perennial.")
        .doesNotContain("# trainer-worker");
  }

  @Test
  void oneGivenPrincipalGetsEveryStagesAcls() {
    PerennialConsole console = new PerennialConsole();

    assertThat(console.run("acls", "--principal", "User:perennial")).as(console.err()).isZero();

    assertThat(console.out().lines().filter(line -> line.startsWith("$acls ")))
        .isNotEmpty()
        .allSatisfy(line -> assertThat(line).startsWith("$acls --allow-principal User:perennial "));
    assertThat(console.out())
        .contains("# ingest\n", "# trainer-accumulator\n", "# evaluator\n", "# publisher\n");
  }

  @Test
  void anUnknownStageIsRefusedNamingTheStages() {
    PerennialConsole console = new PerennialConsole();

    assertThat(console.run("acls", "trainer")).isNotZero();

    assertThat(console.err())
        .contains(
            "No stage trainer; the stages are [ingest, trainer-accumulator, trainer-worker,"
                + " evaluator, publisher]");
  }
}
