package dev.perennial.ingest.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.core.config.MasterKeySettings;
import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.StageAcls;
import dev.perennial.core.kafka.TenantTopics;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.kafka.TopicProvisioner;
import dev.perennial.core.kafka.TopicReader;
import dev.perennial.core.kafka.TopicSpec;
import dev.perennial.core.service.ServiceProcess;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.core.testing.TestConfig;
import dev.perennial.ingest.app.IngestService;
import dev.perennial.ingest.config.IngestConfig;
import dev.perennial.schemas.topic.Topic;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.schemas.v1.ConsentChange;
import dev.perennial.schemas.v1.Document;
import dev.perennial.schemas.v1.RejectReason;
import dev.perennial.schemas.v1.RejectedRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tenants bound to their own input topics on a broker that authenticates (SASL/PLAIN) and
 * authorizes (KRaft's StandardAuthorizer, nothing allowed without an ACL): each tenant's principal
 * may write only under {@code perennial.in.<tenant>.}, ingest runs with exactly the ACLs {@code
 * perennial acls} lists, a tenant's producer cannot write another tenant's topic at all, and what
 * it writes into its own topic naming another tenant is rejected as a tenant mismatch.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TenantBindingIT {

  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  private static final String PREFIX = "perennial.";
  private static final String APPLICATION_ID = "perennial-ingest";
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Map<String, String> PASSWORDS =
      Map.of(
          "plain-admin", "plain-admin-secret",
          "acme", "acme-secret",
          "globex", "globex-secret",
          "perennial-ingest", "ingest-secret");

  @TempDir static Path folder;

  private static KafkaClusterTestKit cluster;
  private static TopicCatalog catalog;

  @BeforeAll
  static void startAuthorizingBroker() throws Exception {
    StringBuilder users = new StringBuilder();
    PASSWORDS.forEach((user, password) -> users.append(" user_" + user + "=\"" + password + "\""));
    TestKitNodes nodes =
        new TestKitNodes.Builder()
            .setCombined(true)
            .setNumBrokerNodes(1)
            .setNumControllerNodes(1)
            .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
            .setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
            .setControllerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
            .setBaseDirectory(Files.createTempDirectory(folder, "broker"))
            .build();
    cluster =
        new KafkaClusterTestKit.Builder(nodes)
            .setConfigProp("offsets.topic.replication.factor", "1")
            .setConfigProp("transaction.state.log.replication.factor", "1")
            .setConfigProp("transaction.state.log.min.isr", "1")
            .setConfigProp("group.initial.rebalance.delay.ms", "0")
            .setConfigProp("auto.create.topics.enable", "false")
            // The kit knows two users; the broker's own JAAS section for its listener adds ours.
            .setConfigProp(
                "listener.name.external.plain.sasl.jaas.config",
                plainLogin("plain-admin").replace(";", users + ";"))
            .build();
    cluster.format();
    cluster.startup();
    cluster.waitForReadyBrokers();
    catalog = new TopicCatalog(PREFIX, 2, (short) 1, 86_400_000L, -1L);
    try (Admin admin = Admin.create(client("plain-admin"))) {
      List<TopicSpec> topics = new ArrayList<>(catalog.specs());
      for (String tenant : List.of("acme", "globex")) {
        for (PerennialTopic input : TenantTopics.INPUTS) {
          topics.add(
              new TopicSpec(
                  TenantTopics.name(PREFIX, tenant, input),
                  2,
                  (short) 1,
                  catalog.spec(input).configs()));
        }
      }
      new TopicProvisioner(admin).provision(topics);
      admin.createAcls(acls()).all().get(30, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  /**
   * Each tenant writes its own prefix; ingest has {@link StageAcls#ingest} with per-tenant inputs:
   * it reads them and writes its outputs.
   */
  private static List<AclBinding> acls() {
    List<AclBinding> acls = new ArrayList<>();
    for (String tenant : List.of("acme", "globex")) {
      allow(
          acls,
          tenant,
          ResourceType.TOPIC,
          TenantTopics.aclPrefix(PREFIX, tenant),
          PatternType.PREFIXED,
          AclOperation.WRITE,
          AclOperation.DESCRIBE);
    }
    // ingest's own, from the one list of every stage's ACLs (what perennial acls prints)
    acls.addAll(StageAcls.ingest(PREFIX, true, APPLICATION_ID).bindings("User:perennial-ingest"));
    return acls;
  }

  private static void allow(
      List<AclBinding> acls,
      String user,
      ResourceType type,
      String name,
      PatternType pattern,
      AclOperation... operations) {
    for (AclOperation operation : operations) {
      acls.add(
          new AclBinding(
              new ResourcePattern(type, name, pattern),
              new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW)));
    }
  }

  @Test
  void aTenantWritesOnlyItsOwnTopicsAndAnEventNamingAnotherTenantIsRejectedAsAMismatch()
      throws Exception {
    Map<String, String> values = new HashMap<>();
    values.put(PerennialConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    values.put(PerennialConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url());
    values.put(PerennialConfig.TOPIC_PREFIX_CONFIG, PREFIX);
    values.put(PerennialConfig.TOPIC_PARTITIONS_CONFIG, "2");
    values.put(PerennialConfig.TOPIC_REPLICATION_FACTOR_CONFIG, "1");
    values.put(PerennialConfig.TOPIC_RETENTION_MS_CONFIG, "86400000");
    values.put(PerennialConfig.HTTP_PORT_CONFIG, "0");
    values.put(IngestConfig.PSEUDONYM_SECRET_CONFIG, "tenant-binding-test-secret-0123456789");
    values.put(MasterKeySettings.MASTER_KEYS_CONFIG, TestConfig.MASTER_KEYS);
    values.put(IngestConfig.INPUT_TOPICS_CONFIG, "per-tenant");
    values.put(IngestConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
    values.put("state.dir", folder.resolve("streams").toString());
    values.put("metadata.max.age.ms", "1000");
    client("perennial-ingest").forEach((key, value) -> values.put(key, value.toString()));
    IngestConfig config = new IngestConfig(values);
    Topics topics = Topics.create(catalog, config.clientProperties());

    try (ServiceProcess<IngestService> ingest =
            ServiceProcess.start(
                "ingest", config, metrics -> IngestService.start(config, metrics));
        KafkaProducer<String, byte[]> acme = producer("acme");
        KafkaProducer<String, byte[]> globex = producer("globex")) {
      assertThat(ingest.service().awaitRunning(TIMEOUT))
          .as("ingest RUNNING under its ACLs")
          .isTrue();
      send(
          acme,
          topics.consent(),
          tenantTopic("acme", PerennialTopic.CONSENT),
          "acme/alice",
          grant("acme", "alice"));
      send(
          acme,
          topics.documents(),
          tenantTopic("acme", PerennialTopic.DOCUMENTS),
          "acme/alice",
          document("acme", "alice", "acme-1"));

      // the broker refuses globex's producer on acme's topic
      assertThatThrownBy(
              () ->
                  send(
                      globex,
                      topics.documents(),
                      tenantTopic("acme", PerennialTopic.DOCUMENTS),
                      "acme/alice",
                      document("acme", "alice", "injected-1")))
          .satisfies(
              refused ->
                  assertThat(causes(refused))
                      .hasAtLeastOneElementOfType(TopicAuthorizationException.class));
      // in its own topic, globex names acme: rejected by ingest, and so is a revocation for acme
      send(
          globex,
          topics.documents(),
          tenantTopic("globex", PerennialTopic.DOCUMENTS),
          "acme/alice",
          document("acme", "alice", "injected-2"));
      ConsentChange revoke =
          ConsentChange.newBuilder(grant("acme", "alice")).setGranted(false).build();
      send(
          globex,
          topics.consent(),
          tenantTopic("globex", PerennialTopic.CONSENT),
          "acme/alice",
          revoke);

      List<RejectedRecord> rejected = awaitRecords(topics.rejected(), 2);
      assertThat(rejected)
          .allSatisfy(
              rejection -> {
                assertThat(rejection.getReason()).isEqualTo(RejectReason.INVALID_FIELD);
                assertThat(rejection.getDetail())
                    .startsWith("tenant mismatch:")
                    .contains("tenant globex's topic");
                assertThat(rejection.getTenant()).isEqualTo("globex");
              });
      assertThat(awaitRecords(topics.examples(), 1))
          .singleElement()
          .satisfies(example -> assertThat(example.getEventId()).isEqualTo("acme-1"));
      assertThat(read(topics.erasures())).isEmpty();
    }
  }

  private static List<Throwable> causes(Throwable throwable) {
    List<Throwable> causes = new ArrayList<>();
    for (Throwable t = throwable; t != null && !causes.contains(t); t = t.getCause()) {
      causes.add(t);
    }
    return causes;
  }

  private static String tenantTopic(String tenant, PerennialTopic topic) {
    return TenantTopics.name(PREFIX, tenant, topic);
  }

  private static <V> List<V> awaitRecords(Topic<String, V> topic, int count) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    List<V> records = read(topic);
    while (records.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(200);
      records = read(topic);
    }
    return records;
  }

  private static <V> List<V> read(Topic<String, V> topic) {
    return TopicReader.readAll(
        client("plain-admin"),
        topic.name(),
        topic.keySerde().deserializer(),
        topic.valueSerde().deserializer(),
        TIMEOUT);
  }

  private static <V> void send(
      KafkaProducer<String, byte[]> producer,
      Topic<String, V> like,
      String topic,
      String key,
      V value)
      throws InterruptedException, ExecutionException {
    producer
        .send(
            new ProducerRecord<>(
                topic, key, like.valueSerde().serializer().serialize(topic, value)))
        .get();
  }

  private static KafkaProducer<String, byte[]> producer(String user) {
    Map<String, Object> properties = client(user);
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
    properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    return new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer());
  }

  /** A client of the SASL listener, authenticated as {@code user}. */
  private static Map<String, Object> client(String user) {
    Map<String, Object> properties = new HashMap<>();
    properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    properties.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
    properties.put(SaslConfigs.SASL_MECHANISM, "PLAIN");
    properties.put(SaslConfigs.SASL_JAAS_CONFIG, plainLogin(user));
    return properties;
  }

  private static String plainLogin(String user) {
    return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
        + user
        + "\" password=\""
        + PASSWORDS.get(user)
        + "\";";
  }

  private static ConsentChange grant(String tenant, String subject) {
    return ConsentChange.newBuilder()
        .setTenant(tenant)
        .setSubject(subject)
        .setPurpose(IngestConfig.TRAINING_PURPOSE_DEFAULT)
        .setGranted(true)
        .setChangedAt(Instant.now())
        .setSource("test")
        .build();
  }

  private static Document document(String tenant, String subject, String eventId) {
    return Document.newBuilder()
        .setEventId(eventId)
        .setTenant(tenant)
        .setSubject(subject)
        .setSource("test")
        .setContent("Written by " + eventId + ".")
        .setContentType("text/plain")
        .setOccurredAt(Instant.now())
        .build();
  }
}
