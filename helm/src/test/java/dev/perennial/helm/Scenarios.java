package dev.perennial.helm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.SslConfigs;
import org.junit.jupiter.params.provider.Arguments;

/** The renderings the tests check: the defaults and each option of the chart. */
final class Scenarios {

  static final String SASL_SECRET = "perennial-kafka-user";
  static final String CA_SECRET = "kafka-cluster-ca-cert";
  static final String CLIENT_SECRET = "perennial-kafka-user-tls";
  static final String REGISTRY_SECRET = "schema-registry-credentials";
  static final String REGISTRY_CA_SECRET = "schema-registry-ca";
  static final String EXISTING_CLAIM = "shared-artifacts";
  static final String STRIMZI_CLUSTER = "events";
  static final String GPU_NODE_LABEL = "nvidia.com/gpu.present";
  static final String CANARY_SECRET = "evaluator-canaries";
  static final List<String> CANARY_TENANTS = List.of("acme", "globex");

  private Scenarios() {}

  static Chart defaults() {
    return Chart.withRequiredValues();
  }

  /** The trainer workers and the evaluator on GPUs. */
  static Chart gpu() {
    Map<String, Object> gpu =
        Map.of(
            "enabled",
            true,
            "count",
            2,
            "nodeSelector",
            Map.of(GPU_NODE_LABEL, "true"),
            "runtimeClassName",
            "nvidia");
    return Chart.withRequiredValues().with("trainer.worker.gpu", gpu).with("evaluator.gpu", gpu);
  }

  /** Strimzi topics, with settings that all differ from the defaults. */
  static Chart strimziTopics() {
    return Chart.withRequiredValues()
        .with("topics.prefix", "acme.")
        .with("topics.partitions", 12)
        .with("topics.replicationFactor", 3)
        .with("topics.retentionMs", 86_400_000L)
        // Over 2^31 and over 10^6: Helm reads numbers as floats, the chart must still print digits.
        .with("topics.longRetentionMs", 31_536_000_000L)
        .with("topics.strimzi.enabled", true)
        .with("topics.strimzi.clusterName", STRIMZI_CLUSTER);
  }

  /**
   * One principal per stage: Strimzi topics as {@link #strimziTopics()}, SASL with SCRAM-SHA-512
   * over TLS, and a KafkaUser per component whose Secret the component logs in with.
   */
  static Chart stageUsers() {
    return strimziTopics()
        .with("kafka.securityProtocol", "SASL_SSL")
        .with("kafka.tls.caSecret.name", CA_SECRET)
        .with("kafka.strimziUsers.enabled", true);
  }

  static Chart existingClaim() {
    return Chart.withRequiredValues().with("artifacts.persistence.existingClaim", EXISTING_CLAIM);
  }

  /**
   * SASL over TLS with a private CA and a client certificate, registry credentials; all from
   * Secrets.
   */
  static Chart securedKafka() {
    return securedKafkaWithoutSecretConfig()
        .with(
            "secretConfig",
            Map.of(
                SslConfigs.SSL_KEY_PASSWORD_CONFIG,
                Map.of("name", CLIENT_SECRET, "key", "user.password")));
  }

  /** SASL over TLS and registry credentials, with nothing in {@code secretConfig}. */
  static Chart securedKafkaWithoutSecretConfig() {
    return Chart.withRequiredValues()
        .with("schemaRegistry.basicAuthSecret.name", REGISTRY_SECRET)
        .with("kafka.securityProtocol", "SASL_SSL")
        .with("kafka.sasl.jaasConfigSecret.name", SASL_SECRET)
        .with("kafka.tls.caSecret.name", CA_SECRET)
        .with("kafka.tls.clientSecret.name", CLIENT_SECRET);
  }

