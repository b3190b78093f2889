package dev.perennial.schemas.privacy;

import dev.perennial.core.PerennialException;
import dev.perennial.core.crypto.MasterKeys;
import dev.perennial.schemas.topic.Topic;
import dev.perennial.schemas.v1.SubjectKey;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.SecretKey;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Subjects' data keys as {@code subject-keys.v1} holds them, read with a consumer of its own (no
 * group, committed records only) into memory: the wrapped keys by {@code tenant/pseudonym}, and a
 * bounded cache of unwrapped ones. A tombstone removes both, as does {@link #forget}, and marks the
 * subject erased (the set of erased {@code tenant/pseudonym}s is kept; a tombstone stays in the log
 * for the topic's {@code delete.retention.ms}, 24 h by default, after compaction). A lookup that
 * finds no key first reads the topic to its current end: ingest writes a key in the transaction
 * that writes the first example needing it, so a key missing after that was erased when its
 * tombstone or a newer key of the subject was read. Otherwise the lookup settles the log (once per
 * {@link #refresh()}): it notes where the log's written records end (uncommitted ones included) and
 * reads on until every transaction open there is decided. The caller read the example's transaction
 * committed before, so its key, written in that transaction and acknowledged before the commit,
 * lies below that end, and is read by then: a key still neither held nor erased is {@link
 * SubjectKeys.Absent absent}, for good. It is {@link SubjectKeys.Missing missing} instead when the
 * log does not settle within the timeout (a writer holding a transaction open), or when no record
 * at all was read from it (not the log a running ingest writes, which holds at least its roll
 * markers, or a lost one). {@link #refresh()} reads to the end too, so tombstones apply before
 * content is decrypted. {@link #forget} (an erasure request) leaves alone a key read after a
 * tombstone of the subject: ingest writes the tombstone in the transaction of the erasure request,
 * so such a key was made after the erasure, for a later grant. Nothing is kept on disk.
 * Thread-safe.
 */
public final class SubjectKeyTopic implements SubjectKeys, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SubjectKeyTopic.class);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final int UNWRAPPED_CACHE_SIZE = 10_000;

  private final KafkaConsumer<String, SubjectKey> consumer;

  /** Asked only where the log's written records end, uncommitted ones included. */
  private final KafkaConsumer<byte[], byte[]> written;

  private final String topic;
  private final MasterKeys masterKeys;
  private final Duration timeout;
  private final List<TopicPartition> partitions;
  private final Map<String, SubjectKey> wrapped = new HashMap<>();
  private final Set<String> erased = new HashSet<>();

  /** Subjects whose key was read after a tombstone of theirs: a later grant's key. */
  private final Set<String> renewed = new HashSet<>();

  /** Whether any record (key, tombstone or roll marker) was read from the log. */
  private boolean read;

  /** Whether the log was settled since the last {@link #refresh()}. */
  private boolean settled;

  private final Map<String, SecretKey> unwrapped =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SecretKey> eldest) {
          return size() > UNWRAPPED_CACHE_SIZE;
        }
      };

  /**
   * Opens the topic and reads it to its end.
   *
   * @param clientProperties how to reach the broker; a group id among them is ignored
   * @param timeout how long one read to the end may take before it fails
   * @throws PerennialException when the topic does not exist or cannot be read to its end
   */
  public SubjectKeyTopic(
      Map<String, Object> clientProperties,
      Topic<String, SubjectKey> topic,
      MasterKeys masterKeys,
      Duration timeout) {
    Map<String, Object> properties = new HashMap<>(clientProperties);
    properties.remove(ConsumerConfig.GROUP_ID_CONFIG);
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    properties.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "perennial-subject-keys");
    Map<String, Object> endProperties = new HashMap<>(properties);
    endProperties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    endProperties.put(
        ConsumerConfig.CLIENT_ID_CONFIG, properties.get(ConsumerConfig.CLIENT_ID_CONFIG) + "-ends");
    this.written =
        new KafkaConsumer<>(
            endProperties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    try {
      this.consumer =
          new KafkaConsumer<>(
              properties, topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    } catch (RuntimeException e) {
      written.close();
      throw e;
    }
    this.topic = topic.name();
    this.masterKeys = masterKeys;
    this.timeout = timeout;
    try {
      var infos = consumer.partitionsFor(this.topic, timeout);
      if (infos == null || infos.isEmpty()) {
        throw new PerennialException(
            "Topic " + this.topic + " (the subjects' data keys) does not exist");
      }
      this.partitions =
          infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      refresh();
    } catch (RuntimeException e) {
      consumer.close();
      written.close();
      throw e;
    }
    log.info("Read {} subjects' data keys from {}", wrapped.size(), this.topic);
  }

  @Override
  public synchronized Lookup lookup(String tenant, String subjectPseudonym, String keyId) {
    String key = SubjectKeyRecords.recordKey(tenant, subjectPseudonym);
    SubjectKey record = wrapped.get(key);
    if (record == null || !record.getKeyId().equals(keyId)) {
      readToEnd();
      record = wrapped.get(key);
      if (record == null && !erased.contains(key)) {
        if (!settle()) {
          return new Missing();
        }
        record = wrapped.get(key);
      }
      if (record == null) {
        if (erased.contains(key)) {
          return new Erased();
        }
        // a log that never held a record (no key, tombstone or roll marker) is not the one a
        // running ingest writes, or was lost: nothing can be told absent from it
        return read ? new Absent() : new Missing();
      }
      if (!record.getKeyId().equals(keyId)) {
        return new Erased();
      }
    }
    SecretKey dataKey = unwrapped.get(key);
    if (dataKey == null) {
      dataKey = SubjectKeyRecords.unwrap(masterKeys, record);
      unwrapped.put(key, dataKey);
    }
    return new Found(dataKey);
  }

  @Override
  public synchronized boolean wasErased(String tenant, String subjectPseudonym) {
    return erased.contains(SubjectKeyRecords.recordKey(tenant, subjectPseudonym));
  }

  /**
   * Drops what is held of the subject's key and marks the subject erased, unless the key held was
   * read after a tombstone of the subject: ingest wrote that tombstone with the erasure request, so
   * the key came with a later grant (the accumulator met the request late) and stays in use. The
   * earlier key is erased either way (the subject has a newer one).
   */
  @Override
  public synchronized void forget(String tenant, String subjectPseudonym) {
    String key = SubjectKeyRecords.recordKey(tenant, subjectPseudonym);
    if (!renewed.contains(key)) {
      wrapped.remove(key);
    }
    unwrapped.remove(key);
    erased.add(key);
  }

  /**
   * Reads the topic up to its end as of now. A lookup after it settles the log again before it
   * finds a key absent, so only examples read before the last refresh are to be looked up.
   *
   * @throws PerennialException when that takes longer than the timeout
   */
  @Override
  public synchronized void refresh() {
    settled = false;
    readToEnd();
  }

  /**
   * Reads on until every transaction open on the log now is decided: past where its written
   * records, uncommitted ones included, end now. Once per {@link #refresh()}.
   *
   * @return false when the log did not settle within the timeout (a transaction is still open)
   */
  private boolean settle() {
    if (settled) {
      return true;
    }
    if (!readTo(written.endOffsets(partitions, timeout))) {
      log.warn(
          "{} (the subjects' data keys) did not settle within {}: a transaction on it is still"
              + " open; its keys may still come",
          topic,
          timeout);
      return false;
    }
    settled = true;
    return true;
  }

  private void readToEnd() {
    if (!readTo(consumer.endOffsets(partitions, timeout))) {
      throw new PerennialException(
          "Timed out reading " + topic + " (the subjects' data keys) to its end within " + timeout);
    }
  }

  /**
   * Reads and applies records until the position on every partition reaches {@code ends}.
   *
   * @return false when it did not within the timeout
   */
  private boolean readTo(Map<TopicPartition, Long> ends) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (partitions.stream().anyMatch(p -> consumer.position(p, timeout) < ends.get(p))) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      for (ConsumerRecord<String, SubjectKey> record : consumer.poll(POLL)) {
        apply(record.key(), record.value());
      }
    }
    return true;
  }

  /** How many subjects have a key now. */
  public synchronized int size() {
    return wrapped.size();
  }

  private void apply(String key, SubjectKey record) {
    read = true;
    if (key == null) {
      return;
    }
    unwrapped.remove(key);
    if (record == null) {
      wrapped.remove(key);
      erased.add(key);
      renewed.remove(key);
    } else {
      wrapped.put(key, record);
      if (erased.contains(key)) {
        renewed.add(key);
      }
    }
  }

  @Override
  public synchronized void close() {
    consumer.close();
    written.close();
    wrapped.clear();
    unwrapped.clear();
    erased.clear();
    renewed.clear();
  }
}
