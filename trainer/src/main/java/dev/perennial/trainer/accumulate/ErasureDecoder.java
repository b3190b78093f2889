package dev.perennial.trainer.accumulate;

import dev.perennial.core.ids.RecordIds;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.serde.ReadFailure;
import dev.perennial.schemas.topic.Topic;
import dev.perennial.schemas.v1.ErasureRequest;
import dev.perennial.schemas.v1.SourceRef;
import dev.perennial.trainer.erasure.ErasureRequestIds;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes the {@code erasures.v1} records the accumulator reads as bytes. A registry outage throws
 * (the stream thread is replaced and the record read again). A value that cannot be read (corrupt,
 * unknown schema) is never skipped, which would leave the subject's data in shards and releases:
 * when its key names a subject ({@code tenant/pseudonym}, as ingest keys them), that subject is
 * erased all the same, under the request id {@code erasure-} and the record's {@code
 * topic-partition@offset}, logged at ERROR and counted as {@code
 * perennial.trainer.erasures{outcome=read-from-key}}; every other tenant goes on. Only a record
 * whose key names no subject either stops the accumulator (liveness says why) until an operator
 * moves it past the record. A request that is read but cannot be carried as it is ({@link #usable}:
 * an id that is no id, a source of any size) still erases the subject it or its key names.
 */
final class ErasureDecoder implements FixedKeyProcessor<String, byte[], ErasureRequest> {

  private static final Logger log = LoggerFactory.getLogger(ErasureDecoder.class);

  private final Topic<String, ErasureRequest> topic;

  /** What Kafka allows in a topic's name ({@code org.apache.kafka.common.internals.Topic}). */
  private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  private final Counter readFromKey;
  private final Counter renamedCount;
  private FixedKeyProcessorContext<String, ErasureRequest> context;

  ErasureDecoder(Topic<String, ErasureRequest> topic, MeterRegistry meters) {
    this.topic = topic;
    this.readFromKey =
        Counter.builder("perennial.trainer.erasures")
            .tag("outcome", "read-from-key")
            .register(meters);
    this.renamedCount =
        Counter.builder("perennial.trainer.erasures").tag("outcome", "renamed").register(meters);
  }

  @Override
  public void init(FixedKeyProcessorContext<String, ErasureRequest> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, byte[]> record) {
    if (record.value() == null) {
      return;
    }
    ErasureRequest request;
    try {
      request = topic.valueSerde().deserializer().deserialize(topic.name(), record.value());
    } catch (RuntimeException e) {
      ReadFailure failure = ReadFailure.of(e);
      if (!failure.badRecord()) {
        throw e;
      }
      request = fromKey(record, failure, e);
    }
    context.forward(record.withValue(usable(record, request)));
  }

  /**
   * The request as the accumulator can carry it: its ids are ids and its size is bounded. A request
   * whose value names its subject (a valid tenant and pseudonym) but whose request id is no id, or
   * whose source is no topic position (nothing bounds it: too large, it would be skipped before the
   * repartition topic), erases that subject under the request id and source of the record's
   * position ({@code renamed}); one whose value names no subject erases the subject its key names
   * ({@code read-from-key}). Only a request naming no subject either way goes on as it is, to be
   * skipped and counted: no subject's data can be left behind by it.
   */
  private ErasureRequest usable(FixedKeyRecord<String, byte[]> record, ErasureRequest request) {
    boolean idValid = RecordIds.problem("request id", request.getRequestId()).isEmpty();
    boolean sourceValid = isTopicPosition(request.getSource());
    if (namesSubject(request) && idValid && sourceValid) {
      return request;
    }
    RecordMetadata at = position();
    List<String> problems = ErasureRequestIds.problems(request);
    AdapterKey.nameProblem(request.getTenant()).ifPresent(p -> problems.add("its tenant " + p));
    if (!sourceValid) {
      problems.add("its source is no topic position");
    }
    if (namesSubject(request)) {
      ErasureRequest renamed =
          ErasureRequest.newBuilder(request)
              .setRequestId(idValid ? request.getRequestId() : requestId(at))
              .setSource(sourceValid ? request.getSource() : source(at))
              .build();
      renamedCount.increment();
      log.error(
          "Erasure request {} ({}): erasing its subject of tenant {} as request {}",
          position(at),
          String.join("; ", problems),
          renamed.getTenant(),
          renamed.getRequestId());
      return renamed;
    }
    Optional<ErasureRequest> fromKey = subjectOf(record.key(), record.timestamp(), at);
    if (fromKey.isEmpty()) {
      return request;
    }
    readFromKey.increment();
    log.error(
        "Erasure request {} names no subject ({}): erasing the subject its key names, of tenant {},"
            + " as request {}",
        position(at),
        String.join("; ", problems),
        fromKey.get().getTenant(),
        fromKey.get().getRequestId());
    return fromKey.get();
  }

  private static boolean namesSubject(ErasureRequest request) {
    return AdapterKey.nameProblem(request.getTenant()).isEmpty()
        && ErasureRequestIds.isPseudonym(request.getSubjectPseudonym());
  }

  /** Whether {@code source} names a position of a topic whose name Kafka allows. */
  private static boolean isTopicPosition(SourceRef source) {
    return source != null
        && source.getTopic() != null
        && TOPIC_NAME.matcher(source.getTopic()).matches();
  }

  private RecordMetadata position() {
    return context
        .recordMetadata()
        .orElseThrow(() -> new IllegalStateException("An erasure arrived without its position"));
  }

  private static String position(RecordMetadata at) {
    return at.topic() + "-" + at.partition() + "@" + at.offset();
  }

  /** The request id ingest would give a request at {@code at}. */
  private static String requestId(RecordMetadata at) {
    return "erasure-" + position(at);
  }

  private static SourceRef source(RecordMetadata at) {
    return new SourceRef(at.topic(), at.partition(), at.offset());
  }

  private ErasureRequest fromKey(
      FixedKeyRecord<String, byte[]> record, ReadFailure failure, RuntimeException cause) {
    RecordMetadata at = position();
    String position = position(at);
    Optional<ErasureRequest> request = subjectOf(record.key(), record.timestamp(), at);
    if (request.isEmpty()) {
      throw new IllegalStateException(
          "Cannot read erasure request "
              + position
              + " ("
              + failure
              + ") and its key names no tenant/subject: the accumulator stops instead of"
              + " skipping it, which would leave the subject's data in shards and releases. Have"
              + " the subject's consent revoked again and move the accumulator past this offset"
              + " (trainer README, \"Erasure\")",
          cause);
    }
    readFromKey.increment();
    log.error(
        "Cannot read erasure request {} ({}): erasing the subject its key names, of tenant {},"
            + " as request {}",
        position,
        failure,
        request.get().getTenant(),
        request.get().getRequestId(),
        cause);
    return request.get();
  }

  /** The erasure of the subject a {@code tenant/pseudonym} key names, if it names one. */
  private static Optional<ErasureRequest> subjectOf(String key, long timestamp, RecordMetadata at) {
    int slash = key == null ? -1 : key.indexOf('/');
    if (slash < 0) {
      return Optional.empty();
    }
    String tenant = key.substring(0, slash);
    if (AdapterKey.nameProblem(tenant).isPresent()) {
      return Optional.empty();
    }
    ErasureRequest request =
        ErasureRequest.newBuilder()
            .setRequestId(requestId(at))
            .setTenant(tenant)
            .setSubjectPseudonym(key.substring(slash + 1))
            .setRevokedAt(Instant.ofEpochMilli(timestamp))
            .setSource(source(at))
            .build();
    return ErasureRequestIds.problems(request).isEmpty() ? Optional.of(request) : Optional.empty();
  }
}