  /** Shared settings and component settings, one of them overriding a shared one. */
  static Chart componentSettings() {
    return Chart.withRequiredValues()
        .with(
            "config",
            Map.of(
                CommonClientConfigs.CLIENT_DNS_LOOKUP_CONFIG,
                "use_all_dns_ips",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                500))
        .with("trainer.worker.config", Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1))
        .with("ingest.config", Map.of(CommonClientConfigs.RECONNECT_BACKOFF_MS_CONFIG, 2_000_000));
  }

  /** Only the publisher, with most optional objects switched off or changed. */
  static Chart publisherOnly() {
    Map<String, Object> off = Map.of("enabled", false);
    return Chart.withRequiredValues()
        .with("ingest", off)
        .with("trainer.accumulator", off)
        .with("trainer.worker", off)
        .with("evaluator", off)
        .with("publisher.podDisruptionBudget.enabled", false)
        .with("publisher.replicas", 0)
        .with("serviceAccount.create", false)
        .with("serviceAccount.name", "perennial-runner")
        .with("metrics.scrapeAnnotations", false)
        .with("networkPolicy.restrictEgress", true)
        .with(
            "networkPolicy.egress",
            List.of(Map.of("ports", List.of(Map.of("port", 9092, "protocol", "TCP")))))
        .with(
            "networkPolicy.readApiFrom",
            List.of(Map.of("podSelector", Map.of("matchLabels", Map.of("app", "vllm")))))
        .with("readApi.service.type", "LoadBalancer");
  }

  /** The longest release name Helm allows (53): every resource name must be cut to 63. */
  static Chart longReleaseName() {
    return Chart.withRequiredValues()
        .release("a-release-name-of-fifty-three-characters-so-names-cut")
        .with("topics.strimzi.enabled", true)
        .with("topics.strimzi.clusterName", STRIMZI_CLUSTER);
  }

  /** Every option at once. */
  static Chart everything() {
    return securedKafka()
        .with("trainer.worker.gpu.enabled", true)
        .with("topics.strimzi.enabled", true)
        .with("topics.strimzi.clusterName", STRIMZI_CLUSTER)
        .with("artifacts.persistence.existingClaim", EXISTING_CLAIM)
        .with("secrets.pseudonymisationKey.name", "ingest-pseudonymisation")
        .with("secrets.signingKey.name", "publisher-signing")
        .with("secrets.adminToken.name", "publisher-admin")
        .with("secrets.canaries", Map.of("name", CANARY_SECRET, "tenants", CANARY_TENANTS))
        .with("trainer.worker.config", Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1))
        .with("scratch.tmpSizeLimit", "8Gi")
        .with("schemaRegistry.tls.caSecret.name", REGISTRY_CA_SECRET)
        .with("baseModels.volume", Map.of("persistentVolumeClaim", Map.of("claimName", "models")))
        .with("baseModels.folder", "llama-3.2-1b");
  }

  /** Every scenario, rendered once per test run: (name, RenderedChart). */
  static Stream<Arguments> all() {
    Map<String, Supplier<Chart>> scenarios = new LinkedHashMap<>();
    scenarios.put("defaults", Scenarios::defaults);
    scenarios.put("GPU", Scenarios::gpu);
    scenarios.put("Strimzi topics", Scenarios::strimziTopics);
    scenarios.put(
        "stage and tenant users",
        () ->
            stageUsers()
                .with("tenantTopics.enabled", true)
                .with("tenantTopics.tenants", List.of("acme", "ingest"))
                .with("tenantTopics.strimziUsers.enabled", true));
    scenarios.put("existing claim", Scenarios::existingClaim);
    scenarios.put("secured Kafka", Scenarios::securedKafka);
    scenarios.put("component settings", Scenarios::componentSettings);
    scenarios.put("publisher only", Scenarios::publisherOnly);
    scenarios.put("long release name", Scenarios::longReleaseName);
    scenarios.put("everything", Scenarios::everything);
    return scenarios.entrySet().stream()
        .map(
            scenario ->
                Arguments.of(
                    scenario.getKey(),
                    RENDERED.computeIfAbsent(
                        scenario.getKey(), name -> scenario.getValue().get().render())));
  }

  private static final Map<String, RenderedChart> RENDERED = new ConcurrentHashMap<>();
}
