package dev.perennial.trainer.accumulate;

import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.serde.ReadFailure;
import dev.perennial.schemas.topic.Topic;
import dev.perennial.schemas.v1.ErasureRequest;
import dev.perennial.schemas.v1.SourceRef;
import dev.perennial.trainer.erasure.ErasureRequestIds;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.Optional;
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
 * moves it past the record.
 */
final class ErasureDecoder implements FixedKeyProcessor<String, byte[], ErasureRequest> {

  private static final Logger log = LoggerFactory.getLogger(ErasureDecoder.class);

  private final Topic<String, ErasureRequest> topic;
  private final Counter readFromKey;
  private FixedKeyProcessorContext<String, ErasureRequest> context;

  ErasureDecoder(Topic<String, ErasureRequest> topic, MeterRegistry meters) {
    this.topic = topic;
    this.readFromKey =
        Counter.builder("perennial.trainer.erasures")
            .tag("outcome", "read-from-key")
            .register(meters);
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
    if (request != null) {
      context.forward(record.withValue(request));
    }
  }

  private ErasureRequest fromKey(
      FixedKeyRecord<String, byte[]> record, ReadFailure failure, RuntimeException cause) {
    RecordMetadata at =
        context
            .recordMetadata()
            .orElseThrow(
                () -> new IllegalStateException("An erasure arrived without its position"));
    String position = at.topic() + "-" + at.partition() + "@" + at.offset();
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
        "Cannot read erasure request {} ({}): erasing the subject its key names, {} of tenant {},"
            + " as request {}",
        position,
        failure,
        request.get().getSubjectPseudonym(),
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
            .setRequestId("erasure-" + at.topic() + "-" + at.partition() + "@" + at.offset())
            .setTenant(tenant)
            .setSubjectPseudonym(key.substring(slash + 1))
            .setRevokedAt(Instant.ofEpochMilli(timestamp))
            .setSource(new SourceRef(at.topic(), at.partition(), at.offset()))
            .build();
    return ErasureRequestIds.problems(request).isEmpty() ? Optional.of(request) : Optional.empty();
  }
}
