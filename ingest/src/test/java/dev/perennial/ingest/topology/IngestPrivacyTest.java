package dev.perennial.ingest.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.config.ProducerRequestSize;
import dev.perennial.core.crypto.MasterKeys;
import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.core.testing.TestConfig;
import dev.perennial.ingest.app.IngestService;
import dev.perennial.ingest.config.IngestConfig;
import dev.perennial.ingest.metrics.IngestMetrics;
import dev.perennial.ingest.privacy.DataKeyCache;
import dev.perennial.ingest.privacy.RollMarkers;
import dev.perennial.ingest.privacy.SubjectKeyStore;
import dev.perennial.ingest.redact.Pseudonymizer;
import dev.perennial.schemas.privacy.SubjectKeyRecords;
import dev.perennial.schemas.v1.ConsentChange;
import dev.perennial.schemas.v1.Document;
import dev.perennial.schemas.v1.RejectReason;
import dev.perennial.schemas.v1.RejectedRecord;
import dev.perennial.schemas.v1.SubjectKey;
import dev.perennial.schemas.v1.TrainingExample;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.processor.internals.InternalTopicConfig;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingest's privacy on the production topology: content encrypted per subject, keys made, erased and
 * re-wrapped, roll markers on the key logs, tenants bound to their own topics, tenants' own
 * personal-data patterns.
 */
class IngestPrivacyTest {

  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  private static final String MARKER = "Zorblax-7 glows at dawn";

  @TempDir Path stateDir;

  private static String recordKey(String tenant, String subject) {
    return SubjectKeyRecords.recordKey(
        tenant, new Pseudonymizer(IngestDriver.SECRET).pseudonym(tenant, subject));
  }

  @Test
  void examplesLeaveIngestEncryptedWithTheirSubjectsKeyMadeOnTheFirstExample() {
    try (IngestDriver ingest = IngestDriver.start(REGISTRY.url(), stateDir)) {
      ingest.grant("acme", "alice");
      ingest.grant("acme", "bob");
      ingest.send(Events.document("acme", "alice", "doc-1", MARKER + " (1).").build());
      ingest.send(Events.document("acme", "alice", "doc-2", MARKER + " (2).").build());
      ingest.send(Events.correction("acme", "bob", "fb-1").build());

      List<KeyValue<String, TrainingExample>> encrypted = ingest.encryptedExamples();
      List<KeyValue<String, SubjectKey>> keys = ingest.readKeys();

      assertThat(encrypted).hasSize(3);
      assertThat(encrypted)
          .allSatisfy(
              kv -> {
                TrainingExample example = kv.value;
                assertThat(example.getText()).isNull();
                assertThat(example.getPrompt()).isNull();
                assertThat(example.getCompletion()).isNull();
                assertThat(example.getEncrypted()).isNotNull();
                assertThat(example.toString()).doesNotContain("Zorblax");
              });
      assertThat(keys)
          .extracting(kv -> kv.key)
          .containsExactly(recordKey("acme", "alice"), recordKey("acme", "bob"));
      assertThat(encrypted.get(0).value.getEncrypted().getKeyId())
          .isEqualTo(encrypted.get(1).value.getEncrypted().getKeyId())
          .isEqualTo(keys.get(0).value.getKeyId());
      assertThat(keys.get(0).value.getMasterKeyId()).isEqualTo("test-1");
      KeyValueStore<String, SubjectKey> store =
          ingest.driver.getKeyValueStore(SubjectKeyStore.NAME);
      assertThat(store.get(recordKey("acme", "alice"))).isEqualTo(keys.get(0).value);
      assertThat(ingest.metrics.count("perennial.ingest.subject.keys", "event", "created"))
          .isEqualTo(2);
    }
  }

