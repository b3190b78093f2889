package dev.perennial.ingest.privacy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import javax.crypto.SecretKey;

/**
 * The data keys an {@link ExampleEncryptor} unwrapped last, by key id, so a subject's examples do
 * not each pay an AES-GCM unwrap of the same key. A key id names one data key for good (random,
 * made with the key; re-wrapping keeps it), so a cached key is never wrong; the key store stays the
 * authority on which key a subject has: the encryptor asks the cache only for the id the store
 * holds, so after an erasure (the store's entry gone, a new key made) the erased id is never asked
 * for again and ages out. Least recently used keys leave first; not thread-safe (one per task).
 */
final class DataKeyCache {

  private final Map<String, SecretKey> keys;

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

  /** The data key with this id, unwrapped by {@code unwrap} when it is not held. */
  SecretKey get(String keyId, Function<String, SecretKey> unwrap) {
    return keys.computeIfAbsent(keyId, unwrap);
  }

  /** Holds a key just made. */
  void put(String keyId, SecretKey dataKey) {
    keys.put(keyId, dataKey);
  }

  int size() {
    return keys.size();
  }
}
