package dev.perennial.ingest.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.perennial.core.config.MasterKeySettings;
import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.config.StreamsSettings;
import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.service.ServiceProcess;
import dev.perennial.core.testing.KafkaClusterExtension;
import dev.perennial.core.testing.RawRecords;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.core.testing.TestConfig;
import dev.perennial.ingest.config.IngestConfig;
import dev.perennial.ingest.deadletter.RejectionKeyer;
import dev.perennial.ingest.redact.Pseudonymizer;
import dev.perennial.schemas.PublishedSchemas;
import dev.perennial.schemas.privacy.ExampleDecryptor;
import dev.perennial.schemas.privacy.SubjectKeyTopic;
import dev.perennial.schemas.serde.WireFormat;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.schemas.v1.ConsentChange;
import dev.perennial.schemas.v1.Document;
import dev.perennial.schemas.v1.ExampleKind;
import dev.perennial.schemas.v1.Feedback;
import dev.perennial.schemas.v1.FeedbackKind;
import dev.perennial.schemas.v1.RejectReason;
import dev.perennial.schemas.v1.RejectedRecord;
import dev.perennial.schemas.v1.TrainingExample;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest service on the real broker and registry: what the topology test driver cannot show
 * (dead letters of the exception handlers under exactly-once, a foreign producer's bytes, the
 * health and metrics endpoints, records no single one of which may stop or starve ingest). One
 * service for the class; each test uses its own subjects. Failsafe runs this class with a heap of
 * 512 MiB (ingest's pom), about what a 1 GiB container leaves a JVM.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class IngestServiceIT {

  @RegisterExtension static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();
  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final int PARTITIONS = 2;
  private static final String PSEUDONYM_SECRET = "integration-test-secret-0123456789abcdef";

  @TempDir static Path stateDir;

  private static Topics topics;
  private static ServiceProcess<IngestService> ingest;
  private static String applicationId;

  @BeforeAll
  static void startIngest() throws InterruptedException {
    TopicCatalog catalog = KAFKA.provisionCatalog();
    applicationId = KAFKA.uniqueName("ingest");
    IngestConfig config = config(catalog, applicationId, stateDir.resolve("main"));
    topics = Topics.create(catalog, config.clientProperties());
    ingest =
        ServiceProcess.start("ingest", config, metrics -> IngestService.start(config, metrics));
    assertThat(ingest.service().awaitRunning(TIMEOUT)).as("ingest reached RUNNING").isTrue();
  }

  private static IngestConfig config(TopicCatalog catalog, String applicationId, Path state) {
    Map<String, String> values = TestConfig.values(KAFKA, REGISTRY);
    values.put(PerennialConfig.TOPIC_PREFIX_CONFIG, catalog.topicPrefix());
    values.put(
        PerennialConfig.TOPIC_PARTITIONS_CONFIG,
        Integer.toString(catalog.spec(PerennialTopic.SUBJECT_KEYS).partitions()));
    values.put(IngestConfig.PSEUDONYM_SECRET_CONFIG, PSEUDONYM_SECRET);
    values.put(MasterKeySettings.MASTER_KEYS_CONFIG, TestConfig.MASTER_KEYS);
    values.put(IngestConfig.INPUT_PURGE_INTERVAL_MS_CONFIG, "500");
    values.put(IngestConfig.APPLICATION_ID_CONFIG, applicationId);
    values.put(PerennialConfig.HTTP_HOST_CONFIG, "127.0.0.1");
    values.put(PerennialConfig.HTTP_PORT_CONFIG, "0");
    values.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
    // whenStreamsDies... kills a client on purpose: its close need not be waited out
    values.put(StreamsSettings.FAILED_CLOSE_TIMEOUT_MS_CONFIG, "500");
    return new IngestConfig(values);
  }

  @AfterAll
  static void stopIngest() {
    if (ingest != null) {
      ingest.close();
    }
  }

  @Test
  void unreadableRecordsReachTheDeadLetterTopicAndIngestKeepsRunning() {
    byte[] key = "acme/unreadable".getBytes(StandardCharsets.UTF_8);
    KAFKA.produce(
        topics.documents().name(),
        new ByteArraySerializer(),
        new ByteArraySerializer(),
        List.of(
            KeyValue.pair(key, new byte[] {7, 1, 2, 3, 4, 5}),
            KeyValue.pair(key, WireFormat.frame(0x7f000001, new byte[] {2, 4, 6}))));

    List<RejectedRecord> rejected = rejectionsOf("acme/unreadable", 2);

    assertThat(rejected)
        .extracting(RejectedRecord::getReason)
        .containsExactlyInAnyOrder(RejectReason.UNDESERIALIZABLE, RejectReason.UNKNOWN_SCHEMA);
    assertThat(rejected).allSatisfy(rejection -> assertThat(rejection.getValue()).isNull());
    assertThat(ingest.service().state()).isEqualTo(KafkaStreams.State.RUNNING);
  }

  @Test
  void aDocumentFramedByKcatIsIngested(@TempDir Path folder) throws Exception {
    assumeTrue(
        onPath("kcat"),
        "kcat is not installed, so the foreign-producer check is skipped; install with: apt-get"
            + " install -y kcat");
    grant("acme", "kcat-user");
    Path message = folder.resolve("document.bin");
    Files.write(message, WireFormat.frame(registerDocumentSchema(), plainAvroDocument()));

    // A file named on kcat's command line is sent whole as one message, newlines and all.
    // librdkafka must partition like Java clients (murmur2), or the event and its consent land in
    // different partitions and the event finds no consent.
    Process kcat =
        new ProcessBuilder(
                "kcat",
                "-P",
                "-X",
                "partitioner=murmur2_random",
                "-b",
                KAFKA.bootstrapServers(),
                "-t",
                topics.documents().name(),
                "-k",
                "acme/kcat-user",
                message.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(kcat.waitFor(30, TimeUnit.SECONDS)).as("kcat finished").isTrue();
    String output = new String(kcat.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(kcat.exitValue()).as("kcat exit status; it said: %s", output).isZero();

    TrainingExample example = exampleOf("kcat-1");
    assertThat(example.getText()).isEqualTo("Sent by kcat, mail <EMAIL> ✓");
    assertThat(example.getRedactions()).containsEntry("EMAIL", 1);
    assertThat(example.getAdapterKey()).isEqualTo("acme/default");
  }

  @Test
  void aDocumentIsEncryptedInExamplesAndDeletedFromItsTopicOnceConsumed() throws Exception {
    grant("acme", "purge-user");
    Document document =
        Document.newBuilder()
            .setEventId("purge-1")
            .setTenant("acme")
            .setSubject("purge-user")
            .setSource("test")
            .setContent("The Quorn kettle whistles in B flat.")
            .setContentType("text/plain")
            .setOccurredAt(Instant.now())
            .build();
    KAFKA.produce(
        topics.documents().name(),
        topics.documents().keySerde().serializer(),
        topics.documents().valueSerde().serializer(),
        List.of(KeyValue.pair("acme/purge-user", document)));

    assertThat(exampleOf("purge-1").getText()).isEqualTo("The Quorn kettle whistles in B flat.");
    assertThat(consumedEventsAreDeleted(topics.documents().name()))
        .as("documents.v1 keeps nothing ingest has committed past")
        .isTrue();
  }

  @Test
  void healthAndMetricsEndpointsReflectTheRunningApplication() throws Exception {
    // Ingest's meters appear with the first record they count; this test must not rely on another
    // test having sent one before it.
    byte[] key = "acme/metrics".getBytes(StandardCharsets.UTF_8);
    KAFKA.produce(
        topics.documents().name(),
        new ByteArraySerializer(),
        new ByteArraySerializer(),
        List.of(KeyValue.pair(key, new byte[] {7, 1, 2})));
    rejectionsOf("acme/metrics", 1);
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + ingest.httpPort();

    HttpResponse<String> ready =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> metrics =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).isEqualTo("UP Kafka Streams RUNNING\n");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("service=\"ingest\"")
        .contains("perennial_ingest_")
        .containsPattern("kafka_stream_thread_process_total\\{[^}]*service=\"ingest\"")
        .containsPattern("kafka_consumer_fetch_manager_records_lag_max\\{");
  }

  @Test
  void aLengthBombIsRejectedAsUndeserializableWithoutAllocatingWhatItClaims() {
    byte[] key = "acme/length-bomb".getBytes(StandardCharsets.UTF_8);
    // 13 bytes: the wire-format header of a registered Document schema, then an event id whose
    // length claims 2^30 bytes (zig-zag varint 80 80 80 80 08) and three bytes of it.
    byte[] bomb =
        WireFormat.frame(
            documentSchemaId(),
            new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 8, 1, 2, 3});
    assertThat(bomb).hasSize(13);
    KAFKA.produce(
        topics.documents().name(),
        new ByteArraySerializer(),
        new ByteArraySerializer(),
        List.of(KeyValue.pair(key, bomb)));

    RejectedRecord rejected = rejectionsOf("acme/length-bomb", 1).get(0);

    assertThat(rejected.getReason()).isEqualTo(RejectReason.UNDESERIALIZABLE);
    assertThat(rejected.getDetail()).contains("string length of 1073741824");
    assertThat(ingest.service().state()).isEqualTo(KafkaStreams.State.RUNNING);
  }

  @Test
  void aRecordWithANegativeTimestampIsProcessedAtTheTimeIngestReadsIt() {
    grant("acme", "negative-time");
    Document document = document("acme", "negative-time", "negative-1", Instant.now());
    byte[] key = "acme/negative-time".getBytes(StandardCharsets.UTF_8);
    RawRecords.produce(
        KAFKA.bootstrapServers(),
        topics.documents().name(),
        RawRecords.partitionOf(key, PARTITIONS),
        -5,
        key,
        topics
            .documents()
            .valueSerde()
            .serializer()
            .serialize(topics.documents().name(), document));

    assertThat(exampleOf("negative-1").getTenant()).isEqualTo("acme");
    assertThat(ingest.service().state()).isEqualTo(KafkaStreams.State.RUNNING);
  }

  @Test
  void theSameEventSentWithOldRecordTimestampsBecomesOneExampleAndDuplicates() {
    grant("acme", "backfill");
    Document document = document("acme", "backfill", "backfill-1", Instant.now());
    String key = "acme/backfill";
    // Admitted once now (after the grant), then sent again as a backfill with old timestamps.
    KAFKA.produce(
        topics.documents().name(),
        topics.documents().keySerde().serializer(),
        topics.documents().valueSerde().serializer(),
        List.of(KeyValue.pair(key, document)));
    assertThat(exampleOf("backfill-1").getEventId()).isEqualTo("backfill-1");
    for (long timestamp : new long[] {Instant.parse("2020-01-01T00:00:00Z").toEpochMilli(), 1}) {
      KAFKA.produce(
          topics.documents().name(),
          topics.documents().keySerde().serializer(),
          topics.documents().valueSerde().serializer(),
          List.of(KeyValue.pair(key, document)),
          timestamp);
    }

    List<RejectedRecord> rejected = rejectionsOf(key, 2);

    assertThat(rejected).extracting(RejectedRecord::getReason).containsOnly(RejectReason.DUPLICATE);
    assertThat(exampleOf("backfill-1").getEventId()).isEqualTo("backfill-1");
  }

  @Test
  void anEventResentAfterARevocationAndANewGrantIsAdmittedAgainNotADuplicate() {
    String key = "acme/regrant";
    Document document = document("acme", "regrant", "regrant-1", Instant.now());
    grant("acme", "regrant");
    produceDocument(key, document);
    assertThat(exampleOf("regrant-1").getEventId()).isEqualTo("regrant-1");
    consent("acme", "regrant", false);
    String erasureKey = "acme/" + new Pseudonymizer(PSEUDONYM_SECRET).pseudonym("acme", "regrant");
    readUntil(
        topics.erasures().name(),
        topics.erasures().valueSerde().deserializer(),
        records -> records.stream().anyMatch(r -> erasureKey.equals(r.key())));
    grant("acme", "regrant");
    produceDocument(key, document);

    // The first copy's key is shredded: the re-sent event is the only copy, under the new grant.
    List<TrainingExample> examples =
        readUntil(
                topics.examples().name(),
                topics.examples().valueSerde().deserializer(),
                records ->
                    records.stream().filter(r -> "regrant-1".equals(r.value().getEventId())).count()
                        >= 2)
            .stream()
            .map(ConsumerRecord::value)
            .filter(example -> "regrant-1".equals(example.getEventId()))
            .toList();
    assertThat(examples).hasSize(2);
    assertThat(examples.get(1).getConsentVersion())
        .isNotEqualTo(examples.get(0).getConsentVersion());
  }

  @Test
  void anOccurredAtBeforeTheYear2000IsAnInvalidField() {
    grant("acme", "time-traveller");
    for (Instant absurd :
        new Instant[] {
          Instant.ofEpochMilli(Long.MIN_VALUE),
          Instant.ofEpochMilli(-1),
          Instant.parse("0001-01-01T00:00:00Z")
        }) {
      KAFKA.produce(
          topics.documents().name(),
          topics.documents().keySerde().serializer(),
          topics.documents().valueSerde().serializer(),
          List.of(
              KeyValue.pair(
                  "acme/time-traveller",
                  document("acme", "time-traveller", "t-" + absurd.toEpochMilli(), absurd))));
    }

    assertThat(rejectionsOf("acme/time-traveller", 3))
        .allSatisfy(
            rejection -> {
              assertThat(rejection.getReason()).isEqualTo(RejectReason.INVALID_FIELD);
              assertThat(rejection.getDetail()).contains("is before 2000-01-01T00:00:00Z");
            });
  }

  @Test
  void aThumbsDownWithoutACorrectionBecomesAnUndesirableRatingExampleNotARejection() {
    grant("acme", "rater");
    String key = "acme/rater";
    KAFKA.produce(
        topics.feedback().name(),
        topics.feedback().keySerde().serializer(),
        topics.feedback().valueSerde().serializer(),
        List.of(
            KeyValue.pair(key, rating("thumbs-down-1", 1)),
            KeyValue.pair(key, rating("neutral-1", 3))));

    TrainingExample example = exampleOf("thumbs-down-1");
    assertThat(example.getKind()).isEqualTo(ExampleKind.RATING);
    assertThat(example.getDesirable()).isFalse();
    assertThat(example.getRating()).isEqualTo(1);
    assertThat(example.getCompletion()).isEqualTo(" blue");
    assertThat(rejectionsOf(key, 1))
        .singleElement()
        .satisfies(
            rejection -> {
              assertThat(rejection.getEventId()).isEqualTo("neutral-1");
              assertThat(rejection.getReason()).isEqualTo(RejectReason.INVALID_FIELD);
              assertThat(rejection.getDetail()).contains("rating 3 is neutral");
            });
  }

  private static Feedback rating(String eventId, int rating) {
    return Feedback.newBuilder()
        .setEventId(eventId)
        .setTenant("acme")
        .setSubject("rater")
        .setPrompt("Question: What colour is the Velmora lamp?\nAnswer:")
        .setResponse(" blue")
        .setKind(FeedbackKind.RATING)
        .setRating(rating)
        .setOccurredAt(Instant.now())
        .build();
  }

  @Test
  void noRejectionDetailHoldsTheRecordKeyOrTheSubject() {
    String subject = "Jane.Doe@example.com";
    grant("acme", subject);
    List<KeyValue<String, Document>> spoiled =
        List.of(
            // a key naming another subject than the value
            KeyValue.pair(
                "acme/" + subject, document("acme", "john@example.com", "k-1", Instant.now())),
            // an invalid tenant name (upper case, the subject's own id)
            KeyValue.pair(
                subject + "/" + subject, document(subject, subject, "k-2", Instant.now())),
            // the same event twice
            KeyValue.pair("acme/" + subject, document("acme", subject, "k-3", Instant.now())),
            KeyValue.pair("acme/" + subject, document("acme", subject, "k-3", Instant.now())));
    KAFKA.produce(
        topics.documents().name(),
        topics.documents().keySerde().serializer(),
        topics.documents().valueSerde().serializer(),
        spoiled);

    List<RejectedRecord> rejected = new ArrayList<>(rejectionsOf("acme/" + subject, 2));
    // a key without a valid tenant: the rejection is keyed by nothing, found by its event id
    ConsumerRecord<String, RejectedRecord> invalidTenant = rejectionOfEvent("k-2");
    assertThat(invalidTenant.key()).isNull();
    rejected.add(invalidTenant.value());

    assertThat(rejected)
        .extracting(RejectedRecord::getReason)
        .containsExactlyInAnyOrder(
            RejectReason.INVALID_FIELD, RejectReason.DUPLICATE, RejectReason.INVALID_FIELD);
    assertThat(rejected)
        .allSatisfy(
            rejection ->
                assertThat(rejection.getDetail().toLowerCase(java.util.Locale.ROOT))
                    .doesNotContain("jane")
                    .doesNotContain("john")
                    .doesNotContain("example.com"));
  }

  @Test
  void whenStreamsDiesLivenessFailsAndTheServiceHasFailed() throws Exception {
    TopicCatalog own = KAFKA.provisionCatalog();
    IngestConfig config = config(own, KAFKA.uniqueName("ingest-dies"), stateDir.resolve("dies"));
    Topics ownTopics = Topics.create(own, config.clientProperties());
    try (ServiceProcess<IngestService> dying =
        ServiceProcess.start("ingest", config, metrics -> IngestService.start(config, metrics))) {
      assertThat(dying.service().awaitRunning(TIMEOUT)).isTrue();
      assertThat(get(dying.httpPort(), "/health/live").statusCode()).isEqualTo(200);
      // No dead letter fits any more: the next rejection cannot be written, and ingest cannot
      // go on without losing it.
      KAFKA.setTopicConfig(ownTopics.rejected().name(), TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "64");
      KAFKA.produce(
          ownTopics.documents().name(),
          new ByteArraySerializer(),
          new ByteArraySerializer(),
          List.of(KeyValue.pair("acme/x".getBytes(StandardCharsets.UTF_8), new byte[] {7, 7})));

      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (dying.service().failure().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }

      assertThat(dying.service().failure()).isPresent();
      HttpResponse<String> live = get(dying.httpPort(), "/health/live");
      assertThat(live.statusCode()).isEqualTo(503);
      // the broker's refusal, not the Streams wrapper around it, on one line
      assertThat(live.body())
          .startsWith("DOWN failed")
          .contains("RecordTooLargeException")
          .hasLineCount(1);
      assertThat(get(dying.httpPort(), "/health/ready").statusCode()).isEqualTo(503);
    }
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static Document document(String tenant, String subject, String eventId, Instant at) {
    return Document.newBuilder()
        .setEventId(eventId)
        .setTenant(tenant)
        .setSubject(subject)
        .setSource("integration-test")
        .setContent("A plain sentence to learn from.")
        .setContentType("text/plain")
        .setOccurredAt(at)
        .build();
  }

  /** The id of the Document schema as Perennial registers it under the documents subject. */
  private static int documentSchemaId() {
    return WireFormat.schemaId(
        topics.documents().name(),
        topics
            .documents()
            .valueSerde()
            .serializer()
            .serialize(
                topics.documents().name(), document("acme", "nobody", "id-probe", Instant.now())));
  }

  private static void grant(String tenant, String subject) {
    consent(tenant, subject, true);
  }

  private static void consent(String tenant, String subject, boolean granted) {
    ConsentChange decision =
        ConsentChange.newBuilder()
            .setTenant(tenant)
            .setSubject(subject)
            .setPurpose(IngestConfig.TRAINING_PURPOSE_DEFAULT)
            .setGranted(granted)
            .setChangedAt(Instant.now())
            .setSource("test")
            .build();
    KAFKA.produce(
        topics.consent().name(),
        topics.consent().keySerde().serializer(),
        topics.consent().valueSerde().serializer(),
        List.of(KeyValue.pair(tenant + "/" + subject, decision)));
  }

  private static void produceDocument(String key, Document document) {
    KAFKA.produce(
        topics.documents().name(),
        topics.documents().keySerde().serializer(),
        topics.documents().valueSerde().serializer(),
        List.of(KeyValue.pair(key, document)));
  }

  /** The rejections of records keyed {@code sourceKey}, which rejected.v1 keys by pseudonym. */
  private static List<RejectedRecord> rejectionsOf(String sourceKey, int count) {
    String key = RejectionKeyer.key(sourceKey, new Pseudonymizer(PSEUDONYM_SECRET));
    List<RejectedRecord> matching =
        readUntil(
                topics.rejected().name(),
                topics.rejected().valueSerde().deserializer(),
                records -> records.stream().filter(r -> key.equals(r.key())).count() >= count)
            .stream()
            .filter(record -> key.equals(record.key()))
            .map(ConsumerRecord::value)
            .toList();
    assertThat(matching).as("rejections of %s", sourceKey).hasSize(count);
    return matching;
  }

  /** The one rejection of an event, with its key. */
  private static ConsumerRecord<String, RejectedRecord> rejectionOfEvent(String eventId) {
    List<ConsumerRecord<String, RejectedRecord>> matching =
        readUntil(
                topics.rejected().name(),
                topics.rejected().valueSerde().deserializer(),
                records -> records.stream().anyMatch(r -> eventId.equals(r.value().getEventId())))
            .stream()
            .filter(record -> eventId.equals(record.value().getEventId()))
            .toList();
    assertThat(matching).as("rejections of event %s", eventId).hasSize(1);
    return matching.get(0);
  }

  /** The example of the event, decrypted with its subject's key from subject-keys.v1. */
  private static TrainingExample exampleOf(String eventId) {
    List<TrainingExample> matching =
        readUntil(
                topics.examples().name(),
                topics.examples().valueSerde().deserializer(),
                records -> records.stream().anyMatch(r -> eventId.equals(r.value().getEventId())))
            .stream()
            .map(ConsumerRecord::value)
            .filter(example -> eventId.equals(example.getEventId()))
            .toList();
    assertThat(matching).as("examples of event %s", eventId).hasSize(1);
    TrainingExample encrypted = matching.get(0);
    assertThat(encrypted.getText()).as("the example's text in examples.v1").isNull();
    try (SubjectKeyTopic keys =
        new SubjectKeyTopic(
            KAFKA.clientProperties(), topics.subjectKeys(), TestConfig.masterKeys(), TIMEOUT)) {
      return new ExampleDecryptor(keys).decrypt(encrypted, encrypted.getTenant()).orElseThrow();
    }
  }

  /** Whether every partition's first offset reaches the group's committed offset (purged). */
  private static boolean consumedEventsAreDeleted(String topic) throws Exception {
    try (Admin admin = KAFKA.createAdmin()) {
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (System.nanoTime() < deadline) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin
                .listConsumerGroupOffsets(applicationId)
                .partitionsToOffsetAndMetadata()
                .get()
                .entrySet()
                .stream()
                .filter(entry -> entry.getKey().topic().equals(topic))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        Map<TopicPartition, OffsetSpec> earliest =
            committed.keySet().stream()
                .collect(Collectors.toMap(p -> p, p -> OffsetSpec.earliest()));
        var starts = admin.listOffsets(earliest).all().get();
        if (!committed.isEmpty()
            && committed.entrySet().stream()
                .allMatch(e -> starts.get(e.getKey()).offset() >= e.getValue().offset())) {
          return true;
        }
        Thread.sleep(200);
      }
      return false;
    }
  }

  /** Every committed record of the topic, read until {@code enough} holds or the timeout. */
  private static <V> List<ConsumerRecord<String, V>> readUntil(
      String topic,
      Deserializer<V> deserializer,
      Predicate<List<ConsumerRecord<String, V>>> enough) {
    Map<String, Object> properties = KAFKA.clientProperties();
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ConsumerRecord<String, V>> records = new ArrayList<>();
    try (KafkaConsumer<String, V> consumer =
        new KafkaConsumer<>(properties, new StringDeserializer(), deserializer)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (!enough.test(records) && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  /** Registers as a foreign producer would: the Confluent REST call, no project code. */
  private static int registerDocumentSchema() throws Exception {
    String body =
        "{\"schema\":"
            + new com.fasterxml.jackson.databind.ObjectMapper()
                .writeValueAsString(PublishedSchemas.text(Document.getClassSchema()))
            + "}";
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    REGISTRY.url() + "/subjects/" + topics.documents().name() + "-value/versions"))
            .header("Content-Type", "application/vnd.schemaregistry.v1+json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode())
        .as("registration answered %s", response.body())
        .isEqualTo(200);
    return new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(response.body())
        .get("id")
        .intValue();
  }

  private static byte[] plainAvroDocument() throws IOException {
    GenericRecord document = new GenericData.Record(Document.getClassSchema());
    document.put("eventId", "kcat-1");
    document.put("tenant", "acme");
    document.put("subject", "kcat-user");
    document.put("adapter", null);
    document.put("source", "kcat");
    document.put("content", "Sent by kcat, mail jane@example.com ✓");
    document.put("contentType", "text/plain");
    document.put("language", null);
    document.put("occurredAt", Instant.now().toEpochMilli());
    document.put("attributes", Map.of());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(document.getSchema()).write(document, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private static boolean onPath(String command) {
    return List.of(System.getenv().getOrDefault("PATH", "").split(":")).stream()
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
  }
}
