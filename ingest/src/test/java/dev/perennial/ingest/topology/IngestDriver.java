package dev.perennial.ingest.topology;

import dev.perennial.core.config.MasterKeySettings;
import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.TenantTopics;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.testing.TestConfig;
import dev.perennial.ingest.app.IngestService;
import dev.perennial.ingest.config.IngestConfig;
import dev.perennial.ingest.metrics.IngestMetrics;
import dev.perennial.schemas.privacy.ExampleDecryptor;
import dev.perennial.schemas.privacy.SubjectKeyRecords;
import dev.perennial.schemas.privacy.SubjectKeys;
import dev.perennial.schemas.topic.Topic;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.schemas.v1.ConsentChange;
import dev.perennial.schemas.v1.Document;
import dev.perennial.schemas.v1.ErasureRequest;
import dev.perennial.schemas.v1.Feedback;
import dev.perennial.schemas.v1.RejectedRecord;
import dev.perennial.schemas.v1.SubjectKey;
import dev.perennial.schemas.v1.TrainingExample;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The production topology in a {@link TopologyTestDriver}, configured as the service configures it
 * ({@link IngestService#streamsProperties}), with serdes on a real schema registry. The driver's
 * wall clock starts at {@link #START}. {@link #examples()} decrypts the examples with every key
 * ingest ever wrote to {@code subject-keys.v1} (erased ones too: a test may read after an erasure);
 * {@link #encryptedExamples()} reads them as they are.
 */
final class IngestDriver implements AutoCloseable {

  static final Instant START = Instant.parse("2026-03-01T12:00:00Z");
  static final String SECRET = "topology-test-pseudonym-secret-0123456789";

  final IngestConfig config;
  final Topics topics;
  final IngestMetrics metrics;
  final Topology topology;
  final TopologyTestDriver driver;
  final TestInputTopic<String, Document> documents;
  final TestInputTopic<String, Feedback> feedback;
  final TestInputTopic<String, ConsentChange> consent;
  final TestInputTopic<byte[], byte[]> rawDocuments;
  final TestInputTopic<byte[], byte[]> rawConsent;
  final TestOutputTopic<String, TrainingExample> examples;
  final TestOutputTopic<String, RejectedRecord> rejected;
  final TestOutputTopic<String, ErasureRequest> erasures;
  final TestOutputTopic<String, SubjectKey> subjectKeys;
  final List<KeyValue<String, SubjectKey>> keyRecords = new ArrayList<>();

  /** Every key ingest ever wrote, by key id, erased ones included: late reads still decrypt. */
  private final Map<String, SubjectKey> everyKey = new HashMap<>();

  private IngestDriver(String registryUrl, Path stateDir, Map<String, String> overrides) {
    Map<String, String> values = new HashMap<>();
    values.put(PerennialConfig.BOOTSTRAP_SERVERS_CONFIG, "unused.invalid:9092");
    values.put(PerennialConfig.SCHEMA_REGISTRY_URL_CONFIG, registryUrl);
    values.put(IngestConfig.PSEUDONYM_SECRET_CONFIG, SECRET);
    values.put(MasterKeySettings.MASTER_KEYS_CONFIG, TestConfig.MASTER_KEYS);
    values.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    values.putAll(overrides);
    config = new IngestConfig(values);
    topics = Topics.create(TopicCatalog.from(config), config.clientProperties());
    metrics = new IngestMetrics(new SimpleMeterRegistry());
    StreamsBuilder builder = new StreamsBuilder();
    IngestTopology.build(builder, topics, config, metrics);
    topology = builder.build();
    Properties properties = new Properties();
    properties.putAll(
        IngestService.streamsProperties(
            config, topics, metrics, Clock.fixed(START, ZoneOffset.UTC)));
    driver = new TopologyTestDriver(topology, properties, START);
    documents = input(topics.documents());
    feedback = input(topics.feedback());
    consent = input(topics.consent());
    rawDocuments =
        driver.createInputTopic(
            topics.documents().name(), new ByteArraySerializer(), new ByteArraySerializer());
    rawConsent = raw(topics.consent().name());
    examples = output(topics.examples());
    rejected = output(topics.rejected());
    erasures = output(topics.erasures());
    subjectKeys = output(topics.subjectKeys());
  }

  static IngestDriver start(String registryUrl, Path stateDir) {
    return new IngestDriver(registryUrl, stateDir, Map.of());
  }

  static IngestDriver start(String registryUrl, Path stateDir, Map<String, String> overrides) {
    return new IngestDriver(registryUrl, stateDir, overrides);
  }

  void grant(String tenant, String subject) {
    consent.pipeInput(tenant + "/" + subject, Events.grant(tenant, subject));
  }

  void revoke(String tenant, String subject) {
    consent.pipeInput(tenant + "/" + subject, Events.revoke(tenant, subject));
  }

  void send(Document document) {
    documents.pipeInput(document.getTenant() + "/" + document.getSubject(), document);
  }

  void send(Feedback event) {
    feedback.pipeInput(event.getTenant() + "/" + event.getSubject(), event);
  }

  /** The examples written since the last read, decrypted. */
  List<KeyValue<String, TrainingExample>> examples() {
    readKeys();
    ExampleDecryptor decryptor =
        new ExampleDecryptor(
            new SubjectKeys() {
              @Override
              public Lookup lookup(String tenant, String pseudonym, String keyId) {
                SubjectKey key = everyKey.get(keyId);
                return key == null
                    ? new Missing()
                    : new Found(SubjectKeyRecords.unwrap(TestConfig.masterKeys(), key));
              }

              @Override
              public boolean wasErased(String tenant, String pseudonym) {
                return false;
              }

              @Override
              public void forget(String tenant, String pseudonym) {}
            });
    return encryptedExamples().stream()
        .map(
            example ->
                KeyValue.pair(
                    example.key,
                    decryptor
                        .decrypt(example.value, example.value.getTenant())
                        .orElseThrow(() -> new AssertionError("No key for " + example.value))))
        .toList();
  }

  /** The examples written since the last read, as they are in examples.v1. */
  List<KeyValue<String, TrainingExample>> encryptedExamples() {
    return examples.readKeyValuesToList();
  }

  /** Every record written to subject-keys.v1 so far, in order (tombstones included). */
  List<KeyValue<String, SubjectKey>> readKeys() {
    for (KeyValue<String, SubjectKey> record : subjectKeys.readKeyValuesToList()) {
      keyRecords.add(record);
      if (record.value != null) {
        everyKey.put(record.value.getKeyId(), record.value);
      }
    }
    return keyRecords;
  }

  List<KeyValue<String, RejectedRecord>> rejections() {
    return rejected.readKeyValuesToList();
  }

  TrainingExample onlyExample() {
    List<KeyValue<String, TrainingExample>> read = examples();
    if (read.size() != 1) {
      throw new AssertionError("Expected one example, got " + read + " and " + rejections());
    }
    return read.get(0).value;
  }

  RejectedRecord onlyRejection() {
    List<KeyValue<String, RejectedRecord>> read = rejections();
    if (read.size() != 1) {
      throw new AssertionError("Expected one rejection, got " + read + " and " + examples());
    }
    return read.get(0).value;
  }

  private <V> TestInputTopic<String, V> input(Topic<String, V> topic) {
    return input(topic.name(), topic);
  }

  /** The tenant's own {@code topic} (per-tenant input topics), with the serdes of {@code like}. */
  <V> TestInputTopic<String, V> tenantInput(
      String tenant, PerennialTopic topic, Topic<String, V> like) {
    return input(TenantTopics.name("perennial.", tenant, topic), like);
  }

  /** A topic's records as bytes: values that no deserializer reads. */
  TestInputTopic<byte[], byte[]> raw(String name) {
    return driver.createInputTopic(name, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private <V> TestInputTopic<String, V> input(String name, Topic<String, V> like) {
    return driver.createInputTopic(
        name, like.keySerde().serializer(), like.valueSerde().serializer());
  }

  private <V> TestOutputTopic<String, V> output(Topic<String, V> topic) {
    return driver.createOutputTopic(
        topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer());
  }

  @Override
  public void close() {
    driver.close();
  }
}