  @Test
  void aRevocationLetsTheSubjectsUnwrappedKeyGoFromTheTasksCacheAndOnlyThatKey() {
    try (IngestDriver ingest = IngestDriver.start(REGISTRY.url(), stateDir)) {
      ingest.grant("acme", "alice");
      ingest.grant("acme", "bob");
      ingest.send(Events.document("acme", "alice", "doc-1", MARKER).build());
      ingest.send(Events.document("acme", "bob", "doc-2", MARKER).build());
      List<KeyValue<String, SubjectKey>> keys = ingest.readKeys();
      String alices = keys.get(0).value.getKeyId();
      String bobs = keys.get(1).value.getKeyId();
      DataKeyCache cache = (DataKeyCache) ingest.driver.getStateStore(DataKeyCache.NAME);
      assertThat(cache.holds(alices)).isTrue();

      ingest.revoke("acme", "alice");

      assertThat(cache.holds(alices)).isFalse();
      assertThat(cache.holds(bobs)).isTrue();
    }
  }

  @Test
  void aRevocationErasesTheSubjectsKeyWithTheErasureRequestAndANewGrantGetsANewKey() {
    try (IngestDriver ingest = IngestDriver.start(REGISTRY.url(), stateDir)) {
      ingest.grant("acme", "alice");
      ingest.send(Events.document("acme", "alice", "doc-1", MARKER).build());
      String keyId = ingest.readKeys().get(0).value.getKeyId();

      ingest.revoke("acme", "alice");

      assertThat(ingest.readKeys())
          .hasSize(2)
          .last()
          .satisfies(
              kv -> {
                assertThat(kv.key).isEqualTo(recordKey("acme", "alice"));
                assertThat(kv.value).isNull();
              });
      assertThat(ingest.erasures.readKeyValuesToList()).hasSize(1);
      KeyValueStore<String, SubjectKey> store =
          ingest.driver.getKeyValueStore(SubjectKeyStore.NAME);
      assertThat(store.get(recordKey("acme", "alice"))).isNull();
      assertThat(ingest.metrics.count("perennial.ingest.subject.keys", "event", "erased"))
          .isEqualTo(1);

      ingest.grant("acme", "alice");
      ingest.send(Events.document("acme", "alice", "doc-2", "After the new grant.").build());

      List<KeyValue<String, SubjectKey>> keys = ingest.readKeys();
      assertThat(keys).hasSize(3);
      assertThat(keys.get(2).value.getKeyId()).isNotEqualTo(keyId);
      assertThat(ingest.examples())
          .extracting(kv -> kv.value.getText())
          .containsExactly(MARKER, "After the new grant.");
    }
  }

  @Test
  void rollMarkersReachTheKeyTopicAndKeysOfARetiredMasterKeyAreRewrapped() {
    try (IngestDriver ingest =
        IngestDriver.start(
            REGISTRY.url(),
            stateDir,
            Map.of(PerennialConfig.TOPIC_KEYS_MAX_COMPACTION_LAG_MS_CONFIG, "60000"))) {
      MasterKeys retired =
          MasterKeys.parse(TestConfig.MASTER_KEYS.lines().skip(1).findFirst().get());
      SubjectKey old = SubjectKeyRecords.create(retired, "acme", "p-old", Instant.EPOCH).record();
      KeyValueStore<String, SubjectKey> store =
          ingest.driver.getKeyValueStore(SubjectKeyStore.NAME);
      store.put("acme/p-old", old);

      ingest.driver.advanceWallClockTime(Duration.ofSeconds(30));

      List<KeyValue<String, SubjectKey>> keys = ingest.readKeys();
      assertThat(keys).extracting(kv -> kv.key).containsExactly(RollMarkers.KEY, "acme/p-old");
      assertThat(keys.get(0).value).isNull();
      SubjectKey rewrapped = keys.get(1).value;
      assertThat(old.getMasterKeyId()).isEqualTo("test-0");
      assertThat(rewrapped.getMasterKeyId()).isEqualTo("test-1");
      assertThat(rewrapped.getKeyId()).isEqualTo(old.getKeyId());
      assertThat(store.get("acme/p-old")).isEqualTo(rewrapped);
      assertThat(ingest.metrics.count("perennial.ingest.key.rewraps")).isEqualTo(1);
    }
  }

