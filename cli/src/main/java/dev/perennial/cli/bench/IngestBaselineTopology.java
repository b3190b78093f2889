package dev.perennial.cli.bench;

import dev.perennial.schemas.topic.Topic;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.schemas.v1.ConsentChange;
import dev.perennial.schemas.v1.Document;
import dev.perennial.schemas.v1.ExampleKind;
import dev.perennial.schemas.v1.Feedback;
import dev.perennial.schemas.v1.SourceRef;
import dev.perennial.schemas.v1.TrainingExample;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Joined;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * The ingest a team would write without Perennial, doing the same Kafka and Avro work: the three
 * input topics read with the registry's Avro serdes, consent as a changelogged table, every event
 * joined against its subject's consent, turned into a {@code TrainingExample}, remembered in a
 * changelogged window store of admitted event ids (so a re-sent event is dropped), re-keyed by
 * adapter key and written as Avro through the registry, exactly once. Per event it writes what
 * ingest writes: one example and one store changelog record.
 *
 * <p>What it leaves out is Perennial's own per-record work: field validation, the PII scan and
 * redaction, keyed pseudonyms and example ids (HMAC), per-subject encryption with its key store and
 * {@code subject-keys.v1}, rejections to a dead-letter topic, metrics.
 */
public final class IngestBaselineTopology {

  static final String CONSENT_STORE = "bench-baseline-consent-store";
  static final String DEDUP_STORE = "bench-baseline-dedup-store";

  private IngestBaselineTopology() {}

  /**
   * Adds the baseline to {@code builder}.
   *
   * @param examplesTopic where the examples go (TrainingExample values, adapter-key keys)
   * @param written counts the examples written
   */
  public static void build(
      StreamsBuilder builder,
      Topics topics,
      String examplesTopic,
      Duration dedupWindow,
      LongAdder written) {
    Topic<String, ConsentChange> consentTopic = topics.consent();
    KTable<String, ConsentChange> consent =
        builder.table(
            consentTopic.name(),
            Consumed.with(consentTopic.keySerde(), consentTopic.valueSerde())
                .withName("bench-baseline-consent-source"),
            Materialized.<String, ConsentChange, KeyValueStore<Bytes, byte[]>>as(CONSENT_STORE)
                .withKeySerde(Serdes.String())
                .withValueSerde(consentTopic.valueSerde()));

    KStream<String, TrainingExample> documents =
        builder.stream(
                topics.documents().name(),
                consumed(topics.documents(), "bench-baseline-documents-source"))
            .processValues(
                () -> new ToExample<Document>(IngestBaselineTopology::example),
                Named.as("bench-baseline-documents-read"));
    KStream<String, TrainingExample> feedback =
        builder.stream(
                topics.feedback().name(),
                consumed(topics.feedback(), "bench-baseline-feedback-source"))
            .processValues(
                () -> new ToExample<Feedback>(IngestBaselineTopology::example),
                Named.as("bench-baseline-feedback-read"));

    builder.addStateStore(
        Stores.windowStoreBuilder(
            Stores.persistentWindowStore(DEDUP_STORE, dedupWindow, dedupWindow, false),
            Serdes.String(),
            Serdes.String()));
    documents
        .merge(feedback, Named.as("bench-baseline-events"))
        .join(consent, IngestBaselineTopology::admitted, Joined.as("bench-baseline-consent-join"))
        .filter((subject, example) -> example != null, Named.as("bench-baseline-consented"))
        .processValues(
            () -> new FirstAdmission(dedupWindow), Named.as("bench-baseline-dedup"), DEDUP_STORE)
        // Re-key to the adapter key; to() writes with the new key, no repartition (as ingest).
        .map(
            (subject, example) -> KeyValue.pair(example.getAdapterKey(), example),
            Named.as("bench-baseline-route"))
        .peek((adapterKey, example) -> written.increment(), Named.as("bench-baseline-count"))
        .to(
            examplesTopic,
            Produced.with(Serdes.String(), topics.examples().valueSerde())
                .withName("bench-baseline-examples-sink"));
  }

