package dev.perennial.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.service.ServiceProcess;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.core.testing.KafkaClusterExtension;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.core.testing.TestConfig;
import dev.perennial.publisher.audit.AuditEvents;
import dev.perennial.publisher.config.PublisherConfig;
import dev.perennial.publisher.manifest.Json;
import dev.perennial.publisher.publish.Decision;
import dev.perennial.publisher.service.PublisherServer;
import dev.perennial.publisher.sign.SigningKey;
import dev.perennial.publisher.testing.TestVerdicts;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.release.ReleaseView;
import dev.perennial.schemas.release.StableRelease;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.schemas.v1.AuditEvent;
import dev.perennial.schemas.v1.AuditStage;
import dev.perennial.schemas.v1.EvaluationVerdict;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The release commands against a running publisher on the real broker and registry. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReleasesCommandIT {

  @RegisterExtension static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();
  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  private static final AdapterKey KEY = AdapterKey.parse("acme/support");
  private static final String TOKEN = "admin-s3cret";

  @TempDir Path folder;

  private ServiceProcess<PublisherServer> publisher;
  private TopicCatalog catalog;
  private Path configFile;
  private Path releases;
  private Path publicKey;
  private String url;

  private record Run(int exitCode, String out, String err) {}

  private Run run(String... args) {
    PerennialConsole console = new PerennialConsole();
    int exitCode = console.run(args);
    return new Run(exitCode, console.out(), console.err());
  }

  @BeforeEach
  void startPublisherWithTwoCanaryReleases() throws Exception {
    catalog = KAFKA.provisionCatalog();
    LocalArtifactStore store = new LocalArtifactStore(folder.resolve("artifacts"));
    releases = folder.resolve("releases");
    Map<String, String> values = new HashMap<>(TestConfig.values(KAFKA, REGISTRY));
    values.put(PerennialConfig.TOPIC_PREFIX_CONFIG, catalog.topicPrefix());
    values.put(PerennialConfig.TOPIC_PARTITIONS_CONFIG, "2");
    values.put(PerennialConfig.ARTIFACT_STORE_PATH_CONFIG, store.root().toString());
    values.put(PublisherConfig.RELEASE_PATH_CONFIG, releases.toString());
    Properties file = new Properties();
    file.putAll(values);
    configFile = folder.resolve("perennial.properties");
    try (var writer = Files.newBufferedWriter(configFile)) {
      file.store(writer, null);
    }

    values.put(PerennialConfig.HTTP_HOST_CONFIG, "127.0.0.1");
    values.put(PerennialConfig.HTTP_PORT_CONFIG, "0");
    values.put(PublisherConfig.API_PORT_CONFIG, "0");
    SigningKey signingKey = SigningKey.generate();
    publicKey = Files.writeString(folder.resolve("public-key.pem"), signingKey.publicKeyPem());
    values.put(PublisherConfig.SIGNING_KEY_CONFIG, signingKey.privateKeyPem());
    values.put(PublisherConfig.ADMIN_TOKEN_CONFIG, TOKEN);
    values.put(PublisherConfig.AUTO_PROMOTE_CONFIG, "false");
    PublisherConfig config = PublisherConfig.of(values);
    publisher =
        ServiceProcess.start(
            PublisherServer.SERVICE_NAME,
            config,
            metrics -> PublisherServer.start(config, metrics.registry()));
    url = "http://127.0.0.1:" + publisher.httpPort();
    CountDownLatch published = new CountDownLatch(2);
    publisher
        .service()
        .service()
        .onDecision(
            decision -> {
              if (decision.outcome() == Decision.Outcome.PUBLISHED) {
                published.countDown();
              }
            });

    Topics topics = Topics.create(catalog, Map.of("schema.registry.url", REGISTRY.url()));
    EvaluationVerdict first =
        TestVerdicts.passed(TestVerdicts.candidate(store, KEY.toString(), "cand-1", null));
    EvaluationVerdict second =
        TestVerdicts.passed(TestVerdicts.candidate(store, KEY.toString(), "cand-2", 1));
    KAFKA.produce(
        topics.verdicts().name(),
        topics.verdicts().keySerde().serializer(),
        topics.verdicts().valueSerde().serializer(),
        List.of(KeyValue.pair(KEY.toString(), first), KeyValue.pair(KEY.toString(), second)));
    assertThat(published.await(30, TimeUnit.SECONDS)).as("two releases published").isTrue();
    assertThat(publisher.service().service().registry().get(KEY).latestVersion()).isEqualTo(2);
  }

  @AfterEach
  void stopPublisher() {
    publisher.close();
  }

  /** {@code releases verify} with the publisher's public key pinned. */
  private Run verify(String... args) {
    List<String> command = new ArrayList<>(List.of("releases", "verify"));
    command.addAll(List.of(args));
    command.addAll(List.of("--public-key", publicKey.toString()));
    return run(command.toArray(String[]::new));
  }

  private Run move(String action, String version, String reason) {
    return run(
        "releases",
        action,
        KEY.toString(),
        version,
        "--actor",
        "alice",
        "--reason",
        reason,
        "--url",
        url,
        "--token",
        TOKEN);
  }

  @Test
  void listShowPromoteAndRollBackGoThroughTheRunningPublisher() {
    Run list = run("releases", "list", "--config", configFile.toString());
    Run promote = move("promote", "2", "canary looked good");
    Run rollback = move("rollback", "v1", "latency regression");
    Run refused = move("rollback", "2", "not older");
    Run show = run("releases", "show", KEY.toString(), "stable", "--config", configFile.toString());
    Run noToken =
        run(
            "releases",
            "promote",
            KEY.toString(),
            "2",
            "--reason",
            "x",
            "--url",
            url,
            "--token",
            "");

    assertThat(list.exitCode()).as(list.err()).isZero();
    assertThat(list.out())
        .containsPattern("acme/support +v2 +perennial-tiny-llama +canary +published")
        .containsPattern("acme/support +v1 +perennial-tiny-llama +- +published")
        .contains("leakage 0.400 ok");
    assertThat(promote.exitCode()).as(promote.err()).isZero();
    assertThat(promote.out()).startsWith("acme/support stable -> v2 (promoted by alice");
    assertThat(rollback.exitCode()).as(rollback.err()).isZero();
    assertThat(rollback.out()).contains("acme/support stable -> v1 (rolled back by alice");
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err())
        .contains("The publisher refused (HTTP 409)")
        .contains("a rollback goes to an older version");
    assertThat(show.exitCode()).as(show.err()).isZero();
    assertThat(show.out())
        .startsWith("acme/support v1\n")
        .contains("folder    " + releases.toAbsolutePath().resolve("acme/support/v1"))
        .contains("\"candidateId\" : \"cand-1\"");
    // this configuration pins no key: the warning is no part of what show prints
    assertThat(show.err()).contains("Manifests not checked");
    assertThat(noToken.exitCode()).isEqualTo(1);
    assertThat(noToken.err()).contains("HTTP 401");
  }

  @Test
  void retractWithdrawsAReleaseForGoodAsAnErasureDoesAndRefusesWhatItCannotDo() throws Exception {
    Run promote = move("promote", "2", "canary looked good");
    Run retract = retract("2", TOKEN);
    Run again = retract("2", TOKEN);
    Run unknown = retract("9", TOKEN);
    Run wrongToken = retract("1", "guess");
    HttpResponse<String> stable = get("/v1/adapters/acme/support/stable");
    HttpResponse<String> retracted = get("/v1/adapters/acme/support/versions/2");
    Run verified = verify("--release-path", releases.toString());

    assertThat(promote.exitCode()).as(promote.err()).isZero();
    assertThat(retract.exitCode()).as(retract.err()).isZero();
    assertThat(retract.out())
        .isEqualTo(
            "acme/support v2 retracted (by alice: harmful answers); its weights are purged;"
                + " aliases now {\"canary\":1,\"stable\":1}\n");
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err())
        .contains("The publisher refused (HTTP 409)")
        .contains("acme/support v2 is retracted already");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err())
        .contains("The publisher refused (HTTP 404)")
        .contains("acme/support has no published v9 (latest is v2)");
    assertThat(wrongToken.exitCode()).isEqualTo(1);
    assertThat(wrongToken.err()).contains("HTTP 401");
    // the read API serves the fallback, and shows v2 retracted with its weights gone
    assertThat(Json.MAPPER.readTree(stable.body()).path("version").intValue()).isEqualTo(1);
    JsonNode v2 = Json.MAPPER.readTree(retracted.body());
    assertThat(v2.path("retracted").booleanValue()).isTrue();
    assertThat(v2.path("purged").booleanValue()).isTrue();
    assertThat(v2.path("retraction").textValue()).isEqualTo("retracted by alice: harmful answers");
    Path folderOfV2 = releases.resolve("acme/support/v2");
    assertThat(folderOfV2.resolve("adapter_model.safetensors")).doesNotExist();
    assertThat(folderOfV2.resolve("manifest.json")).exists();
    assertThat(folderOfV2.resolve("purged.json")).exists();
    assertThat(verified.exitCode()).as(verified.out() + verified.err()).isZero();
    // what the trainer worker and the evaluator read from releases.v1: v1 is the stable release
    // to continue from and compare with, never the retracted v2
    Topics topics = Topics.create(catalog, Map.of("schema.registry.url", REGISTRY.url()));
    Map<String, Object> properties = KAFKA.clientProperties();
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (ReleaseView view =
        new ReleaseView(properties, topics.releases(), Duration.ofSeconds(30))) {
      view.refresh();
      assertThat(view.stable(KEY.toString())).map(StableRelease::version).hasValue(1);
      assertThat(view.latest(KEY.toString()).orElseThrow().getRetractedVersions())
          .containsExactly(2);
    }
    assertThat(auditEvents(topics))
        .filteredOn(event -> event.getAction().equals(AuditEvents.RELEASE_RETRACTED))
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.getStage()).isEqualTo(AuditStage.OPERATOR);
              assertThat(event.getActor()).isEqualTo("alice");
              assertThat(event.getReason()).startsWith("retracted by alice: harmful answers");
              assertThat(event.getDetails())
                  .containsEntry("weightsPurged", "adapter_model.safetensors");
            });
  }

  private Run retract(String version, String token) {
    return run(
        "releases",
        "retract",
        KEY.toString(),
        version,
        "--actor",
        "alice",
        "--reason",
        "harmful answers",
        "--url",
        url,
        "--token",
        token);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /** Every committed record of audit.v1 so far. */
  private List<AuditEvent> auditEvents(Topics topics) {
    Map<String, Object> properties = KAFKA.clientProperties();
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<AuditEvent> events = new ArrayList<>();
    try (KafkaConsumer<String, AuditEvent> consumer =
        new KafkaConsumer<>(
            properties,
            topics.audit().keySerde().deserializer(),
            topics.audit().valueSerde().deserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topics.audit().name()).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        consumer.poll(Duration.ofMillis(100)).forEach(record -> events.add(record.value()));
      }
    }
    return events;
  }

  @Test
  void verifyPassesUntouchedReleasesAndNamesATamperedFile() throws Exception {
    Run clean = verify("--release-path", releases.toString());
    Path weights = releases.resolve("acme/support/v2/adapter_model.safetensors");
    byte[] bytes = Files.readAllBytes(weights);
    bytes[0] ^= 1;
    Files.write(weights, bytes);
    Run tampered = verify(KEY.toString(), "2", "--release-path", releases.toString());

    assertThat(clean.exitCode()).as(clean.out() + clean.err()).isZero();
    assertThat(clean.out())
        .contains("OK      acme/support v1")
        .contains("OK      acme/support v2")
        .endsWith("2 releases verified, 0 failed\n");
    assertThat(tampered.exitCode()).isEqualTo(1);
    assertThat(tampered.out())
        .contains("FAILED  acme/support v2")
        .contains("adapter_model.safetensors: digest sha256:")
        .contains("(the file was changed)")
        .endsWith("1 release verified, 1 failed\n");
  }

  @Test
  void verifyFailsNamingEveryFolderThatHoldsNoReleaseOfAValidKey() throws Exception {
    // as an area written before keys was reserved holds a tenant named keys
    Files.createDirectories(releases.resolve("keys/default/v1"));
    Files.createDirectories(releases.resolve("Upper/default/v1"));

    Run run = verify("--release-path", releases.toString());

    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
    assertThat(run.out())
        .contains("OK      acme/support v1")
        .contains("OK      acme/support v2")
        .contains("STRAY   Upper: not a valid tenant name")
        .contains("STRAY   keys/default: a folder among the area's public keys")
        .endsWith("2 releases verified, 0 failed, 2 stray (no release of a valid key)\n");
  }

  @Test
  void verifyTrustsNoKeyTheReleaseAreaPublishes() throws Exception {
    Run unpinned = run("releases", "verify", "--release-path", releases.toString());

    assertThat(unpinned.exitCode()).isNotZero();
    assertThat(unpinned.err()).contains("No key to trust: pass --public-key FILE");
  }
}
