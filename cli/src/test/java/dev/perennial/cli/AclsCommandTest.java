package dev.perennial.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.kafka.StageAcls;
import dev.perennial.evaluator.config.EvaluatorConfig;
import dev.perennial.ingest.config.IngestConfig;
import dev.perennial.trainer.config.TrainerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
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
  void twoInstallsUnderTwoTopicPrefixesHoldTransactionalIdsOfTheirOwn() throws IOException {
    // a worker and an evaluator of each install may well have the same id (the same pod names)
    List<String> prod = transactionalIdLines("prod.", "trainer-worker", "evaluator");
    List<String> staging = transactionalIdLines("staging.", "trainer-worker", "evaluator");

    assertThat(prod).hasSize(2);
    assertThat(prod)
        .allSatisfy(line -> assertThat(line).contains("--transactional-id prod."))
        .doesNotContainAnyElementsOf(staging);
    assertThat(staging)
        .allSatisfy(line -> assertThat(line).contains("--transactional-id staging."));
  }

  @Test
  void underTheDefaultTopicPrefixTheTransactionalIdsAreThoseOfEarlierReleases() throws IOException {
    // an upgrade must find what its former self left open under the same ids
    assertThat(transactionalIdLines("perennial.", "trainer-worker", "evaluator"))
        .containsExactly(
            "$acls --allow-principal User:perennial-trainer-worker --operation Write --operation"
                + " Describe --transactional-id perennial-trainer-worker-"
                + " --resource-pattern-type prefixed",
            "$acls --allow-principal User:perennial-evaluator --operation Write --operation"
                + " Describe --transactional-id perennial-evaluator-"
                + " --resource-pattern-type prefixed");
  }

  @Test
  void twoInstallsUnderTwoTopicPrefixesKeepingTheDefaultIdsHoldGroupsAndStreamsTopicsOfTheirOwn()
      throws IOException {
    // the groups of every stage, and the Streams stages' internal topics and transactional ids
    String[] stages = {"ingest", "trainer-accumulator", "trainer-worker", "evaluator", "publisher"};
    List<String> prod = idLines("prod.", stages);
    List<String> staging = idLines("staging.", stages);

    assertThat(prod)
        .contains(
            "$acls --allow-principal User:perennial-ingest --operation Read --operation Describe"
                + " --group prod.ingest",
            "$acls --allow-principal User:perennial-ingest --operation All --topic prod.ingest-"
                + " --resource-pattern-type prefixed",
            "$acls --allow-principal User:perennial-trainer-accumulator --operation Read"
                + " --operation Describe --group prod.trainer-accumulator",
            "$acls --allow-principal User:perennial-trainer-worker --operation Read --operation"
                + " Describe --group prod.trainer-worker",
            "$acls --allow-principal User:perennial-evaluator --operation Read --operation"
                + " Describe --group prod.evaluator")
        .doesNotContainAnyElementsOf(staging);
    assertThat(prod.stream().filter(line -> line.contains("--group "))).hasSize(5);
  }

  @Test
  void underTheDefaultTopicPrefixTheGroupsAndApplicationIdsAreThoseOfEarlierReleases()
      throws IOException {
    // an upgrade must find its groups' offsets and the Streams stages' internal topics
    assertThat(
            idLines("perennial.", "ingest", "trainer-accumulator", "trainer-worker", "evaluator"))
        .filteredOn(line -> line.contains("--group "))
        .extracting(line -> line.substring(line.indexOf("--group ")))
        .containsExactly(
            "--group perennial-ingest",
            "--group perennial-trainer-accumulator",
            "--group perennial-trainer-worker",
            "--group perennial-evaluator");
  }

  @Test
  void theInputTopicsAndIdsAreReadAsTheStagesReadThem() {
    // a properties file keeps the spaces after a value; the stages' configs trim them
    Map<String, String> spaced =
        Map.of(
            IngestConfig.INPUT_TOPICS_CONFIG, "per-tenant ",
            IngestConfig.APPLICATION_ID_CONFIG, "acme-ingest ",
            TrainerConfig.WORKER_GROUP_ID_CONFIG, " acme-workers",
            EvaluatorConfig.GROUP_ID_CONFIG, "acme-evaluators\t");
    Map<String, String> trimmed =
        Map.of(
            IngestConfig.INPUT_TOPICS_CONFIG, "per-tenant",
            IngestConfig.APPLICATION_ID_CONFIG, "acme-ingest",
            TrainerConfig.WORKER_GROUP_ID_CONFIG, "acme-workers",
            EvaluatorConfig.GROUP_ID_CONFIG, "acme-evaluators");

    assertThat(AclsCommand.of(spaced).stream().map(StageAcls::rules))
        .isEqualTo(AclsCommand.of(trimmed).stream().map(StageAcls::rules).toList());
  }

  @Test
  void anInputTopicsValueTheStagesRefuseIsRefusedNamingItsKey() throws IOException {
    Path config = folder.resolve("perennial.properties");
    Files.writeString(config, IngestConfig.INPUT_TOPICS_CONFIG + "=\n");
    PerennialConsole console = new PerennialConsole();

    assertThat(console.run("acls", "--config", config.toString())).isNotZero();

    assertThat(console.err()).contains(IngestConfig.INPUT_TOPICS_CONFIG);
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

  /**
   * The lines naming a group, a Streams application's internal topics or a transactional id that
   * {@code perennial acls STAGE...} prints under {@code prefix}.
   */
  private List<String> idLines(String prefix, String... stages) throws IOException {
    return acls(prefix, stages)
        .filter(
            line ->
                line.contains("--group ")
                    || line.contains("--transactional-id ")
                    || (line.contains("--topic ") && line.contains("--resource-pattern-type")))
        .toList();
  }

  /** Every line {@code perennial acls STAGE...} prints under {@code prefix}. */
  private Stream<String> acls(String prefix, String... stages) throws IOException {
    Path config = folder.resolve(prefix + "properties");
    Files.writeString(config, "perennial.topic.prefix=" + prefix + "\n");
    PerennialConsole console = new PerennialConsole();
    List<String> arguments = new ArrayList<>(List.of("acls", "--config", config.toString()));
    arguments.addAll(List.of(stages));

    assertThat(console.run(arguments.toArray(String[]::new))).as(console.err()).isZero();

    return console.out().lines();
  }

  /** The transactional-id lines {@code perennial acls STAGE...} prints under {@code prefix}. */
  private List<String> transactionalIdLines(String prefix, String... stages) throws IOException {
    return acls(prefix, stages).filter(line -> line.contains("--transactional-id ")).toList();
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
