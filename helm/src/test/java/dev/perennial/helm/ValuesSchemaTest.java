package dev.perennial.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.core.config.PerennialConfig;
import dev.perennial.evaluator.config.EvaluatorConfig;
import dev.perennial.schemas.serde.AvroSerdeConfig;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.config.SaslConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** values.schema.json (and the chart's own checks) refuse wrong values, naming what is wrong. */
class ValuesSchemaTest {

  static Stream<Arguments> refusedValues() {
    return Stream.of(
        refused(
            "missing bootstrap servers",
            Chart.withoutRequiredValues().with("schemaRegistry.url", "http://registry:8081"),
            "kafka.bootstrapServers"),
        refused(
            "missing registry URL",
            Chart.withoutRequiredValues().with("kafka.bootstrapServers", "kafka:9092"),
            "schemaRegistry.url"),
        refused(
            "bootstrap server without a port",
            Chart.withRequiredValues().with("kafka.bootstrapServers", "kafka"),
            "kafka.bootstrapServers"),
        refused(
            "two registry URLs (the serdes take one)",
            Chart.withRequiredValues()
                .with("schemaRegistry.url", "http://registry-a:8081,http://registry-b:8081"),
            "schemaRegistry.url"),
        refused(
            "registry URL without a scheme",
            Chart.withRequiredValues().with("schemaRegistry.url", "registry:8081"),
            "schemaRegistry.url"),
        refused(
            "replicas as a word",
            Chart.withRequiredValues().with("ingest.replicas", "two"),
            "ingest.replicas"),
        refused(
            "negative replicas",
            Chart.withRequiredValues().with("evaluator.replicas", -1),
            "evaluator.replicas"),
        refused(
            "two publishers (one transactional.id, one release area)",
            Chart.withRequiredValues().with("publisher.replicas", 2),
            "publisher.replicas"),
        refused(
            "a publisher rolled side by side",
            Chart.withRequiredValues().with("publisher.strategy.type", "RollingUpdate"),
            "publisher.strategy.type"),
        refused(
            "a Deployment's strategy for the worker StatefulSet",
            Chart.withRequiredValues().with("trainer.worker.strategy.type", "Recreate"),
            "trainer.worker.strategy.type"),
        refused(
            "a Deployment's strategy for the evaluator StatefulSet",
            Chart.withRequiredValues().with("evaluator.strategy.type", "Recreate"),
            "evaluator.strategy.type"),
        refused(
            "a canary Secret without tenants",
            Chart.withRequiredValues().with("secrets.canaries.name", "canaries"),
            "secrets.canaries.tenants"),
        refused(
            "canary tenants without their Secret",
            Chart.withRequiredValues().with("secrets.canaries.tenants", List.of("acme")),
            "secrets.canaries.name"),
        refused(
            "a tenant that is no file name",
            Chart.withRequiredValues()
                .with(
                    "secrets.canaries",
                    Map.of("name", "canaries", "tenants", List.of("acme/support"))),
            "secrets.canaries.tenants.0"),
        refused(
            "ingest without its pseudonymisation key",
            Chart.withRequiredValues().with("secrets.pseudonymisationKey.name", ""),
            "secrets.pseudonymisationKey.name"),
        refused(
            "the publisher without its signing key",
            Chart.withRequiredValues().with("secrets.signingKey.name", ""),
            "secrets.signingKey.name"),
        refused(
            "a misspelt component key",
            Chart.withRequiredValues().with("trainer.worker.replica", 2),
            "trainer.worker",
            "'replica' not allowed"),
        refused(
            "an unknown top-level key",
            Chart.withRequiredValues().with("kafkaa", Map.of("bootstrapServers", "kafka:9092")),
            "",
            "'kafkaa' not allowed"),
        refused(
            "an unknown security protocol",
            Chart.withRequiredValues().with("kafka.securityProtocol", "TLS"),
            "kafka.securityProtocol"),
        refused(
            "SASL without its Secret",
            Chart.withRequiredValues().with("kafka.securityProtocol", "SASL_SSL"),
            "kafka.sasl.jaasConfigSecret.name"),
        refused(
            "a Kafka login for a component the chart does not have",
            Chart.withRequiredValues()
                .with(
                    "kafka.sasl.componentJaasConfigSecrets",
                    Map.of("trainer", Map.of("name", "trainer-kafka"))),
            "kafka.sasl.componentJaasConfigSecrets",
            "'trainer' not allowed"),
        refused(
            "a TLS Secret with a plaintext protocol",
            Chart.withRequiredValues().with("kafka.tls.caSecret.name", "kafka-ca"),
            "kafka.tls.caSecret.name"),
        refused(
            "Strimzi topics without a cluster",
            Chart.withRequiredValues().with("topics.strimzi.enabled", true),
            "topics.strimzi.clusterName"),
        refused(
            "an unknown Strimzi API version",
            Chart.withRequiredValues()
                .with("topics.strimzi.apiVersion", "kafka.strimzi.io/v1alpha1"),
            "topics.strimzi.apiVersion"),
        refused(
            "zero partitions",
            Chart.withRequiredValues().with("topics.partitions", 0),
            "topics.partitions"),
        refused(
            "a replication factor of zero",
            Chart.withRequiredValues().with("topics.replicationFactor", 0),
            "topics.replicationFactor"),
        refused(
            "a topic prefix Kafka does not allow",
            Chart.withRequiredValues().with("topics.prefix", "acme/"),
            "topics.prefix"),
        refused(
            "a port out of range",
            Chart.withRequiredValues().with("http.port", 70000),
            "http.port"),
        refused(
            "a nested setting",
            Chart.withRequiredValues().with("ingest.config", Map.of("a", Map.of("b", 1))),
            "ingest.config.a",
            "got object"),
        refused(
            "a secret setting without its key",
            Chart.withRequiredValues()
                .with("secretConfig", Map.of(SaslConfigs.SASL_JAAS_CONFIG, Map.of("name", "s"))),
            "secretConfig",
            SaslConfigs.SASL_JAAS_CONFIG + "': missing property 'key'"),
        refused(
            "another PyTorch",
            Chart.withRequiredValues().with("cuda.pytorchVersion", "2.8.0"),
            "cuda.pytorchVersion"),
        refused(
            "an unknown pull policy",
            Chart.withRequiredValues().with("image.pullPolicy", "Sometimes"),
            "image.pullPolicy"),
        refused(
            "a storage size that is no quantity",
            Chart.withRequiredValues().with("artifacts.persistence.size", "lots"),
            "artifacts.persistence.size"),
        refused(
            // Several pods mount the claim at once, and four stages write it.
            "a claim only one pod may mount",
            Chart.withRequiredValues()
                .with("artifacts.persistence.accessModes", List.of("ReadWriteOncePod")),
            "artifacts.persistence.accessModes"),
        refused(
            "a claim no stage may write",
            Chart.withRequiredValues()
                .with("artifacts.persistence.accessModes", List.of("ReadOnlyMany")),
            "artifacts.persistence.accessModes"),
        refused(
            "a boolean as text",
            Chart.withRequiredValues().with("networkPolicy.enabled", "yes"),
            "networkPolicy.enabled"),
        refused(
            "no GPU in a GPU request",
            Chart.withRequiredValues().with("trainer.worker.gpu.count", 0),
            "trainer.worker.gpu.count"),
        refused(
            // The API server refuses a liveness or startup probe whose successThreshold is not 1.
            "a liveness probe that must succeed twice",
            Chart.withRequiredValues().with("ingest.probes.liveness.successThreshold", 2),
            "ingest.probes.liveness.successThreshold"),
        refused(
            "a startup probe that must succeed twice",
            Chart.withRequiredValues().with("trainer.worker.probes.startup.successThreshold", 3),
            "trainer.worker.probes.startup.successThreshold"),
        // The chart's own checks, beyond what a schema can say.
        refusedByChart(
            "a shared setting the chart manages",
            Chart.withRequiredValues()
                .with("config", Map.of(PerennialConfig.HTTP_PORT_CONFIG, 9000)),
            "config sets " + PerennialConfig.HTTP_PORT_CONFIG),
        refusedByChart(
            "a component setting the chart manages",
            Chart.withRequiredValues()
                .with(
                    "ingest.config",
                    Map.of(PerennialConfig.BOOTSTRAP_SERVERS_CONFIG, "other:9092")),
            "ingest.config sets " + PerennialConfig.BOOTSTRAP_SERVERS_CONFIG),
        refusedByChart(
            "registry credentials as a plain setting",
            Chart.withRequiredValues()
                .with("config", Map.of(AvroSerdeConfig.BASIC_AUTH_USER_INFO_CONFIG, "user:secret")),
            "config sets " + AvroSerdeConfig.BASIC_AUTH_USER_INFO_CONFIG),
        refusedByChart(
            // Streams passes producer.*, consumer.*, admin.* keys on to that client.
            "a password under a Streams client prefix",
            Chart.withRequiredValues().with("config", Map.of("producer.ssl.key.password", "x")),
            "config sets producer.ssl.key.password, a password"),
        refusedByChart(
            "a Kafka login under a Streams client prefix",
            Chart.withRequiredValues()
                .with(
                    "ingest.config",
                    Map.of("main.consumer." + SaslConfigs.SASL_JAAS_CONFIG, "secret login")),
            "ingest.config sets main.consumer." + SaslConfigs.SASL_JAAS_CONFIG + ", a password"),
        refusedByChart(
            // Streams hands producer.* to its producer as security.protocol: a plaintext client.
            "the chart's Kafka wiring under a Streams client prefix",
            Chart.withRequiredValues()
                .with("config", Map.of("producer.security.protocol", "PLAINTEXT")),
            "config sets producer.security.protocol, which the chart sets from"
                + " kafka.securityProtocol"),
        refusedByChart(
            "another cluster for one client of a stage",
            Chart.withRequiredValues()
                .with("ingest.config", Map.of("admin.bootstrap.servers", "other:9092")),
            "ingest.config sets admin.bootstrap.servers, which the chart sets from"
                + " kafka.bootstrapServers"),
        refusedByChart(
            "another truststore for the restore consumer",
            Chart.withRequiredValues()
                .with(
                    "evaluator.config",
                    Map.of("restore.consumer.ssl.truststore.location", "/tmp/ca.crt")),
            "evaluator.config sets restore.consumer.ssl.truststore.location, which the"
                + " chart sets from kafka.tls.caSecret"),
        refusedByChart(
            "another login for one client, from a Secret",
            Chart.withRequiredValues()
                .with(
                    "secretConfig",
                    Map.of(
                        "global.consumer." + SaslConfigs.SASL_JAAS_CONFIG,
                        Map.of("name", "s", "key", "k"))),
            "secretConfig sets global.consumer."
                + SaslConfigs.SASL_JAAS_CONFIG
                + ", which the chart sets from kafka.sasl.jaasConfigSecret"),
        refusedByChart(
            "a secret setting the chart manages",
            Chart.withRequiredValues()
                .with(
                    "publisher.secretConfig",
                    Map.of(SaslConfigs.SASL_JAAS_CONFIG, Map.of("name", "s", "key", "k"))),
            "publisher.secretConfig sets " + SaslConfigs.SASL_JAAS_CONFIG),
        refusedByChart(
            "a folder the chart sets for the evaluator",
            Chart.withRequiredValues()
                .with(
                    "evaluator.config",
                    Map.of(EvaluatorConfig.EVALUATION_PATH_CONFIG, "/var/lib/evaluations")),
            "evaluator.config sets " + EvaluatorConfig.EVALUATION_PATH_CONFIG),
        refusedByChart(
            "a canary file the chart mounts",
            Chart.withRequiredValues()
                .with("secrets.canaries", Map.of("name", "canaries", "tenants", List.of("acme")))
                .with(
                    "evaluator.config",
                    Map.of(
                        EvaluatorConfig.TENANT_PREFIX
                            + "acme"
                            + EvaluatorConfig.TENANT_CANARY_FILE_SUFFIX,
                        "/tmp/acme.jsonl")),
            "evaluator.config sets "
                + EvaluatorConfig.TENANT_PREFIX
                + "acme"
                + EvaluatorConfig.TENANT_CANARY_FILE_SUFFIX),
        refusedByChart(
            "the read API on the health port",
            Chart.withRequiredValues().with("readApi.containerPort", 8080),
            "readApi.containerPort 8080 is http.port"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedValues")
  void wrongValuesAreRefusedNamingTheValue(String description, Chart chart, List<String> named) {
    assertThatThrownBy(chart::renderText)
        .isInstanceOf(IllegalStateException.class)
        .message()
        .contains(named);
  }

  @Test
  void aClaimWritableOnOneNodeOrReadableBesideWritableIsAccepted() {
    for (List<String> modes :
        List.of(List.of("ReadWriteOnce"), List.of("ReadWriteMany", "ReadOnlyMany"))) {
      assertThat(
              Chart.withRequiredValues()
                  .with("artifacts.persistence.accessModes", modes)
                  .render()
                  .all(PersistentVolumeClaim.class))
          .singleElement()
          .satisfies(claim -> assertThat(claim.getSpec().getAccessModes()).isEqualTo(modes));
    }
  }

  @Test
  void clientTuningUnderAClientPrefixIsAccepted() {
    Map<String, String> tuning =
        Map.of(
            "producer.compression.type", "zstd",
            "producer.max.request.size", "2097152",
            "main.consumer.max.poll.records", "100");

    Map<String, String> properties =
        Chart.withRequiredValues()
            .with("trainer.worker.config", tuning)
            .render()
            .properties(Component.TRAINER_WORKER);

    assertThat(properties).containsAllEntriesOf(tuning);
  }

  @Test
  void theRequiredValuesAloneAreEnough() {
    assertThat(Scenarios.defaults().render().objects()).isNotEmpty();
  }

  @Test
  void everyPropertyIsDescribedAndEveryChartObjectIsClosed() throws IOException {
    JsonNode schema = schema();
    List<String> problems = new ArrayList<>();
    checkObject(schema, "", problems);
    schema
        .get("definitions")
        .fields()
        .forEachRemaining(d -> checkObject(d.getValue(), "#" + d.getKey(), problems));

    assertThat(schema.get("$schema").asText()).isEqualTo("http://json-schema.org/draft-07/schema#");
    assertThat(problems).isEmpty();
  }

  @Test
  void everyEnumHasADefaultThatIsOneOfItsValues() throws IOException {
    List<String> problems = new ArrayList<>();
    checkEnums(schema(), "", problems);

    assertThat(problems).isEmpty();
  }

  private static void checkObject(JsonNode node, String path, List<String> problems) {
    JsonNode properties = node.get("properties");
    if (properties == null) {
      return;
    }
    if (!node.has("additionalProperties") || node.get("additionalProperties").asBoolean(true)) {
      problems.add(path + ": object without additionalProperties: false");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> property = it.next();
      String propertyPath = path + "." + property.getKey();
      if (!property.getValue().hasNonNull("description")) {
        problems.add(propertyPath + ": no description");
      }
      checkObject(property.getValue(), propertyPath, problems);
    }
  }

  private static void checkEnums(JsonNode node, String path, List<String> problems) {
    JsonNode properties = node.get("properties");
    if (properties != null) {
      properties
          .fields()
          .forEachRemaining(
              property -> {
                JsonNode value = property.getValue();
                String propertyPath = path + "." + property.getKey();
                if (value.has("enum")) {
                  JsonNode fallback = value.get("default");
                  boolean listed = false;
                  for (JsonNode option : value.get("enum")) {
                    listed |= option.equals(fallback);
                  }
                  if (!listed) {
                    problems.add(propertyPath + ": enum without a default among its values");
                  }
                }
                checkEnums(value, propertyPath, problems);
              });
    }
    JsonNode definitions = node.get("definitions");
    if (definitions != null) {
      definitions
          .fields()
          .forEachRemaining(d -> checkEnums(d.getValue(), "#" + d.getKey(), problems));
    }
  }

  private static JsonNode schema() throws IOException {
    return new ObjectMapper()
        .readTree(Files.readString(Chart.DIRECTORY.resolve("values.schema.json")));
  }

  /**
   * Refused by values.schema.json, which names the value by its JSON pointer ("at
   * '/kafka/bootstrapServers'"); {@code path} is the value's path in values.yaml.
   */
  private static Arguments refused(
      String description, Chart chart, String path, String... alsoNamed) {
    List<String> named = new ArrayList<>();
    named.add("at '" + (path.isEmpty() ? "'" : "/" + path.replace('.', '/')));
    named.addAll(List.of(alsoNamed));
    return Arguments.of(description, chart, named);
  }

  /** Refused by the chart's templates, with a message that names the value. */
  private static Arguments refusedByChart(String description, Chart chart, String message) {
    return Arguments.of(description, chart, List.of(message));
  }
}
