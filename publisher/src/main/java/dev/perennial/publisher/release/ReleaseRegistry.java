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
 * <p>It also holds the quarantined releases: those whose manifest, as read from the release area,
 * did not verify when it was read (at start, or when the area was read again after a failed
 * transaction). Nothing acts on such a manifest: the weight purge leaves the release alone, the
 * read API lists the version as quarantined instead of its fields.
 */
public final class ReleaseRegistry {

  private static final ReleaseRegistry EMPTY =
      new ReleaseRegistry(new TreeMap<>(), new TreeMap<>());

  private final SortedMap<AdapterKey, KeyState> keys;
  private final SortedMap<AdapterKey, SortedMap<Integer, String>> quarantined;

  private ReleaseRegistry(
      SortedMap<AdapterKey, KeyState> keys,
      SortedMap<AdapterKey, SortedMap<Integer, String>> quarantined) {
    this.keys = Collections.unmodifiableSortedMap(keys);
    SortedMap<AdapterKey, SortedMap<Integer, String>> copy = new TreeMap<>();
    quarantined.forEach(
        (key, versions) -> {
          if (!versions.isEmpty()) {
            copy.put(key, Collections.unmodifiableSortedMap(new TreeMap<>(versions)));
          }
        });
    this.quarantined = Collections.unmodifiableSortedMap(copy);
  }

  public static ReleaseRegistry empty() {
    return EMPTY;
  }

  public static ReleaseRegistry of(SortedMap<AdapterKey, KeyState> keys) {
    return new ReleaseRegistry(new TreeMap<>(keys), new TreeMap<>());
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
    return new ReleaseRegistry(next, quarantined);
  }

  /**
   * This registry with {@code quarantined} (version to why, by key) as its quarantined releases.
   */
  public ReleaseRegistry withQuarantined(
      Map<AdapterKey, ? extends Map<Integer, String>> quarantined) {
    SortedMap<AdapterKey, SortedMap<Integer, String>> copy = new TreeMap<>();
    quarantined.forEach((key, versions) -> copy.put(key, new TreeMap<>(versions)));
    return new ReleaseRegistry(new TreeMap<>(keys), copy);
  }

  /** Why the release's manifest is quarantined, or empty when it verified. */
  public Optional<String> quarantine(AdapterKey key, int version) {
    return Optional.ofNullable(quarantined(key).get(version));
  }

  /** The key's quarantined releases, version to why. */
  public SortedMap<Integer, String> quarantined(AdapterKey key) {
    return quarantined.getOrDefault(key, Collections.emptySortedMap());
  }

  /** Every quarantined release, version to why, by key. */
  public SortedMap<AdapterKey, SortedMap<Integer, String>> quarantined() {
    return quarantined;
  }

  /** How many versions are announced across all keys. */
  public long releaseCount() {
    return keys.values().stream()
        .mapToLong(state -> state.releases().keySet().stream().filter(state::isAnnounced).count())
        .sum();
  }
}
