package dev.perennial.trainer.accumulate;

import dev.perennial.schemas.serde.ReadFailure;
import dev.perennial.schemas.topic.Topic;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a global store that keeps its topic's records as bytes ({@code bases.v1}, {@code
 * imports.v1}), decoding them on the stream thread that asks. Kafka Streams cannot replace its
 * global thread, so the schema registry is asked here instead: an outage throws (the {@link
 * ReadFailure#OUTAGE} the accumulator waits out by replacing the stream thread), and an unreadable
 * record (corrupt, unknown schema) is logged and read as absent.
 */
final class GlobalStoreReader<V> {

  private static final Logger log = LoggerFactory.getLogger(GlobalStoreReader.class);

  private final KeyValueStore<String, byte[]> store;
  private final Topic<String, V> topic;

  /**
   * What each key's bytes were read as. The punctuation reads every record for every key each time,
   * so a record is decoded, and an unreadable one logged, once until its bytes change.
   */
  private final Map<String, Decoded<V>> decoded = new HashMap<>();

  GlobalStoreReader(KeyValueStore<String, byte[]> store, Topic<String, V> topic) {
    this.store = store;
    this.topic = topic;
  }

  /** The key's record, unless there is none or it is unreadable. */
  Optional<V> get(String key) {
    return read(key, store.get(key));
  }

  /** Every readable record. */
  List<V> all() {
    List<V> all = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = store.all()) {
      it.forEachRemaining(entry -> read(entry.key, entry.value).ifPresent(all::add));
    }
    return all;
  }

  private Optional<V> read(String key, byte[] bytes) {
    if (bytes == null) {
      decoded.remove(key);
      return Optional.empty();
    }
    Decoded<V> known = decoded.get(key);
    if (known != null && Arrays.equals(known.bytes(), bytes)) {
      return known.value();
    }
    Optional<V> value = decode(key, bytes);
    decoded.put(key, new Decoded<>(bytes, value));
    return value;
  }

  private Optional<V> decode(String key, byte[] bytes) {
    try {
      return Optional.ofNullable(
          topic.valueSerde().deserializer().deserialize(topic.name(), bytes));
    } catch (RuntimeException e) {
      ReadFailure failure = ReadFailure.of(e);
      if (!failure.badRecord()) {
        throw e;
      }
      log.warn(
          "Ignoring the unreadable record of key {} on {} ({}): {}",
          key,
          topic.name(),
          failure,
          e.getMessage());
      return Optional.empty();
    }
  }

  private record Decoded<V>(byte[] bytes, Optional<V> value) {}
}
