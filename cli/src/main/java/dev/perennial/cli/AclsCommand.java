package dev.perennial.cli;

import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.kafka.GroupIds;
import dev.perennial.core.kafka.StageAcls;
import dev.perennial.core.kafka.StageAcls.Stage;
import dev.perennial.evaluator.config.EvaluatorConfig;
import dev.perennial.ingest.config.IngestConfig;
import dev.perennial.publisher.config.PublisherConfig;
import dev.perennial.trainer.config.TrainerConfig;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code perennial acls}: the Kafka ACLs of each stage's principal ({@link StageAcls}) under the
 * configuration's topic prefix, input topic mode, application and group ids, as {@code
 * kafka-acls.sh} commands.
 */
@Command(
    name = "acls",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the kafka-acls.sh commands that allow each stage's principal what it needs: the"
          + " topics it reads and writes, its consumer group, its transactional ids and, for"
          + " ingest and the trainer's accumulator, their Kafka Streams internal topics.",
      "Topic prefix, ingest's input topics (shared or per-tenant), application and group ids"
          + " come from the configuration (--config, PERENNIAL_* variables), as the stages read"
          + " them. No topic gets Create: create the topics beforehand."
    })
public final class AclsCommand extends ConsoleCommand {

  @Mixin ConfigFileOption configFile;

  @Option(
      names = "--principal-prefix",
      paramLabel = "PREFIX",
      description =
          "Each stage's principal is this prefix and the stage's name (default:"
              + " ${DEFAULT-VALUE}, e.g. User:perennial-trainer-worker).",
      defaultValue = "User:perennial-")
  String principalPrefix;

  @Option(
      names = "--principal",
      paramLabel = "PRINCIPAL",
      description =
          "One principal for every stage (e.g. User:perennial, when the stages share one login);"
              + " overrides --principal-prefix.")
  String principal;

  @Parameters(
      arity = "0..*",
      paramLabel = "STAGE",
      description =
          "ingest, trainer-accumulator, trainer-worker, evaluator or publisher (default: all).")
  List<String> stages = List.of();

  @Override
  int run(PrintWriter out) {
    List<String> known = Arrays.stream(Stage.values()).map(Stage::id).toList();
    for (String stage : stages) {
      if (!known.contains(stage)) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(), "No stage " + stage + "; the stages are " + known);
      }
    }
    out.println(
        "acls=\"kafka-acls.sh --bootstrap-server $BROKERS --command-config admin.properties"
            + " --add\"");
    for (StageAcls acls : of(configFile.values())) {
      if (!stages.isEmpty() && !stages.contains(acls.stage().id())) {
        continue;
      }
      out.printf("# %s%n", acls.stage().id());
      for (StageAcls.Rule rule : acls.rules()) {
        out.println(
            "$acls "
                + rule.kafkaAclsArguments(
                    principal != null ? principal : principalPrefix + acls.stage().id()));
      }
    }
    return 0;
  }

  /**
   * Every stage's ACLs under the configuration {@code values}, each setting read as the stage's
   * config reads it (trimmed, its default when not set, refused naming its key when invalid; an
   * application or group id not set is the topic prefix's, {@link GroupIds}).
   */
  public static List<StageAcls> of(Map<String, String> values) {
    String prefix = PerennialConfig.topicPrefixOf(values);
    ConfigDef ingest = IngestConfig.configDef();
    ConfigDef trainer = TrainerConfig.configDef();
    ConfigDef evaluator = EvaluatorConfig.configDef();
    boolean tenantInputs =
        IngestConfig.InputTopics.parse(string(ingest, IngestConfig.INPUT_TOPICS_CONFIG, values))
            == IngestConfig.InputTopics.PER_TENANT;
    return List.of(
        StageAcls.ingest(
            prefix,
            tenantInputs,
            id(prefix, Stage.INGEST, ingest, IngestConfig.APPLICATION_ID_CONFIG, values)),
        StageAcls.trainerAccumulator(
            prefix,
            id(
                prefix,
                Stage.TRAINER_ACCUMULATOR,
                trainer,
                TrainerConfig.ACCUMULATOR_APPLICATION_ID_CONFIG,
                values)),
        StageAcls.trainerWorker(
            prefix,
            id(
                prefix,
                Stage.TRAINER_WORKER,
                trainer,
                TrainerConfig.WORKER_GROUP_ID_CONFIG,
                values)),
        StageAcls.evaluator(
            prefix,
            id(prefix, Stage.EVALUATOR, evaluator, EvaluatorConfig.GROUP_ID_CONFIG, values)),
        StageAcls.publisher(prefix, PublisherConfig.instanceId(prefix)));
  }

  /** The group or application id {@code key} sets, else the topic prefix's ({@link GroupIds}). */
  private static String id(
      String prefix, Stage stage, ConfigDef definition, String key, Map<String, String> values) {
    return GroupIds.of(prefix, stage, string(definition, key, values));
  }

  private static String string(ConfigDef definition, String key, Map<String, String> values) {
    return (String) PerennialConfig.valueOf(definition, key, values);
  }
}
