package dev.perennial.ingest.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.config.MasterKeySettings;
import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.service.ServiceProcess;
import dev.perennial.core.testing.KafkaClusterExtension;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.core.testing.TestConfig;
import dev.perennial.ingest.config.IngestConfig;
import dev.perennial.ingest.redact.Pseudonymizer;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.schemas.v1.ConsentChange;
import dev.perennial.schemas.v1.Document;
import dev.perennial.schemas.v1.ErasureRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What ingest leaves in its Streams state directory, on the real broker and registry: once the app
 * deletes a subject's consent record, no file there holds the raw subject id, not even the RocksDB
 * consent table an earlier version left (ingest deletes it at start). Each run of ingest is stopped
 * cleanly: RocksDB writes a persistent store's memtable to a data file (SST) on close, since
 * Streams runs it without a write-ahead log, as it does whenever the memtable fills on a busy
 * ingest (Streams 4.3 no longer flushes on commit).
 */
@Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConsentStoreOnDiskIT {

  @RegisterExtension static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();
  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String SECRET = "on-disk-test-secret-0123456789abcdefghijk";
  private static final String TENANT = "acme";

  @TempDir Path stateDir;

  @Test
  void aSubjectWhoseConsentRecordTheAppDeletedLeavesNoRawIdInIngestsStateDirectory()
      throws Exception {
    TopicCatalog catalog = KAFKA.provisionCatalog();
    IngestConfig config = config(catalog, KAFKA.uniqueName("on-disk"));
    Topics topics = Topics.create(catalog, config.clientProperties());
    // An email, as apps often use; unique, so a match can only be this test's.
    String subject = "on-disk." + System.nanoTime() + "@example.com";
    String key = TENANT + "/" + subject;
    String eventId = "on-disk-event-" + System.nanoTime();

    // First run: the grant is in the consent store (an example was admitted under it) and the stop
    // writes the store's state to disk.
    try (ServiceProcess<IngestService> ingest = start(config)) {
      produce(topics.consent().name(), topics, key, grant(subject));
      KAFKA.produce(
          topics.documents().name(),
          topics.documents().keySerde().serializer(),
          topics.documents().valueSerde().serializer(),
          List.of(KeyValue.pair(key, document(subject, eventId))));
      KAFKA.consume(
          topics.examples().name(),
          1,
          TIMEOUT,
          new StringDeserializer(),
          topics.examples().valueSerde().deserializer());
    }
    // The scan sees what is on disk: the dedup store keeps the admitted event's id.
    assertThat(filesHolding(eventId))
        .as("state files holding the admitted event's id")
        .isNotEmpty();

    // As an upgrade from a version that kept the table in RocksDB finds it: each task folder holds
    // its data files, with the raw id. (A task whose partition never had an admission is wiped by
    // Streams at start anyway; the other's folder is kept, README "Ingest topology".)
    try (Stream<Path> tasks = Files.list(stateDir.resolve(config.applicationId()))) {
      for (Path task : tasks.filter(Files::isDirectory).toList()) {
        Path retired = Files.createDirectories(task.resolve("rocksdb/ingest-consent-store"));
        Files.writeString(retired.resolve("000008.sst"), key);
      }
    }
    assertThat(filesHolding(subject)).as("the earlier version's consent files").isNotEmpty();

    // Second run: the app deletes the consent record; ingest forgets the subject and requests its
    // erasure, then stops.
    String erasureKey = TENANT + "/" + new Pseudonymizer(SECRET).pseudonym(TENANT, subject);
    try (ServiceProcess<IngestService> ingest = start(config)) {
      produce(topics.consent().name(), topics, key, null);
      List<ConsumerRecord<String, ErasureRequest>> erasures =
          KAFKA.consume(
              topics.erasures().name(),
              1,
              TIMEOUT,
              new StringDeserializer(),
              topics.erasures().valueSerde().deserializer());
      assertThat(erasures).extracting(ConsumerRecord::key).contains(erasureKey);
    }

    assertThat(filesHolding(subject))
        .as("files under %s holding the deleted subject's raw id", stateDir)
        .isEmpty();
  }

  private static ServiceProcess<IngestService> start(IngestConfig config) throws Exception {
    ServiceProcess<IngestService> ingest =
        ServiceProcess.start("ingest", config, metrics -> IngestService.start(config, metrics));
    assertThat(ingest.service().awaitRunning(TIMEOUT)).as("ingest reached RUNNING").isTrue();
    return ingest;
  }

  private static void produce(String topic, Topics topics, String key, ConsentChange value) {
    KAFKA.produce(
        topic,
        topics.consent().keySerde().serializer(),
        topics.consent().valueSerde().serializer(),
        List.of(KeyValue.pair(key, value)));
  }

  private static ConsentChange grant(String subject) {
    return ConsentChange.newBuilder()
        .setTenant(TENANT)
        .setSubject(subject)
        .setPurpose(IngestConfig.TRAINING_PURPOSE_DEFAULT)
        .setGranted(true)
        .setChangedAt(Instant.now())
        .setSource("test")
        .build();
  }

  private static Document document(String subject, String eventId) {
    return Document.newBuilder()
        .setEventId(eventId)
        .setTenant(TENANT)
        .setSubject(subject)
        .setSource("integration-test")
        .setContent("A plain sentence to learn from.")
        .setContentType("text/plain")
        .setOccurredAt(Instant.now())
        .build();
  }

  /** Every regular file under the state directory whose bytes contain {@code text}. */
  private List<Path> filesHolding(String text) throws IOException {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    List<Path> holding = new ArrayList<>();
    try (Stream<Path> files = Files.walk(stateDir)) {
      files
          .filter(Files::isRegularFile)
          .forEach(
              file -> {
                if (contains(read(file), needle)) {
                  holding.add(stateDir.relativize(file));
                }
              });
    }
    return holding;
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return true;
      }
    }
    return false;
  }

  private IngestConfig config(TopicCatalog catalog, String applicationId) {
    Map<String, String> values = TestConfig.values(KAFKA, REGISTRY);
    values.put(PerennialConfig.TOPIC_PREFIX_CONFIG, catalog.topicPrefix());
    values.put(
        PerennialConfig.TOPIC_PARTITIONS_CONFIG,
        Integer.toString(catalog.spec(PerennialTopic.SUBJECT_KEYS).partitions()));
    values.put(IngestConfig.PSEUDONYM_SECRET_CONFIG, SECRET);
    values.put(MasterKeySettings.MASTER_KEYS_CONFIG, TestConfig.MASTER_KEYS);
    values.put(IngestConfig.INPUT_PURGE_INTERVAL_MS_CONFIG, "0");
    values.put(IngestConfig.APPLICATION_ID_CONFIG, applicationId);
    values.put(PerennialConfig.HTTP_HOST_CONFIG, "127.0.0.1");
    values.put(PerennialConfig.HTTP_PORT_CONFIG, "0");
    values.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    return new IngestConfig(values);
  }
}
