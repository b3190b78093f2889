package dev.perennial.cli.local;

import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.embedded.EmbeddedKafka;
import dev.perennial.core.embedded.EmbeddedSchemaRegistry;
import dev.perennial.core.files.Folders;
import dev.perennial.core.kafka.KafkaClients;
import dev.perennial.core.kafka.StageAcls.Stage;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.kafka.TopicProvisioner;
import dev.perennial.core.kafka.TopicSpec;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.schemas.topic.Topics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.TopicConfig;

/**
 * What every stage of {@code perennial local} runs on: an in-process Kafka broker, the local schema
 * registry, every topic provisioned, and the artifact store. {@link #values()} is the configuration
 * a stage starts from (the user's file and environment, pointed at this cluster). A test may run
 * the stages on a broker and registry of its own instead ({@link #on}).
 */
public final class LocalCluster implements AutoCloseable {

  /** The in-process broker and registry; empty when they run elsewhere ({@link #on}). */
  private final Optional<EmbeddedKafka> kafka;

  private final Optional<EmbeddedSchemaRegistry> registry;
  private final Map<String, String> values;
  private final Map<Stage, Map<String, String>> stageValues;
  private final PerennialConfig config;
  private final TopicCatalog catalog;
  private final TopicProvisioner.Result provisioned;
  private final LocalArtifactStore store;
  private final Topics topics;
  private final Admin admin;

  private LocalCluster(
      Optional<EmbeddedKafka> kafka,
      Optional<EmbeddedSchemaRegistry> registry,
      Map<String, String> values,
      Map<Stage, Map<String, String>> stageValues,
      TopicProvisioner.Result provisioned,
      Admin admin) {
    this.kafka = kafka;
    this.registry = registry;
    this.values = Map.copyOf(values);
    this.stageValues = Map.copyOf(stageValues);
    this.config = new PerennialConfig(values);
    this.catalog = TopicCatalog.from(config);
    this.provisioned = provisioned;
    this.store = new LocalArtifactStore(config.artifactStorePath());
    this.topics = Topics.create(catalog, config.clientProperties());
    this.admin = admin;
  }

  /**
   * Starts broker and registry and provisions every topic.
   *
   * @param configured the user's configuration values (file and environment); broker and registry
   *     addresses are replaced by the local ones
   * @param stateDir where the registry's log and, unless configured, the artifact store go (an
   *     artifact store of an earlier run there is cleared: its shards belong to records the new
   *     broker does not have)
   */
  public static LocalCluster start(Map<String, String> configured, Path stateDir) {
    return start(configured, stateDir, true);
  }

  /**
   * Starts broker and registry without any topic, as a fresh Kafka cluster is: each service
   * provisions the topics it reads and writes when it starts ({@code FreshClusterIT}).
   */
  public static LocalCluster startWithoutTopics(Map<String, String> configured, Path stateDir) {
    return start(configured, stateDir, false);
  }

  private static LocalCluster start(
      Map<String, String> configured, Path stateDir, boolean provisionTopics) {
    if (!configured.containsKey(PerennialConfig.ARTIFACT_STORE_PATH_CONFIG)) {
      Folders.deleteRecursively(stateDir.resolve("artifacts"));
    }
    Path registryLog = stateDir.toAbsolutePath().resolve("logs").resolve("schema-registry.log");
    EmbeddedKafka kafka = EmbeddedKafka.start();
    EmbeddedSchemaRegistry registry = null;
    Admin admin = null;
    try {
      registry =
          EmbeddedSchemaRegistry.start(
              EmbeddedSchemaRegistry.homeFromSystemProperty(), registryLog);
      Map<String, String> values =
          localValues(configured, kafka.bootstrapServers(), registry.url(), stateDir);
      PerennialConfig config = new PerennialConfig(values);
      admin = Admin.create(KafkaClients.admin(config, "perennial-local"));
      TopicProvisioner.Result provisioned =
          provisionTopics
              ? new TopicProvisioner(admin).provision(TopicCatalog.from(config).specs())
              : new TopicProvisioner.Result(List.of(), List.of());
      return new LocalCluster(
          Optional.of(kafka), Optional.of(registry), values, Map.of(), provisioned, admin);
    } catch (RuntimeException e) {
      if (admin != null) {
        admin.close();
      }
      if (registry != null) {
        registry.close();
      }
      kafka.close();
      throw e;
    }
  }