  @Test
  void withPerTenantTopicsAnEventNamingAnotherTenantIsRejectedAsATenantMismatch() {
    try (IngestDriver ingest =
        IngestDriver.start(
            REGISTRY.url(), stateDir, Map.of(IngestConfig.INPUT_TOPICS_CONFIG, "per-tenant"))) {
      TestInputTopic<String, ConsentChange> acmeConsent =
          ingest.tenantInput("acme", PerennialTopic.CONSENT, ingest.topics.consent());
      TestInputTopic<String, ConsentChange> globexConsent =
          ingest.tenantInput("globex", PerennialTopic.CONSENT, ingest.topics.consent());
      TestInputTopic<String, Document> acmeDocuments =
          ingest.tenantInput("acme", PerennialTopic.DOCUMENTS, ingest.topics.documents());
      TestInputTopic<String, Document> globexDocuments =
          ingest.tenantInput("globex", PerennialTopic.DOCUMENTS, ingest.topics.documents());
      acmeConsent.pipeInput("acme/alice", Events.grant("acme", "alice"));
      globexConsent.pipeInput("globex/gary", Events.grant("globex", "gary"));

      acmeDocuments.pipeInput(
          "acme/alice", Events.document("acme", "alice", "doc-1", "Acme's own.").build());
      // globex's producer (allowed on globex's topics only) names acme in its own topic
      globexDocuments.pipeInput(
          "acme/alice", Events.document("acme", "alice", "doc-2", "Injected.").build());
      // ... and tries to revoke an acme subject's consent from its own consent topic
      globexConsent.pipeInput("acme/alice", Events.revoke("acme", "alice"));
      globexConsent.pipeInput("acme/alice", (ConsentChange) null);
      ingest.driver.advanceWallClockTime(Duration.ofSeconds(1));

      assertThat(ingest.examples())
          .singleElement()
          .satisfies(kv -> assertThat(kv.value.getText()).isEqualTo("Acme's own."));
      assertThat(ingest.erasures.readKeyValuesToList()).isEmpty();
      List<RejectedRecord> rejections = ingest.rejections().stream().map(kv -> kv.value).toList();
      assertThat(rejections)
          .hasSize(3)
          .allSatisfy(
              rejection -> {
                assertThat(rejection.getReason()).isEqualTo(RejectReason.INVALID_FIELD);
                assertThat(rejection.getDetail())
                    .startsWith("tenant mismatch:")
                    .contains("tenant globex's topic")
                    .doesNotContain("alice", "Injected");
                assertThat(rejection.getTenant()).isEqualTo("globex");
              });
      assertThat(rejections.get(0).getDetail()).contains("names tenant acme");
    }
  }

  @Test
  void withPerTenantTopicsTheSharedTopicsAreNotRead() {
    try (IngestDriver ingest =
        IngestDriver.start(
            REGISTRY.url(), stateDir, Map.of(IngestConfig.INPUT_TOPICS_CONFIG, "per-tenant"))) {
      assertThat(ingest.topology.describe().toString())
          .doesNotContain("perennial.documents.v1", "perennial.feedback.v1", "perennial.consent.v1")
          .contains("perennial.in.");
    }
  }

  @Test
  void aTenantsOwnPatternsRedactItsDataOnlyAfterTheBuiltInTypes() {
    try (IngestDriver ingest =
        IngestDriver.start(
            REGISTRY.url(),
            stateDir,
            Map.of(
                "perennial.ingest.tenant.acme.pii.patterns",
                "CUSTOMER_NUMBER=ACME-[0-9]{6}\nTICKET=TCK/[0-9]{4}"))) {
      ingest.grant("acme", "alice");
      ingest.grant("globex", "gary");
      String text = "Customer ACME-123456 (TCK/0042) wrote from jane@example.com.";
      ingest.send(Events.document("acme", "alice", "doc-1", text).build());
      ingest.send(Events.document("globex", "gary", "doc-1", text).build());

      List<TrainingExample> examples = ingest.examples().stream().map(kv -> kv.value).toList();
      assertThat(examples.get(0).getText())
          .isEqualTo("Customer <CUSTOMER_NUMBER> (<TICKET>) wrote from <EMAIL>.");
      assertThat(examples.get(0).getRedactions())
          .containsExactlyInAnyOrderEntriesOf(
              Map.of("CUSTOMER_NUMBER", 1, "TICKET", 1, "EMAIL", 1));
      assertThat(examples.get(1).getText())
          .isEqualTo("Customer ACME-123456 (TCK/0042) wrote from <EMAIL>.");
    }
  }

