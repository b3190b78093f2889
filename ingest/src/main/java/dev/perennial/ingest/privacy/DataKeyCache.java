package dev.perennial.ingest.privacy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import javax.crypto.SecretKey;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * The data keys a task unwrapped last, by key id, so a subject's examples do not each pay an
 * AES-GCM unwrap of the same key. A key id names one data key for good (random, made with the key;
 * re-wrapping keeps it), so a held key is never wrong; the key store stays the authority on which
 * key a subject has. A state store of the task without changelog, only so that the task's {@link
 * ExampleEncryptor} (which fills it) and {@link KeyShredder} (which takes an erased subject's key
 * out with the erasure, so it does not linger in the heap until pushed out) share it; Streams
 * closes it, emptied, with the task. Least recently used keys leave first; not thread-safe (one per
 * task).
 */
public final class DataKeyCache implements StateStore {

  /** The store's name (no changelog: unwrapped keys never leave the heap). */
  public static final String NAME = "ingest-data-key-cache";

  /** Data keys held unwrapped per task: the subjects active at once, about 100 bytes each. */
  static final int CAPACITY = 10_000;

  private final Map<String, SecretKey> keys;
  private boolean open;

  /**
   * @param capacity how many data keys are held at most
   */
  DataKeyCache(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
    }
    this.keys =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, SecretKey> eldest) {
            return size() > capacity;
          }
        };
  }

  /** The store's builder, for the topology. */
  public static StoreBuilder<DataKeyCache> builder() {
    return new Builder();
  }

  /** The data key with this id, unwrapped by {@code unwrap} when it is not held. */
  SecretKey get(String keyId, Function<String, SecretKey> unwrap) {
    return keys.computeIfAbsent(keyId, unwrap);
  }

  /** Holds a key just made. */
  void put(String keyId, SecretKey dataKey) {
    keys.put(keyId, dataKey);
  }

  /** Lets an erased key go. */
  void evict(String keyId) {
    keys.remove(keyId);
  }

  /** Whether the data key with this id is held unwrapped. */
  public boolean holds(String keyId) {
    return keys.containsKey(keyId);
  }

  int size() {
    return keys.size();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    // nothing to restore: no changelog
    context.register(root, (key, value) -> {});
    open = true;
  }

  @Override
  public void close() {
    keys.clear();
    open = false;
  }

  @Override
  public boolean persistent() {
    return false;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public Position getPosition() {
    return Position.emptyPosition();
  }

  /** Builds the cache; it has neither changelog nor record cache, and refuses either. */
  private static final class Builder implements StoreBuilder<DataKeyCache> {

    @Override
    public StoreBuilder<DataKeyCache> withCachingEnabled() {
      throw new UnsupportedOperationException(NAME + " is itself a cache of objects, not bytes");
    }

    @Override
    public StoreBuilder<DataKeyCache> withCachingDisabled() {
      return this;
    }

    @Override
    public StoreBuilder<DataKeyCache> withLoggingEnabled(Map<String, String> config) {
      throw new UnsupportedOperationException(
          NAME + " has no changelog: unwrapped data keys must not be written anywhere");
    }

    @Override
    public StoreBuilder<DataKeyCache> withLoggingDisabled() {
      return this;
    }

    @Override
    public DataKeyCache build() {
      return new DataKeyCache(CAPACITY);
    }

    @Override
    public Map<String, String> logConfig() {
      return Map.of();
    }

    @Override
    public boolean loggingEnabled() {
      return false;
    }

    @Override
    public String name() {
      return NAME;
    }
  }
}
