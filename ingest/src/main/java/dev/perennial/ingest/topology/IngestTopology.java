package dev.perennial.ingest.topology;

import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.TenantTopics;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.ingest.config.IngestConfig;
import dev.perennial.ingest.consent.ConsentReader;
import dev.perennial.ingest.consent.ConsentState;
import dev.perennial.ingest.consent.ConsentStateSerde;
import dev.perennial.ingest.consent.ConsentUpdate;
import dev.perennial.ingest.deadletter.RejectionKeyer;
import dev.perennial.ingest.deadletter.UnreadableRejections;
import dev.perennial.ingest.dedup.Deduplicator;
import dev.perennial.ingest.dedup.ErasureRecorder;
import dev.perennial.ingest.event.AppEvent;
import dev.perennial.ingest.event.Outcome;
import dev.perennial.ingest.example.ExampleFactory;
import dev.perennial.ingest.example.ExampleIds;
import dev.perennial.ingest.metrics.IngestMetrics;
import dev.perennial.ingest.privacy.DataKeyCache;
import dev.perennial.ingest.privacy.ExampleEncryptor;
import dev.perennial.ingest.privacy.KeyShredder;
import dev.perennial.ingest.privacy.KeyedOutput;
import dev.perennial.ingest.privacy.RollMarkers;
import dev.perennial.ingest.privacy.SubjectKeyStore;
import dev.perennial.ingest.redact.CustomPatterns;
import dev.perennial.ingest.redact.PiiRedactor;
import dev.perennial.ingest.redact.Pseudonymizer;
import dev.perennial.ingest.tenant.TenantBinding;
import dev.perennial.ingest.validate.EventValidator;
import dev.perennial.schemas.topic.Topic;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.schemas.v1.ConsentChange;
import dev.perennial.schemas.v1.Document;
import dev.perennial.schemas.v1.ErasureRequest;
import dev.perennial.schemas.v1.Feedback;
import dev.perennial.schemas.v1.RejectedRecord;
import dev.perennial.schemas.v1.SubjectKey;
import dev.perennial.schemas.v1.TrainingExample;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Joined;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The whole ingest topology: from app events ({@code documents.v1}, {@code feedback.v1}) and
 * consent decisions ({@code consent.v1}) to training examples ({@code examples.v1}), erasure
 * requests ({@code erasures.v1}) and rejections ({@code rejected.v1}). One sub-topology, no
 * repartition: events and consent share the key {@code tenant/subject} and must share the partition
 * count (Streams checks that they are co-partitioned at start).
 *
 * <pre>
 * consent.v1 ─► read ─┬─► rejected ────────────────────────────────────────────────────────────┐
 *                     └─► decisions ─┬─► consent table (ingest-consent-store)                   │
 *                                    └─► revocations ─► re-key ─► shred key ─┬─► erasures.v1    │
 *                                                                            └─► subject-keys.v1│
 * documents.v1 ─► read ─┐                                         (ingest-key-store) ▲           ├─► re-key ─► rejected.v1
 * feedback.v1  ─► read ─┴─► merge ─► join consent ─► admit ─► dedup ─┬─► rejected ───┼───────────┘
 *                                                (ingest-dedup-store)  └─► encrypt ─┴─► re-key ─► examples.v1
 * </pre>
 *
 * <p>Between re-key and shred key, each erasure is also remembered in ingest-dedup-store
 * (ingest-dedup-erasure): the subject's earlier admissions no longer make a re-sent event a
 * duplicate.
 *
 * <p>With per-tenant input topics ({@link IngestConfig.InputTopics#PER_TENANT}) the three sources
 * read every tenant's topics by pattern ({@link TenantTopics}) instead, and a record naming another
 * tenant than its topic's is rejected ({@link TenantBinding}).
 *
 * <p>Every step and store is named with the {@code ingest-} prefix: internal topic names derive
 * from them and must not change between versions.
 */
public final class IngestTopology {

  /**
   * The subjects' training consent (a deletion marker after a revocation; nothing after the app
   * deleted the consent record), by tenant/subject: in memory, never on disk. Its changelog is
   * compacted with a bound ({@link TopicCatalog#shreddingConfigs()}).
   */
  public static final String CONSENT_STORE = "ingest-consent-store";

  /**
   * Ids of admitted events within the dedup window, and the erasures within it (by tenant and
   * pseudonym) after which a subject's earlier admissions no longer count.
   */
  public static final String DEDUP_STORE = "ingest-dedup-store";

  private IngestTopology() {}

  /** Adds ingest's topology to {@code builder}; {@code builder.build()} makes it. */
  public static void build(
      StreamsBuilder builder, Topics topics, IngestConfig config, IngestMetrics metrics) {
    String purpose = config.trainingPurpose();
    String secret = config.pseudonymSecret().value();
    Duration dedupWindow = config.dedupWindow();
    TopicCatalog catalog = TopicCatalog.from(config);
    Sources sources = new Sources(builder, catalog.topicPrefix(), config.inputTopics());
    TenantBinding binding = sources.binding();
    Function<String, PiiRedactor> redactors = redactors(config.customPiiPatterns());
    EventValidator validator =
        new EventValidator(
            config.maxTextBytes(), config.maxFutureSkew(), config.ratingThresholds());
    Duration rollInterval = Duration.ofMillis(catalog.keysMaxCompactionLagMs() / 2);
    builder.addStateStore(SubjectKeyStore.builder(catalog));
    builder.addStateStore(DataKeyCache.builder());
    // Before the steps that use it: the erasure path writes it too.
    builder.addStateStore(
        Stores.windowStoreBuilder(
            Stores.persistentWindowStore(DEDUP_STORE, dedupWindow, dedupWindow, false),
            Serdes.String(),
            Serdes.String()));

    // Consent: training decisions become the consent table; revocations and deletions also
    // erasure requests.
    // Read as bytes and decoded by ConsentReader (a deliberate serde override): a value that cannot
    // be read revokes the subject its key names instead of reaching the deserialization handler,
    // which could only dead-letter it and leave the grant in place.
    Topic<String, ConsentChange> consentTopic = topics.consent();
    UnreadableRejections unreadable = UnreadableRejections.of(config);
    Map<String, KStream<String, ConsentUpdate>> consent =
        sources.stream(
                consentTopic.name(),
                PerennialTopic.CONSENT,
                Consumed.with(consentTopic.keySerde(), Serdes.ByteArray())
                    .withName("ingest-consent-source"))
            .processValues(
                () ->
                    new ConsentReader(
                        purpose,
                        consentTopic.valueSerde().deserializer(),
                        unreadable,
                        new Pseudonymizer(secret),
                        metrics,
                        binding),
                Named.as("ingest-consent-read"))
            .split(Named.as("ingest-consent"))
            .branch((subject, update) -> update.isRejected(), Branched.as("-rejected"))
            .defaultBranch(Branched.as("-decisions"));
    KStream<String, ConsentUpdate> decisions = consent.get("ingest-consent-decisions");

    // A deletion's state is null, a table tombstone: the subject's entry leaves the store and its
    // changelog, so ingest keeps no raw id of a subject the app deleted. The changelog is compacted
    // with the key logs' bound, so that compaction drops the subject's earlier records in time; no
    // roll markers (another step cannot write a table's store): a segment rolls on the partition's
    // next consent record after the lag. In memory, as the key store: a RocksDB store would keep a
    // deleted subject's raw id on disk (the older data file, the tombstone's own key, the manifest)
    // until it happened to compact. The cost is heap and a restore from the changelog on start.
    KTable<String, ConsentState> consentTable =
        decisions
            .mapValues(ConsentUpdate::state, Named.as("ingest-consent-state"))
            .toTable(
                Named.as("ingest-consent-table"),
                Materialized.<String, ConsentState>as(Stores.inMemoryKeyValueStore(CONSENT_STORE))
                    .withKeySerde(Serdes.String())
                    .withValueSerde(new ConsentStateSerde())
                    .withLoggingEnabled(catalog.shreddingConfigs()));

    Map<String, KStream<String, KeyedOutput>> erased =
        decisions
            .filter((subject, update) -> update.requestsErasure(), Named.as("ingest-revocations"))
            // Re-key from tenant/subject to tenant/pseudonym: the erasure topic keeps its records
            // for good and must not hold raw user ids. No repartition: the key store is this task's
            // and to() writes with the new key.
            .map(
                (subject, update) -> KeyValue.pair(erasureKey(update.erasure()), update.erasure()),
                Named.as("ingest-erasure-key"))
            // The subject's earlier admissions stop counting as duplicates: their examples are
            // erased, so an event sent again under a new grant is the only copy.
            .processValues(
                () -> new ErasureRecorder(DEDUP_STORE),
                Named.as("ingest-dedup-erasure"),
                DEDUP_STORE)
            // The subject's data key goes in the transaction that writes the erasure request.
            .process(
                () -> new KeyShredder(metrics),
                Named.as("ingest-shred-key"),
                SubjectKeyStore.NAME,
                DataKeyCache.NAME)
            .split(Named.as("ingest-shredded"))
            .branch((pseudonymKey, output) -> output.isKeyChange(), Branched.as("-keys"))
            .defaultBranch(Branched.as("-erasures"));
    erased
        .get("ingest-shredded-erasures")
        .mapValues(
            output -> ((KeyedOutput.Erasure) output).request(), Named.as("ingest-erasure-requests"))
        .peek(
            (pseudonymKey, erasure) -> metrics.erasure(erasure.getTenant()),
            Named.as("ingest-erasures-count"))
        .to(topics.erasures().name(), produced(topics.erasures(), "ingest-erasures-sink"));

    // App events: each record remembers where it came from; both kinds go the same way.
    KStream<String, AppEvent> documents =
        sources.stream(topics.documents(), PerennialTopic.DOCUMENTS, "ingest-documents-source")
            .processValues(
                () -> new EventReader<Document>(AppEvent.DocumentEvent::new),
                Named.as("ingest-documents-read"));
    KStream<String, AppEvent> feedback =
        sources.stream(topics.feedback(), PerennialTopic.FEEDBACK, "ingest-feedback-source")
            .processValues(
                () -> new EventReader<Feedback>(AppEvent.FeedbackEvent::new),
                Named.as("ingest-feedback-read"));

    Map<String, KStream<String, Outcome>> outcomes =
        documents
            .merge(feedback, Named.as("ingest-events"))
            // The consent of the record key's subject as it stands now. No serdes: the stream is
            // not repartitioned (its key is the source key) and the table brings its own.
            .leftJoin(consentTable, EventWithConsent::new, Joined.as("ingest-consent-join"))
            .processValues(
                () ->
                    new EventAdmission(
                        purpose,
                        validator,
                        new ExampleFactory(
                            redactors,
                            new Pseudonymizer(secret),
                            new ExampleIds(secret),
                            config.ratingThresholds()),
                        binding),
                Named.as("ingest-admit"))
            .processValues(
                () -> new Deduplicator(DEDUP_STORE, dedupWindow),
                Named.as("ingest-dedup"),
                DEDUP_STORE)
            .split(Named.as("ingest-outcome"))
            .branch((subject, outcome) -> outcome.isExample(), Branched.as("-examples"))
            .defaultBranch(Branched.as("-rejected"));

    // Nothing leaves ingest in the clear: each example is encrypted with its subject's data key,
    // made (and written to subject-keys.v1) with the subject's first example.
    Map<String, KStream<String, KeyedOutput>> encrypted =
        outcomes
            .get("ingest-outcome-examples")
            .mapValues(Outcome::example, Named.as("ingest-admitted-examples"))
            .process(
                () -> new ExampleEncryptor(config.masterKeys(), rollInterval, metrics),
                Named.as("ingest-encrypt"),
                SubjectKeyStore.NAME,
                DataKeyCache.NAME)
            .split(Named.as("ingest-encrypted"))
            .branch((subject, output) -> output.isKeyChange(), Branched.as("-keys"))
            .defaultBranch(Branched.as("-examples"));

    encrypted
        .get("ingest-encrypted-examples")
        // Re-key from tenant/subject to the adapter key tenant/adapter, so one adapter's examples
        // stay ordered in one partition. No repartition: to() writes with the new key.
        .map(
            (subject, output) -> {
              TrainingExample example = ((KeyedOutput.Example) output).example();
              return KeyValue.pair(example.getAdapterKey(), example);
            },
            Named.as("ingest-route"))
        .peek(
            (adapterKey, example) ->
                metrics.example(example.getTenant(), example.getKind(), example.getRedactions()),
            Named.as("ingest-examples-count"))
        .to(topics.examples().name(), produced(topics.examples(), "ingest-examples-sink"));

    // Key records are keyed tenant/pseudonym (new keys re-keyed by the encryptor, tombstones by
    // the erasure re-key); roll markers go to every partition.
    encrypted
        .get("ingest-encrypted-keys")
        .merge(erased.get("ingest-shredded-keys"), Named.as("ingest-key-changes"))
        .mapValues(output -> ((KeyedOutput.KeyChange) output).key(), Named.as("ingest-key-records"))
        .to(
            topics.subjectKeys().name(),
            Produced.with(topics.subjectKeys().keySerde(), topics.subjectKeys().valueSerde())
                .withStreamPartitioner(RollMarkers.<SubjectKey>partitioner())
                .withName("ingest-subject-keys-sink"));

    KStream<String, RejectedRecord> consentRejections =
        consent
            .get("ingest-consent-rejected")
            .mapValues(ConsentUpdate::rejection, Named.as("ingest-consent-rejection"));
    outcomes
        .get("ingest-outcome-rejected")
        .mapValues(Outcome::rejection, Named.as("ingest-event-rejection"))
        .merge(consentRejections, Named.as("ingest-rejections"))
        // Re-key from the source key (the app's tenant/subject: a raw user id, or anything) to
        // tenant/pseudonym, or the tenant alone for a key that is not a valid tenant/subject:
        // rejected.v1 must not hold raw user ids, an erased subject's included. No repartition:
        // nothing stateful follows and to() writes with the new key.
        .process(
            () -> new RejectionKeyer(new Pseudonymizer(secret)), Named.as("ingest-rejection-key"))
        .peek(
            (rejectionKey, rejection) ->
                metrics.rejection(rejection.getTenant(), rejection.getReason()),
            Named.as("ingest-rejections-count"))
        .to(topics.rejected().name(), produced(topics.rejected(), "ingest-rejected-sink"));
  }

  /** The built-in redactor, with the tenant's own patterns for tenants that have any. */
  private static Function<String, PiiRedactor> redactors(Map<String, CustomPatterns> custom) {
    PiiRedactor builtIn = new PiiRedactor();
    Map<String, PiiRedactor> byTenant = new HashMap<>();
    custom.forEach((tenant, patterns) -> byTenant.put(tenant, new PiiRedactor(patterns)));
    return tenant -> byTenant.getOrDefault(tenant, builtIn);
  }

  /** The input topics: the shared ones, or every tenant's own by pattern. */
  private record Sources(
      StreamsBuilder builder, String topicPrefix, IngestConfig.InputTopics mode) {

    TenantBinding binding() {
      return mode == IngestConfig.InputTopics.PER_TENANT
          ? TenantBinding.perTenant(topicPrefix)
          : TenantBinding.shared();
    }

    <V> KStream<String, V> stream(Topic<String, V> shared, PerennialTopic kind, String name) {
      return stream(shared.name(), kind, consumed(shared, name));
    }

    <V> KStream<String, V> stream(
        String sharedName, PerennialTopic kind, Consumed<String, V> consumed) {
      return mode == IngestConfig.InputTopics.PER_TENANT
          ? builder.stream(TenantTopics.pattern(topicPrefix, kind), consumed)
          : builder.stream(sharedName, consumed);
    }
  }

  /** The key of an erasure request: {@code tenant/pseudonym}. */
  static String erasureKey(ErasureRequest erasure) {
    return erasure.getTenant() + "/" + erasure.getSubjectPseudonym();
  }

  private static <V> Consumed<String, V> consumed(Topic<String, V> topic, String name) {
    return Consumed.with(topic.keySerde(), topic.valueSerde()).withName(name);
  }

  private static <V> Produced<String, V> produced(Topic<String, V> topic, String name) {
    return Produced.with(topic.keySerde(), topic.valueSerde()).withName(name);
  }
}
