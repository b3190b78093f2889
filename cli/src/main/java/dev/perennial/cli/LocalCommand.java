package dev.perennial.cli;

import dev.perennial.core.config.ConfigLoader;
import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.embedded.EmbeddedKafka;
import dev.perennial.core.embedded.EmbeddedSchemaRegistry;
import dev.perennial.core.kafka.KafkaClients;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.kafka.TopicProvisioner;
import dev.perennial.core.kafka.TopicSpec;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.local.LocalTrainer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.TopicConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code perennial local}: Perennial on this machine, nothing to install. Starts an in-process
 * Kafka broker and the local schema registry, provisions every topic, opens the artifact store and
 * runs the trainer (accumulator and one worker); on stop it lists the training jobs and candidates.
 */
@Command(
    name = "local",
    mixinStandardHelpOptions = true,
    description = {
      "Runs Perennial on this machine: an in-process Kafka broker, a local schema registry"
          + " (Apicurio, Confluent-compatible API), every topic provisioned, a local artifact"
          + " store.",
      "Stops again after start-up unless --wait is given."
    })
public final class LocalCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--wait", description = "Keep broker and registry running until Ctrl-C.")
  boolean waitForInterrupt;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Properties file; PERENNIAL_* environment variables override it. Broker and registry"
              + " addresses are the local ones.")
  Path configFile;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      defaultValue = ".perennial",
      description =
          "Where the local run keeps the artifact store (unless configured) and logs (default:"
              + " ${DEFAULT-VALUE}).")
  Path stateDir;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    // Check the configuration before starting anything (the addresses are placeholders here).
    new PerennialConfig(localValues("127.0.0.1:9092", "http://127.0.0.1:8081"));
    trainerConfig(localValues("127.0.0.1:9092", "http://127.0.0.1:8081"));
    Path registryHome = EmbeddedSchemaRegistry.homeFromSystemProperty();
    Path registryLog = stateDir.toAbsolutePath().resolve("logs").resolve("schema-registry.log");

    ShutdownSignal shutdown = waitForInterrupt ? ShutdownSignal.install() : null;
    try {
      out.println("Starting the Kafka broker and the schema registry ...");
      out.flush();
      try (EmbeddedKafka kafka = EmbeddedKafka.start();
          EmbeddedSchemaRegistry registry =
              EmbeddedSchemaRegistry.start(registryHome, registryLog)) {
        Map<String, String> values = localValues(kafka.bootstrapServers(), registry.url());
        PerennialConfig config = new PerennialConfig(values);
        TopicCatalog catalog = TopicCatalog.from(config);
        TopicProvisioner.Result topics;
        try (Admin admin = Admin.create(KafkaClients.admin(config, "perennial-local"))) {
          topics = new TopicProvisioner(admin).provision(catalog.specs());
        }
        LocalArtifactStore store = new LocalArtifactStore(config.artifactStorePath());

        printSummary(out, kafka, registry, store, catalog, topics);
        try (LocalTrainer trainer = LocalTrainer.start(trainerConfig(values), out)) {
          out.printf(
              "Trainer           accumulator %s and worker %s running%n",
              trainer.config().accumulatorApplicationId(), trainer.config().workerId());
          if (shutdown != null) {
            out.println("Running until Ctrl-C.");
            out.flush();
            shutdown.await();
            out.println("Stopping ...");
          } else {
            out.println("Stopping (use --wait to keep them running until Ctrl-C) ...");
          }
          out.flush();
          trainer.report(out);
        }
      }
      out.println("Stopped.");
      out.flush();
      return 0;
    } finally {
      if (shutdown != null) {
        shutdown.done();
      }
    }
  }

  private Map<String, String> localValues(String bootstrapServers, String registryUrl) {
    Map<String, String> values = ConfigLoader.load(configFile);
    values.put(PerennialConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    values.put(PerennialConfig.SCHEMA_REGISTRY_URL_CONFIG, registryUrl);
    values.putIfAbsent(
        PerennialConfig.ARTIFACT_STORE_PATH_CONFIG, stateDir.resolve("artifacts").toString());
    return values;
  }

  /** The trainer's configuration in a local run: jobs within seconds on the sample stream. */
  private TrainerConfig trainerConfig(Map<String, String> values) {
    return new TrainerConfig(LocalTrainer.localValues(values, stateDir.toAbsolutePath()));
  }

  private static void printSummary(
      PrintWriter out,
      EmbeddedKafka kafka,
      EmbeddedSchemaRegistry registry,
      LocalArtifactStore store,
      TopicCatalog catalog,
      TopicProvisioner.Result topics) {
    out.printf("Kafka broker      %s (in-process, KRaft, 1 node)%n", kafka.bootstrapServers());
    out.printf(
        "Schema registry   %s (Apicurio Registry, Confluent-compatible API; log %s)%n",
        registry.url(), registry.logFile());
    out.printf("Artifact store    %s%n", store.root());
    out.printf(
        "Topics            %d created, %d already there%n",
        topics.created().size(), topics.existing().size());
    for (TopicSpec topic : catalog.specs()) {
      out.printf("  %-40s %2d partitions, %s%n", topic.name(), topic.partitions(), describe(topic));
    }
    out.println("Broker and registry are up.");
    out.flush();
  }

  private static String describe(TopicSpec topic) {
    String policy = topic.configs().get(TopicConfig.CLEANUP_POLICY_CONFIG);
    if (TopicConfig.CLEANUP_POLICY_COMPACT.equals(policy)) {
      return "compacted";
    }
    long retentionMs = Long.parseLong(topic.configs().get(TopicConfig.RETENTION_MS_CONFIG));
    if (retentionMs < 0) {
      return "kept forever";
    }
    Duration retention = Duration.ofMillis(retentionMs);
    return retention.toHours() % 24 == 0 && retention.toDays() > 0
        ? "kept " + retention.toDays() + " d"
        : "kept " + retention.toMinutes() + " min";
  }
}
