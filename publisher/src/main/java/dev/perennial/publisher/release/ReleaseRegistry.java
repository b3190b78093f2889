package dev.perennial.publisher.release;

import dev.perennial.schemas.key.AdapterKey;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The state of every adapter key, immutable: the publisher's single writer replaces it after each
 * committed transaction, readers (the HTTP API) take whichever snapshot is current.
 *
 * <p>Each key's state also holds its quarantined releases ({@link KeyState#quarantined}): those
 * whose manifest, as read from the release area, did not verify when it was read (at start, or when
 * the area was read again after a failed transaction). Nothing acts on such a manifest: the weight
 * purge goes by what the release's folder holds, the read API lists the version as quarantined
 * instead of its fields, and {@code releases.v1} records name neither its location nor its digests.
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

  /** This registry with {@code state} as its key's state (its quarantined releases included). */
  public ReleaseRegistry with(KeyState state) {
    SortedMap<AdapterKey, KeyState> next = new TreeMap<>(keys);
    next.put(state.key(), state);
    return new ReleaseRegistry(next);
  }

  /**
   * This registry with {@code quarantined} (version to why, by key) as its quarantined releases;
   * every other release is not quarantined.
   */
  public ReleaseRegistry withQuarantined(
      Map<AdapterKey, ? extends Map<Integer, String>> quarantined) {
    SortedMap<AdapterKey, KeyState> next = new TreeMap<>();
    keys.forEach(
        (key, state) ->
            next.put(
                key,
                state.withQuarantined(
                    quarantined.containsKey(key)
                        ? new TreeMap<>(quarantined.get(key))
                        : new TreeMap<>())));
    quarantined.forEach(
        (key, versions) -> {
          if (!next.containsKey(key) && !versions.isEmpty()) {
            next.put(key, KeyState.empty(key).withQuarantined(new TreeMap<>(versions)));
          }
        });
    return new ReleaseRegistry(next);
  }

  /** Why the release's manifest is quarantined, or empty when it verified. */
  public Optional<String> quarantine(AdapterKey key, int version) {
    return find(key).flatMap(state -> state.quarantine(version));
  }

  /** The key's quarantined releases, version to why. */
  public SortedMap<Integer, String> quarantined(AdapterKey key) {
    return get(key).quarantined();
  }

  /** Every quarantined release, version to why, by key. */
  public SortedMap<AdapterKey, SortedMap<Integer, String>> quarantined() {
    SortedMap<AdapterKey, SortedMap<Integer, String>> all = new TreeMap<>();
    keys.forEach(
        (key, state) -> {
          if (!state.quarantined().isEmpty()) {
            all.put(key, state.quarantined());
          }
        });
    return Collections.unmodifiableSortedMap(all);
  }

  /** How many versions are announced across all keys. */
  public long releaseCount() {
    return keys.values().stream()
        .mapToLong(state -> state.releases().keySet().stream().filter(state::isAnnounced).count())
        .sum();
  }
}