  /** The example with its consent's version; null (dropped) without a training grant. */
  private static TrainingExample admitted(TrainingExample example, ConsentChange consent) {
    if (!consent.getGranted()) {
      return null;
    }
    example.setConsentVersion(String.valueOf(consent.getChangedAt().toEpochMilli()));
    return example;
  }

  static TrainingExample example(Document document, SourceRef source) {
    return start(
            document.getTenant(),
            document.getAdapter(),
            document.getSubject(),
            document.getEventId(),
            source)
        .setKind(ExampleKind.TEXT)
        .setText(document.getContent())
        .setOccurredAt(document.getOccurredAt())
        .build();
  }

  /** Feedback as a correction, the bench's only kind of feedback. */
  static TrainingExample example(Feedback feedback, SourceRef source) {
    return start(
            feedback.getTenant(),
            feedback.getAdapter(),
            feedback.getSubject(),
            feedback.getEventId(),
            source)
        .setKind(ExampleKind.CORRECTION)
        .setPrompt(feedback.getPrompt())
        .setChosen(feedback.getCorrection())
        .setRejected(feedback.getResponse())
        .setRating(feedback.getRating())
        .setOccurredAt(feedback.getOccurredAt())
        .build();
  }

  private static TrainingExample.Builder start(
      String tenant, String adapter, String subject, String eventId, SourceRef source) {
    return TrainingExample.newBuilder()
        .setExampleId(eventId)
        .setAdapterKey(tenant + "/" + (adapter == null ? "default" : adapter))
        .setTenant(tenant)
        .setSubjectPseudonym(subject)
        .setSource(source)
        .setEventId(eventId)
        .setConsentVersion("")
        .setRedactions(Map.of())
        .setIngestedAt(Instant.now());
  }

  private static <V> Consumed<String, V> consumed(Topic<String, V> topic, String name) {
    return Consumed.with(topic.keySerde(), topic.valueSerde()).withName(name);
  }

  /** An event's example, with where it was read. */
  private static final class ToExample<V> implements FixedKeyProcessor<String, V, TrainingExample> {

    private final BiFunction<V, SourceRef, TrainingExample> example;
    private FixedKeyProcessorContext<String, TrainingExample> context;

    ToExample(BiFunction<V, SourceRef, TrainingExample> example) {
      this.example = example;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, TrainingExample> context) {
      this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, V> record) {
      RecordMetadata metadata = context.recordMetadata().orElseThrow();
      SourceRef source = new SourceRef(metadata.topic(), metadata.partition(), metadata.offset());
      context.forward(record.withValue(example.apply(record.value(), source)));
    }
  }

  /** Drops an event admitted before within the window; remembers the others. */
  private static final class FirstAdmission
      implements FixedKeyProcessor<String, TrainingExample, TrainingExample> {

    private final long windowMs;
    private FixedKeyProcessorContext<String, TrainingExample> context;
    private WindowStore<String, String> admitted;

    FirstAdmission(Duration window) {
      this.windowMs = window.toMillis();
    }

    @Override
    public void init(FixedKeyProcessorContext<String, TrainingExample> context) {
      this.context = context;
      this.admitted = context.getStateStore(DEDUP_STORE);
    }

    @Override
    public void process(FixedKeyRecord<String, TrainingExample> record) {
      TrainingExample example = record.value();
      SourceRef source = example.getSource();
      String eventKey = source.getTopic() + "|" + example.getTenant() + "|" + example.getEventId();
      long now = context.currentSystemTimeMs();
      try (WindowStoreIterator<String> seen =
          admitted.fetch(eventKey, Math.max(0, now - windowMs), now)) {
        if (seen.hasNext()) {
          return;
        }
      }
      admitted.put(
          eventKey,
          source.getTopic() + "-" + source.getPartition() + "@" + source.getOffset(),
          now);
      context.forward(record);
    }
  }
}
