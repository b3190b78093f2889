package dev.perennial.trainer.worker;

import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.serde.ReadFailure;
import dev.perennial.schemas.serde.WireFormat;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.TrainerException;
import dev.perennial.trainer.lineage.JobIds;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;

/**
 * The {@code training-jobs.v1} records the worker cannot read as a job (corrupt, or of a schema the
 * registry does not know). Skipped without a word, such a job would stay in flight in the
 * accumulator for good (and an ERASURE job would never be settled), so the worker gives it up as
 * any other job it cannot train ({@link JobSkippedException.Reason#REFUSED}, the detail naming the
 * record and why it cannot be read), in its place among its partition's jobs: it stands in the
 * queue as a job holding only its ids ({@link #standIn}), its offset committed with the give-up.
 *
 * <p>A give-up must name the job, and a record that cannot be read still names it when its key is
 * an adapter key and its value, in the wire format, begins with a job id of that key (every {@code
 * TrainingJob} schema begins with {@code jobId}, {@link JobIds#isJobIdOf}). One naming no job so
 * stops the worker ({@link TrainerException}: liveness names the record), uncommitted, as the
 * accumulator stops on a candidate or release it cannot read: whatever job it was stays in flight
 * otherwise, unseen.
 */
final class UnreadableJobs {

  /** The longest job id read from an unreadable record: longer ones are none. */
  private static final int MAX_JOB_ID = 1024;

  /** Why each stand-in's job is given up, by stand-in record (identity: one per record read). */
  private final Map<ConsumerRecord<String, TrainingJob>, String> why = new IdentityHashMap<>();

  /**
   * A job in place of the record {@code unreadable} is about, holding only its ids (trigger
   * UNKNOWN, no shards): the worker gives it up when its turn comes ({@link #take}).
   *
   * @throws TrainerException when the record names no job: its key is no adapter key, or its value
   *     does not begin with a job id of that key
   */
  ConsumerRecord<String, TrainingJob> standIn(
      RecordDeserializationException unreadable, ReadFailure failure) {
    TopicPartition partition = unreadable.topicPartition();
    String at = partition.topic() + "-" + partition.partition() + "@" + unreadable.offset();
    Optional<String> key = adapterKey(unreadable);
    Optional<String> jobId = key.flatMap(k -> jobId(k, unreadable.valueBuffer()));
    if (jobId.isEmpty()) {
      throw new TrainerException(
          "Cannot read the training job at "
              + at
              + " ("
              + failure
              + "), nor "
              + (key.isEmpty() ? "its key as an adapter key" : "a job id of its key")
              + ": stopping rather than skip it, as the accumulator would wait for that job for"
              + " good. Repair or remove the record (or move the group's offset past it)",
          unreadable);
    }
    TrainingJob ids =
        TrainingJob.newBuilder()
            .setJobId(jobId.get())
            .setAdapterKey(key.get())
            .setTenant(AdapterKey.parse(key.get()).tenant())
            .setTrigger(JobTrigger.UNKNOWN)
            .setShards(List.of())
            .setCreatedAt(Instant.ofEpochMilli(Math.max(0, unreadable.timestamp())))
            .build();
    ConsumerRecord<String, TrainingJob> record =
        new ConsumerRecord<>(
            partition.topic(), partition.partition(), unreadable.offset(), key.get(), ids);
    why.put(
        record,
        "the record at "
            + at
            + " cannot be read as a training job ("
            + failure
            + "); given up under the job id it begins with");
    return record;
  }

  /** Why the stand-in {@code record}'s job is given up, once; empty for a job that was read. */
  Optional<String> take(ConsumerRecord<String, TrainingJob> record) {
    return Optional.ofNullable(why.remove(record));
  }

  /** Whether {@code record} stands in for an unreadable one. */
  boolean isStandIn(ConsumerRecord<String, TrainingJob> record) {
    return why.containsKey(record);
  }

  /** Forgets the stand-ins of partitions that moved to another worker (which reads them anew). */
  void drop(Collection<TopicPartition> partitions) {
    why.keySet()
        .removeIf(
            record -> partitions.contains(new TopicPartition(record.topic(), record.partition())));
  }

  /** The record's key as an adapter key, when it was not the key that failed and reads as one. */
  private static Optional<String> adapterKey(RecordDeserializationException unreadable) {
    if (unreadable.origin() != RecordDeserializationException.DeserializationExceptionOrigin.VALUE
        || unreadable.keyBuffer() == null) {
      return Optional.empty();
    }
    Optional<String> key = utf8(unreadable.keyBuffer().duplicate());
    try {
      key.ifPresent(AdapterKey::parse);
      return key;
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The string the wire-format {@code value} begins with, when it is a job id of the key. */
  static Optional<String> jobId(String adapterKey, ByteBuffer value) {
    if (value == null) {
      return Optional.empty();
    }
    ByteBuffer bytes = value.duplicate();
    if (bytes.remaining() <= WireFormat.HEADER_SIZE || bytes.get() != WireFormat.MAGIC_BYTE) {
      return Optional.empty();
    }
    bytes.position(bytes.position() + WireFormat.HEADER_SIZE - 1);
    byte[] avro = new byte[bytes.remaining()];
    bytes.get(avro);
    BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(avro, null);
    try {
      long length = decoder.readLong();
      if (length < 0 || length > MAX_JOB_ID || length > decoder.inputStream().available()) {
        return Optional.empty();
      }
      byte[] text = new byte[(int) length];
      decoder.readFixed(text);
      return utf8(ByteBuffer.wrap(text)).filter(id -> JobIds.isJobIdOf(adapterKey, id));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The bytes as UTF-8, when they are. */
  private static Optional<String> utf8(ByteBuffer bytes) {
    try {
      return Optional.of(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(bytes)
              .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }
}