  /**
   * The config admits a text limit while three texts at it (a PREFERENCE) and the example's
   * overhead fit the producer's max.request.size (IngestConfig's size check): ingest cannot skip a
   * record the producer refuses, it stops on it, after every restart again. A placeholder can be
   * longer than what it replaces (an 11-character customer number becomes 17 characters), so each
   * text must still be within the limit once redacted, or the event is rejected.
   */
  @Test
  void audit_anEventWhoseTextsOutgrowTheLimitOnceRedactedIsRejectedNotWrittenPastTheRequestSize() {
    int maxTextBytes = 300_000; // three of them and the overhead: 916,384 bytes, within 1 MiB
    try (IngestDriver ingest =
        IngestDriver.start(
            REGISTRY.url(),
            stateDir,
            Map.of(
                IngestConfig.MAX_TEXT_BYTES_CONFIG,
                Integer.toString(maxTextBytes),
                "perennial.ingest.tenant.acme.pii.patterns",
                "CUSTOMER_NUMBER=ACME-[0-9]{6}"))) {
      ingest.grant("acme", "alice");
      String numbers = "ACME-123456 ".repeat(24_000); // 288,000 bytes
      ingest.send(
          Events.preference("acme", "alice", "fb-1")
              .setPrompt(numbers)
              .setChosen(numbers + "kept")
              .setRejected(numbers + "dropped")
              .build());

      int maxRequestSize = ProducerRequestSize.of(ingest.config.clientProperties());
      List<Integer> exampleSizes =
          ingest.encryptedExamples().stream()
              .map(
                  example ->
                      ingest
                          .topics
                          .examples()
                          .valueSerde()
                          .serializer()
                          .serialize(ingest.topics.examples().name(), example.value)
                          .length)
              .toList();
      assertThat(exampleSizes)
          .as("bytes of each example written; the producer takes %d at most", maxRequestSize)
          .allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(maxRequestSize));
      RejectedRecord rejection = ingest.onlyRejection();
      assertThat(rejection.getReason()).isEqualTo(RejectReason.TOO_LARGE);
      assertThat(rejection.getEventId()).isEqualTo("fb-1");
      assertThat(rejection.getDetail())
          .isEqualTo(
              "prompt has 432000 bytes of UTF-8 once personal data is redacted, more than 300000;"
                  + " content not kept")
          .doesNotContain("ACME-");
    }
  }

  /**
   * Redaction may still exhaust a stream thread's stack (a tenant's own pattern with a repeated
   * alternation, {@code (a|a)+b}, does on 2 KiB of {@code a}): the record is rejected with a reason
   * and ingest goes on, instead of the error killing the stream thread, which would read the same
   * record again after every restart. Run on a 256 KiB stack, so the overflow does not depend on
   * the test thread's.
   */
  @Test
  void anEventWhoseRedactionExhaustsTheStackIsRejectedAndTheNextOneAdmitted() throws Exception {
    try (IngestDriver ingest =
        IngestDriver.start(
            REGISTRY.url(),
            stateDir,
            Map.of("perennial.ingest.tenant.acme.pii.patterns", "REPEATED=(a|a)+b"))) {
      ingest.grant("acme", "alice");
      AtomicReference<Throwable> escaped = new AtomicReference<>();
      Thread smallStack =
          new Thread(
              null,
              () -> {
                try {
                  ingest.send(
                      Events.document("acme", "alice", "doc-1", "a".repeat(16_384)).build());
                  ingest.send(Events.document("acme", "alice", "doc-2", "A plain text.").build());
                } catch (Throwable e) {
                  escaped.set(e);
                }
              },
              "small-stack",
              256 * 1024);
      smallStack.start();
      smallStack.join();

      assertThat(escaped.get()).as("what escaped the topology").isNull();
      RejectedRecord rejected = ingest.onlyRejection();
      assertThat(rejected.getEventId()).isEqualTo("doc-1");
      assertThat(rejected.getReason()).isEqualTo(RejectReason.TOO_LARGE);
      assertThat(rejected.getDetail()).contains("redact").doesNotContain("aaaa");
      assertThat(ingest.onlyExample().getText()).isEqualTo("A plain text.");
    }
  }

  /**
   * The app erases a subject by deleting its consent record (a tombstone on the compacted
   * consent.v1, whose compaction then drops the raw id there). Ingest must not re-create that id:
   * the subject's entry leaves the consent store, and the last record of its key in the store's
   * compacted changelog is a tombstone, which compaction drops too. Here the subject id is an
   * e-mail address, as apps often use.
   */
  @Test
  void afterTheAppDeletesASubjectsConsentRecordNoIngestStoreOrChangelogKeepsTheRawSubjectId() {
    String subject = "alice.smith@example.com";
    try (IngestDriver ingest = IngestDriver.start(REGISTRY.url(), stateDir)) {
      ingest.grant("acme", subject);
      ingest.send(Events.document("acme", subject, "doc-1", MARKER).build());
      ingest.consent.pipeInput("acme/" + subject, (ConsentChange) null);
      ingest.send(Events.document("acme", subject, "doc-2", MARKER).build());

      // The erasure still goes out, by pseudonym, and the subject's later event is refused.
      assertThat(ingest.erasures.readKeyValuesToList())
          .singleElement()
          .satisfies(kv -> assertThat(kv.key).isEqualTo(recordKey("acme", subject)));
      assertThat(ingest.examples()).hasSize(1);
      assertThat(ingest.onlyRejection().getEventId()).isEqualTo("doc-2");

      List<String> storeKeys = new ArrayList<>();
      KeyValueStore<String, Object> consentStore =
          ingest.driver.getKeyValueStore(IngestTopology.CONSENT_STORE);
      consentStore.all().forEachRemaining(kv -> storeKeys.add(kv.key));
      assertThat(storeKeys).as(IngestTopology.CONSENT_STORE + " keys").isEmpty();

      String changelog = ingest.config.applicationId() + "-ingest-consent-store-changelog";
      List<KeyValue<String, byte[]>> changelogRecords =
          ingest
              .driver
              .createOutputTopic(changelog, new StringDeserializer(), new ByteArrayDeserializer())
              .readKeyValuesToList();
      assertThat(changelogRecords).as(changelog).isNotEmpty();
      // the latest record of each key is what compaction keeps, and a tombstone goes too
      Map<String, byte[]> latest = new LinkedHashMap<>();
      changelogRecords.forEach(kv -> latest.put(kv.key, kv.value));
      assertThat(latest.entrySet())
          .as("records compaction keeps in " + changelog)
          .filteredOn(entry -> entry.getValue() != null)
          .extracting(Map.Entry::getKey)
          .noneMatch(key -> key.contains(subject));
    }
  }

  /**
   * rejected.v1 never keeps the source key, the app's raw tenant/subject: an erased subject's later
   * events are rejected under its pseudonym, the key of its erasure request, and a key that is not
   * a valid tenant/subject leaves only its tenant, if it names one.
   */
  @Test
  void rejectionsAreKeyedByTheSubjectsPseudonymNeverByTheRawKey() {
    String subject = "alice.smith@example.com";
    try (IngestDriver ingest = IngestDriver.start(REGISTRY.url(), stateDir)) {
      ingest.grant("acme", subject);
      ingest.revoke("acme", subject);
      ingest.send(Events.document("acme", subject, "doc-1", MARKER).build());
      ingest.consent.pipeInput("acme/" + subject, (ConsentChange) null);
      ingest.send(Events.document("acme", subject, "doc-2", MARKER).build());
      ingest.documents.pipeInput(
          "acme/", Events.document("acme", subject, "doc-3", MARKER).build());
      ingest.documents.pipeInput(
          subject, Events.document("acme", subject, "doc-4", MARKER).build());
      ingest.consent.pipeInput(subject, Events.grant("acme", subject));

      List<KeyValue<String, RejectedRecord>> rejections = ingest.rejections();

      String pseudonymKey = recordKey("acme", subject);
      assertThat(rejections)
          .extracting(kv -> kv.value.getReason(), kv -> kv.key)
          .containsExactly(
              tuple(RejectReason.ERASED_SUBJECT, pseudonymKey),
              tuple(RejectReason.NO_CONSENT, pseudonymKey),
              tuple(RejectReason.INVALID_FIELD, "acme"),
              tuple(RejectReason.INVALID_FIELD, null),
              tuple(RejectReason.INVALID_FIELD, null));
      assertThat(ingest.erasures.readKeyValuesToList())
          .extracting(kv -> kv.key)
          .containsOnly(pseudonymKey);
    }
  }

  /**
   * The consent store's changelog holds raw tenant/subject keys: a deleted subject's earlier grant
   * must leave it within the key logs' bound, so it gets their settings. (Streams' internal topic
   * configs are not public API; TopologyTestDriver does not show them.)
   */
  @Test
  void theConsentAndKeyStoreChangelogsAreCompactedWithTheKeyLogsBound() {
    try (IngestDriver ingest =
        IngestDriver.start(
            REGISTRY.url(),
            stateDir,
            Map.of(PerennialConfig.TOPIC_KEYS_MAX_COMPACTION_LAG_MS_CONFIG, "60000"))) {
      InspectableBuilder builder = new InspectableBuilder();
      IngestTopology.build(
          builder, ingest.topics, ingest.config, new IngestMetrics(new SimpleMeterRegistry()));
      builder.build();
      String applicationId = ingest.config.applicationId();
      Map<String, InternalTopicConfig> changelogs =
          builder.changelogs(
              new StreamsConfig(
                  IngestService.streamsProperties(
                      ingest.config, ingest.topics, ingest.metrics, Clock.systemUTC())));
      Map<String, String> bound = TopicCatalog.from(ingest.config).shreddingConfigs();

      assertThat(bound)
          .containsEntry("segment.ms", "60000")
          .containsEntry("max.compaction.lag.ms", "60000")
          .containsEntry("min.compaction.lag.ms", "0")
          .containsEntry("message.timestamp.type", "LogAppendTime");
      for (String store : List.of(IngestTopology.CONSENT_STORE, SubjectKeyStore.NAME)) {
        String changelog = applicationId + "-" + store + "-changelog";
        assertThat(changelogs).as("changelogs").containsKey(changelog);
        assertThat(changelogs.get(changelog).properties(Map.of(), 0L))
            .as(changelog)
            .containsAllEntriesOf(bound);
      }
    }
  }

  /** A StreamsBuilder that shows the changelog topics of the topology it built, with configs. */
  private static final class InspectableBuilder extends StreamsBuilder {

    Map<String, InternalTopicConfig> changelogs(StreamsConfig config) {
      // as a starting KafkaStreams does: the changelogs are named when the topology is built
      internalTopologyBuilder.rewriteTopology(config);
      internalTopologyBuilder.buildTopology();
      Map<String, InternalTopicConfig> changelogs = new HashMap<>();
      internalTopologyBuilder
          .subtopologyToTopicsInfo()
          .values()
          .forEach(topics -> changelogs.putAll(topics.stateChangelogTopics));
      return changelogs;
    }
  }
}
