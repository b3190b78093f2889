package dev.perennial.publisher.release;

import dev.perennial.schemas.key.AdapterKey;
import java.util.Collections;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The state of every adapter key, immutable: the publisher's single writer replaces it after each
 * committed transaction, readers (the HTTP API) take whichever snapshot is current.
 */
public final class ReleaseRegistry {

  private static final ReleaseRegistry EMPTY = new ReleaseRegistry(new TreeMap<>());

  private final SortedMap<AdapterKey, KeyState> keys;

  private ReleaseRegistry(SortedMap<AdapterKey, KeyState> keys) {
    this.keys = Collections.unmodifiableSortedMap(keys);
  }

  public static ReleaseRegistry empty() {
    return EMPTY;
  }

  public static ReleaseRegistry of(SortedMap<AdapterKey, KeyState> keys) {
    return new ReleaseRegistry(new TreeMap<>(keys));
  }

  public Optional<KeyState> find(AdapterKey key) {
    return Optional.ofNullable(keys.get(key));
  }

  /** The key's state; an empty one for a key never seen. */
  public KeyState get(AdapterKey key) {
    return keys.getOrDefault(key, KeyState.empty(key));
  }

  public SortedMap<AdapterKey, KeyState> keys() {
    return keys;
  }

  public ReleaseRegistry with(KeyState state) {
    SortedMap<AdapterKey, KeyState> next = new TreeMap<>(keys);
    next.put(state.key(), state);
    return new ReleaseRegistry(next);
  }

  /** How many versions are announced across all keys. */
  public long releaseCount() {
    return keys.values().stream()
        .mapToLong(state -> state.releases().keySet().stream().filter(state::isAnnounced).count())
        .sum();
  }
}
