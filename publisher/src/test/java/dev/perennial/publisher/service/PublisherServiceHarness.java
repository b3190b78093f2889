package dev.perennial.publisher.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.kafka.TopicReader;
import dev.perennial.core.service.ServiceProcess;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.core.testing.KafkaClusterExtension;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.core.testing.TestConfig;
import dev.perennial.publisher.audit.AuditEvents;
import dev.perennial.publisher.config.PublisherConfig;
import dev.perennial.publisher.sign.ReleaseVerifier;
import dev.perennial.publisher.sign.SigningKey;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.topic.Topic;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.schemas.v1.AuditEvent;
import dev.perennial.schemas.v1.EvaluationVerdict;
import dev.perennial.schemas.v1.JobGivenUp;
import dev.perennial.schemas.v1.TrainingJob;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the publisher's ITs share: the real broker and registry, a fresh topic catalog, artifact
 * store and release folder per test, publishers started with overrides and stopped after each test,
 * and the reads, sends and HTTP calls the tests make.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class PublisherServiceHarness {

  @RegisterExtension static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();
  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  static final Duration TIMEOUT = Duration.ofSeconds(30);
  static final AdapterKey KEY = AdapterKey.parse("acme/support");

  @TempDir Path folder;

  final HttpClient http = HttpClient.newHttpClient();
  final SigningKey signingKey = SigningKey.generate();
  final List<ServiceProcess<PublisherServer>> servers = new ArrayList<>();
  TopicCatalog catalog;
  Topics topics;
  LocalArtifactStore store;

  @BeforeEach
  void provision() {
    catalog = KAFKA.provisionCatalog();
    topics = Topics.create(catalog, Map.of("schema.registry.url", REGISTRY.url()));
    store = new LocalArtifactStore(folder.resolve("artifacts"));
  }

  @AfterEach
  void stop() {
    servers.forEach(ServiceProcess::close);
  }

  ServiceProcess<PublisherServer> start(Map<String, String> overrides) {
    PublisherConfig config = config(overrides);
    ServiceProcess<PublisherServer> server =
        ServiceProcess.start(
            PublisherServer.SERVICE_NAME,
            config,
            metrics -> PublisherServer.start(config, metrics.registry()));
    servers.add(server);
    return server;
  }

  PublisherConfig config(Map<String, String> overrides) {
    Map<String, String> values = TestConfig.values(KAFKA, REGISTRY);
    values.put(PerennialConfig.TOPIC_PREFIX_CONFIG, catalog.topicPrefix());
    values.put(PerennialConfig.TOPIC_PARTITIONS_CONFIG, "2");
    values.put(PerennialConfig.ARTIFACT_STORE_PATH_CONFIG, store.root().toString());
    values.put(PerennialConfig.HTTP_HOST_CONFIG, "127.0.0.1");
    values.put(PerennialConfig.HTTP_PORT_CONFIG, "0");
    values.put(PublisherConfig.API_PORT_CONFIG, "0");
    values.put(PublisherConfig.RELEASE_PATH_CONFIG, folder.resolve("releases").toString());
    values.put(PublisherConfig.SIGNING_KEY_CONFIG, signingKey.privateKeyPem());
    values.putAll(overrides);
    return PublisherConfig.of(values);
  }

  void send(EvaluationVerdict... verdicts) {
    List<KeyValue<String, EvaluationVerdict>> records = new ArrayList<>();
    for (EvaluationVerdict verdict : verdicts) {
      records.add(KeyValue.pair(verdict.getAdapterKey(), verdict));
    }
    KAFKA.produce(
        topics.verdicts().name(),
        topics.verdicts().keySerde().serializer(),
        topics.verdicts().valueSerde().serializer(),
        records);
  }

  void send(TrainingJob job) {
    KAFKA.produce(
        topics.trainingJobs().name(),
        topics.trainingJobs().keySerde().serializer(),
        topics.trainingJobs().valueSerde().serializer(),
        List.of(KeyValue.pair(job.getAdapterKey(), job)));
  }

  /** What the worker writes when it gives a job up. */
  void send(JobGivenUp givenUp) {
    KAFKA.produce(
        topics.jobOutcomes().name(),
        topics.jobOutcomes().keySerde().serializer(),
        topics.jobOutcomes().valueSerde().serializer(),
        List.of(KeyValue.pair(givenUp.getAdapterKey(), givenUp)));
  }

  /** Every committed record of the topic, once {@code until} holds for them (or the timeout). */
  <V extends SpecificRecord> List<V> read(Topic<String, V> topic, Predicate<List<V>> until)
      throws InterruptedException {
    return read(topic, until, TIMEOUT);
  }

  /** Every committed record of the topic, once {@code until} holds for them (or {@code limit}). */
  <V extends SpecificRecord> List<V> read(
      Topic<String, V> topic, Predicate<List<V>> until, Duration limit)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    List<V> values = readAll(topic);
    while (!until.test(values) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      values = readAll(topic);
    }
    assertThat(until).as("records of %s: %s", topic.name(), values).accepts(values);
    return values;
  }

  <V extends SpecificRecord> List<V> readAll(Topic<String, V> topic) {
    List<V> values =
        new ArrayList<>(
            TopicReader.readAll(
                KAFKA.clientProperties(),
                topic.name(),
                topic.keySerde().deserializer(),
                topic.valueSerde().deserializer(),
                TIMEOUT));
    values.sort(Comparator.comparing(Object::toString));
    return values;
  }

  /** Waits until {@code condition} holds (or the timeout), then asserts it. */
  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(condition.getAsBoolean()).as(what).isTrue();
  }

  static Predicate<List<AuditEvent>> hasAudits(String action, int count) {
    return audits -> audits.stream().filter(a -> a.getAction().equals(action)).count() >= count;
  }

  /** What {@code releases verify} finds wrong with acme/support's release folder of a version. */
  List<String> verificationProblems(ServiceProcess<PublisherServer> server, int version) {
    return ReleaseVerifier.withPublishedKeys(server.service().service().area())
        .verify(folder.resolve("releases/acme/support/v" + version), KEY, version)
        .problems();
  }

  /** A GET on the read API's port (what serving stacks reach). */
  HttpResponse<String> get(ServiceProcess<PublisherServer> server, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.service().apiPort() + path))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A GET on the health and admin port. */
  HttpResponse<String> getAdmin(ServiceProcess<PublisherServer> server, String path)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A POST on the admin port, or on the read API's port when {@code port} says so. */
  HttpResponse<String> post(ServiceProcess<PublisherServer> server, String path, String body)
      throws Exception {
    return post(server.httpPort(), path, body);
  }

  HttpResponse<String> post(int port, String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static long committedOffsetsQuietly(String groupId) {
    try {
      return committedOffsets(groupId);
    } catch (Exception e) {
      throw new IllegalStateException("Cannot read the offsets of " + groupId, e);
    }
  }

  /** The audit events that decide a record: a release, a refusal, a quarantine. */
  static List<AuditEvent> decisionsOn(List<AuditEvent> audits) {
    List<String> deciding =
        List.of(
            AuditEvents.RELEASE_PUBLISHED,
            AuditEvents.RELEASE_REFUSED,
            AuditEvents.KEY_QUARANTINED,
            AuditEvents.RECORD_QUARANTINED);
    return audits.stream().filter(a -> deciding.contains(a.getAction())).toList();
  }

  /** The offsets the group has committed, summed over its partitions. */
  static long committedOffsets(String groupId) throws Exception {
    try (Admin admin = KAFKA.createAdmin()) {
      return admin
          .listConsumerGroupOffsets(groupId)
          .partitionsToOffsetAndMetadata()
          .get()
          .values()
          .stream()
          .mapToLong(OffsetAndMetadata::offset)
          .sum();
    }
  }
}
