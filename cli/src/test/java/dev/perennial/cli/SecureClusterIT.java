package dev.perennial.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.cli.local.LocalCluster;
import dev.perennial.cli.local.LocalPipeline;
import dev.perennial.cli.local.TopicRecords;
import dev.perennial.cli.sample.SampleEventProducer;
import dev.perennial.cli.sample.SampleEvents;
import dev.perennial.cli.sample.SamplePhase;
import dev.perennial.cli.sample.SamplePlan;
import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.embedded.EmbeddedSchemaRegistry;
import dev.perennial.core.kafka.KafkaClients;
import dev.perennial.core.kafka.StageAcls;
import dev.perennial.core.kafka.StageAcls.Stage;
import dev.perennial.core.testing.SaslSslKafkaBroker;
import dev.perennial.core.testing.TestCertificates;
import dev.perennial.model.world.World;
import dev.perennial.schemas.registry.SchemaRegistryException;
import dev.perennial.schemas.serde.AvroSerdeConfig;
import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.ReleaseAction;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 17, finding 9: every stage (ingest, the trainer's accumulator and worker, the evaluator,
 * the publisher) on a broker whose only client listener is SASL_SSL (SCRAM-SHA-512, a certificate
 * authority the test made) and on a registry that requires HTTP basic authentication. The stages
 * are given nothing but the SASL_SSL address, the test CA's trust store and the logins, through the
 * configuration keys an operator sets; one tenant's app events become a release. A plaintext
 * client, a wrong password and an anonymous registry request are refused.
 *
 * <p>The broker authorizes (KRaft's {@code StandardAuthorizer}, nothing allowed without an ACL):
 * each stage logs in as its own principal ({@code perennial-<stage>}) holding exactly the ACLs
 * {@code perennial acls} prints ({@link StageAcls}) under the topic prefix {@code secure.}, which
 * every stage's default group and application id and the worker's and the evaluator's transactional
 * ids carry too; only the test's admin, which creates the topics and ACLs and sends the apps'
 * events, is a super user. A stage's principal gets nothing beyond its ACLs: the evaluator's cannot
 * write releases.
 */
class SecureClusterIT {

  private static final Logger log = LoggerFactory.getLogger(SecureClusterIT.class);
  private static final String USER = "perennial";
  private static final Duration CATCH_UP = Duration.ofMinutes(2);

  @TempDir Path stateDir;

  @Test
  @Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void everyStageWorksThroughSaslSslAndAnAuthenticatingRegistryAndNothingElseGetsIn()
      throws Exception {
    long started = System.nanoTime();
    String kafkaPassword = TestCertificates.randomPassword();
    String registryPassword = TestCertificates.randomPassword();
    // the registry (a child JVM, the slower one) starts while the broker does
    CompletableFuture<EmbeddedSchemaRegistry> starting =
        CompletableFuture.supplyAsync(
            () ->
                EmbeddedSchemaRegistry.startWithBasicAuth(
                    EmbeddedSchemaRegistry.homeFromSystemProperty(),
                    stateDir.resolve("logs").resolve("schema-registry.log"),
                    USER,
                    registryPassword));
    Map<String, String> passwords = new HashMap<>(Map.of(USER, kafkaPassword));
    for (Stage stage : Stage.values()) {
      passwords.put(principal(stage), TestCertificates.randomPassword());
    }
    try (SaslSslKafkaBroker broker =
            SaslSslKafkaBroker.startAuthorizing(stateDir.resolve("kafka"), passwords, USER);
        EmbeddedSchemaRegistry registry = starting.get(120, TimeUnit.SECONDS)) {
      log.info("Broker and registry up after {} s", seconds(started));
      assertPlaintextAndWrongPasswordsAreRefused(broker);
      assertTheRegistryRefusesAnyoneElse(registry.url());

      Map<String, String> values = new HashMap<>(broker.clientProperties(USER));
      values.put(PerennialConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url());
      values.put(
          AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG,
          AvroSerdeConfig.CREDENTIALS_FROM_USER_INFO);
      values.put(AvroSerdeConfig.BASIC_AUTH_USER_INFO_CONFIG, USER + ":" + registryPassword);
      values.putAll(smallJobAndOpenGates());
      // not the default prefix: the stages name their groups, application ids and the worker's and
      // the evaluator's transactional ids under it
      values.put(PerennialConfig.TOPIC_PREFIX_CONFIG, "secure.");
      StringWriter console = new StringWriter();
      SampleEvents events =
          SampleEvents.generate(
              World.standard(),
              new SamplePlan(
                  List.of("acme"),
                  2,
                  16,
                  0.0,
                  SamplePlan.DEFAULT_MAX_TEXT_BYTES,
                  SamplePlan.DEFAULT_SEED));

      Map<Stage, Map<String, String>> stageValues = new EnumMap<>(Stage.class);
      for (Stage stage : Stage.values()) {
        stageValues.put(stage, broker.clientProperties(principal(stage)));
      }
      try (LocalCluster cluster = LocalCluster.on(values, stageValues, stateDir);
          LocalPipeline pipeline = LocalPipeline.standard(stateDir, List.of("acme"))) {
        long aclsStarted = System.nanoTime();
        List<AclBinding> acls = new ArrayList<>();
        for (StageAcls stage : AclsCommand.of(cluster.values())) {
          acls.addAll(stage.bindings("User:" + principal(stage.stage())));
        }
        // every stage's group (a Streams stage's application id) is under the prefix too, so the
        // stages below, keeping the default ids, run under them or the broker refuses them
        assertThat(acls)
            .filteredOn(acl -> acl.pattern().resourceType() == ResourceType.GROUP)
            .extracting(acl -> acl.pattern().name())
            .containsOnly(
                "secure.ingest",
                "secure.trainer-accumulator",
                "secure.trainer-worker",
                "secure.evaluator",
                "secure.publisher");
        cluster.admin().createAcls(acls).all().get(30, TimeUnit.SECONDS);
        assertTheEvaluatorCannotWriteReleases(broker, cluster);
        log.info(
            "{} ACLs created and checked in {} ms",
            acls.size(),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - aclsStarted));
        pipeline.start(cluster, new PrintWriter(console, true));
        try (SampleEventProducer producer =
            new SampleEventProducer(
                KafkaClients.producer(cluster.config(), "secure-cluster-it"), cluster.topics())) {
          producer.sendAll(events.records(SamplePhase.CONSENT));
          pipeline.awaitAppEventsRead(CATCH_UP);
          producer.sendAll(events.records(SamplePhase.EVENTS));
        }
        log.info("Stages started and events sent after {} s", seconds(started));

        assertThat(awaitReleases(cluster))
            .as("releases; the stages said:%n%s", console)
            .singleElement()
            .satisfies(
                release -> {
                  assertThat(release.getAdapterKey()).isEqualTo("acme/support");
                  assertThat(release.getAction()).isEqualTo(ReleaseAction.PUBLISHED);
                  assertThat(release.getAliases()).containsEntry("stable", 1);
                });
        log.info("Released after {} s", seconds(started));
      }
    } finally {
      starting.thenAccept(EmbeddedSchemaRegistry::close);
    }
  }

  /** The release records, once the publisher has written one (the stages are not waited for). */
  private static List<AdapterRelease> awaitReleases(LocalCluster cluster)
      throws InterruptedException {
    long deadline = System.nanoTime() + CATCH_UP.toNanos();
    List<AdapterRelease> releases = List.of();
    while (releases.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(250);
      releases =
          TopicRecords.readAll(cluster.config().clientProperties(), cluster.topics().releases())
              .stream()
              .map(ConsumerRecord::value)
              .toList();
    }
    return releases;
  }

  /** Each stage's own principal, as {@code perennial acls} names them by default. */
  private static String principal(Stage stage) {
    return "perennial-" + stage.id();
  }

  /**
   * The evaluator's principal reads releases but may not write them (the publisher is their one
   * writer): the broker authorizes, and a stage's principal has no more than its ACLs.
   */
  private static void assertTheEvaluatorCannotWriteReleases(
      SaslSslKafkaBroker broker, LocalCluster cluster) {
    Map<String, Object> properties =
        new HashMap<>(broker.clientProperties(principal(Stage.EVALUATOR)));
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer())) {
      String releases = cluster.topics().releases().name();
      assertThatThrownBy(() -> producer.send(new ProducerRecord<>(releases, "k", "v")).get())
          .as("the evaluator writing %s", releases)
          .hasCauseInstanceOf(TopicAuthorizationException.class);
    }
  }

  private static long seconds(long since) {
    return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - since);
  }

  /**
   * One job per key after the local maximum wait, one short training step without replay, a small
   * retention suite, and gates that let any candidate through: this test is about the connections,
   * not about what the adapter learns.
   */
  private static Map<String, String> smallJobAndOpenGates() {
    return Map.ofEntries(
        Map.entry("perennial.trainer.trigger.min.examples", "100000"),
        Map.entry("perennial.trainer.recipe.max.steps", "1"),
        Map.entry("perennial.trainer.replay.fraction", "0"),
        Map.entry("perennial.trainer.replay.pool.size", "1"),
        Map.entry("perennial.trainer.recipe.max.sequence.length", "64"),
        Map.entry("perennial.evaluator.retention.general.size", "2"),
        // one tenant: no leakage gate applies; 63 controls and a threshold below their 6 bits
        Map.entry("perennial.evaluator.leakage.controls", "63"),
        // its own canaries, reported and never gated, unranked: nothing here reads their exposure,
        // and their rankings are 3 x 64 rows per candidate
        Map.entry("perennial.evaluator.leakage.rank.own.canaries", "false"),
        Map.entry("perennial.evaluator.gate.leakage.max.exposure", "5"),
        Map.entry("perennial.evaluator.gate.bootstrap.resamples", "100"),
        Map.entry("perennial.evaluator.gate.learning.min.examples", "1"),
        Map.entry("perennial.evaluator.gate.bootstrap.min.items", "1"),
        // about security, not learning: on 5 examples no learning interval is bounded
        Map.entry("perennial.evaluator.gate.learning.enabled", "false"),
        Map.entry("perennial.evaluator.gate.retention.max.drop", "1"),
        Map.entry("perennial.evaluator.gate.feedback.min.pairs", "1000000"));
  }

  /** The SASL_SSL address answers nobody who speaks plaintext or brings a wrong password. */
  private static void assertPlaintextAndWrongPasswordsAreRefused(SaslSslKafkaBroker broker) {
    Map<String, Object> plaintext = new HashMap<>();
    plaintext.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    plaintext.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 1000);
    plaintext.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 500);
    assertThatThrownBy(() -> listTopics(plaintext))
        .as("a PLAINTEXT client of the SASL_SSL listener")
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(TimeoutException.class);

    Map<String, Object> wrongPassword =
        new HashMap<>(broker.clientProperties(USER, "not-" + USER + "-password"));
    assertThatThrownBy(() -> listTopics(wrongPassword))
        .as("a wrong SCRAM password")
        .hasCauseInstanceOf(SaslAuthenticationException.class);
  }

  private static void listTopics(Map<String, Object> properties) throws Exception {
    try (Admin admin = Admin.create(properties)) {
      admin.listTopics().names().get(30, TimeUnit.SECONDS);
    }
  }

  /** Without credentials, or with wrong ones, the registry answers 401. */
  private static void assertTheRegistryRefusesAnyoneElse(String url) throws Exception {
    HttpResponse<String> anonymous =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url + "/subjects")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).as("an anonymous request").isEqualTo(401);

    AvroSerdeConfig wrongPassword =
        new AvroSerdeConfig(
            Map.of(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG,
                url,
                AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG,
                AvroSerdeConfig.CREDENTIALS_FROM_USER_INFO,
                AvroSerdeConfig.BASIC_AUTH_USER_INFO_CONFIG,
                USER + ":wrong"));
    assertThatThrownBy(() -> wrongPassword.newRegistryClient().latestVersion("any-subject"))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            refused -> assertThat(refused.httpStatus()).isEqualTo(401));
  }
}