  /**
   * The stages' cluster on a broker and registry that run elsewhere (a test's SASL_SSL broker and
   * authenticating registry): {@code values} hold their addresses and every client setting
   * (security.protocol, sasl.*, ssl.*, basic.auth.*), which reach every stage's clients. Every
   * topic is provisioned through them; closing closes only the admin client.
   */
  public static LocalCluster on(Map<String, String> values, Path stateDir) {
    return on(values, Map.of(), stateDir);
  }

  /**
   * {@link #on(Map, Path)} with each stage's own values on top of {@code values} (a test gives each
   * stage the login of its own principal); {@code values} stay the admin's and the test's.
   */
  public static LocalCluster on(
      Map<String, String> values, Map<Stage, Map<String, String>> stageValues, Path stateDir) {
    Map<String, String> local = new HashMap<>(values);
    local.putIfAbsent(
        PerennialConfig.ARTIFACT_STORE_PATH_CONFIG, stateDir.resolve("artifacts").toString());
    PerennialConfig config = new PerennialConfig(local);
    Admin admin = Admin.create(KafkaClients.admin(config, "perennial-local"));
    try {
      TopicProvisioner.Result provisioned =
          new TopicProvisioner(admin).provision(TopicCatalog.from(config).specs());
      return new LocalCluster(
          Optional.empty(), Optional.empty(), local, stageValues, provisioned, admin);
    } catch (RuntimeException e) {
      admin.close();
      throw e;
    }
  }

  /** The configuration values of a local run, with placeholder addresses before anything runs. */
  public static Map<String, String> localValues(
      Map<String, String> configured, String bootstrapServers, String registryUrl, Path stateDir) {
    Map<String, String> values = new HashMap<>(configured);
    values.put(PerennialConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    values.put(PerennialConfig.SCHEMA_REGISTRY_URL_CONFIG, registryUrl);
    values.putIfAbsent(
        PerennialConfig.ARTIFACT_STORE_PATH_CONFIG, stateDir.resolve("artifacts").toString());
    return values;
  }

  /** The configuration a stage starts from: add its own keys to a copy. */
  public Map<String, String> values() {
    return new HashMap<>(values);
  }

  /** The configuration {@code stage} starts from: {@link #values()} with the stage's own. */
  public Map<String, String> values(Stage stage) {
    Map<String, String> values = values();
    values.putAll(stageValues.getOrDefault(stage, Map.of()));
    return values;
  }

  public PerennialConfig config() {
    return config;
  }

  public TopicCatalog catalog() {
    return catalog;
  }

  /** Every topic bound to its serdes on the local registry. */
  public Topics topics() {
    return topics;
  }

  /** An admin client on the local broker, closed with the cluster. */
  public Admin admin() {
    return admin;
  }

  public String bootstrapServers() {
    return String.join(",", config.bootstrapServers());
  }

  public void printSummary(PrintWriter out) {
    out.printf(
        "Kafka broker      %s (%s)%n",
        bootstrapServers(), kafka.isPresent() ? "in-process, KRaft, 1 node" : "given");
    // a given registry's URL may hold credentials: not printed
    out.printf(
        "Schema registry   %s%n",
        registry
            .map(
                r ->
                    r.url()
                        + " (Apicurio Registry, Confluent-compatible API; log "
                        + r.logFile()
                        + ")")
            .orElse("given"));
    out.printf("Artifact store    %s%n", store.root());
    out.printf(
        "Topics            %d created, %d already there%n",
        provisioned.created().size(), provisioned.existing().size());
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

  @Override
  public void close() {
    admin.close();
    registry.ifPresent(EmbeddedSchemaRegistry::close);
    kafka.ifPresent(EmbeddedKafka::close);
  }
}
