package dev.perennial.publisher.release;

import dev.perennial.schemas.key.AdapterKey;
import java.util.Collections;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything the publisher knows about one adapter key, immutable: the release folders, the highest
 * version announced on {@code releases.v1}, where each alias points, and what was retracted.
 *
 * @param latestVersion highest version announced on {@code releases.v1} (0: none yet)
 * @param releases every readable release folder, by version; may hold a folder whose announcement
 *     was lost in a crash (a version above {@code latestVersion}): its verdict, delivered again,
 *     announces it
 * @param highestFolder highest version folder in the area, readable or not; never handed out again
 */
public record KeyState(
    AdapterKey key,
    int latestVersion,
    SortedMap<Integer, StoredRelease> releases,
    int highestFolder,
    SortedMap<String, Integer> aliases,
    SortedSet<Integer> retracted) {

  public KeyState {
    releases = Collections.unmodifiableSortedMap(new TreeMap<>(releases));
    aliases = Collections.unmodifiableSortedMap(new TreeMap<>(aliases));
    retracted = Collections.unmodifiableSortedSet(new TreeSet<>(retracted));
  }

  public static KeyState empty(AdapterKey key) {
    return new KeyState(key, 0, new TreeMap<>(), 0, new TreeMap<>(), new TreeSet<>());
  }

  public Optional<StoredRelease> release(int version) {
    return Optional.ofNullable(releases.get(version));
  }

  /** Whether the version is published: its folder is there and it was announced. */
  public boolean isAnnounced(int version) {
    return version <= latestVersion && releases.containsKey(version);
  }

  public boolean isRetracted(int version) {
    return retracted.contains(version);
  }

  public Optional<Integer> alias(String alias) {
    return Optional.ofNullable(aliases.get(alias));
  }

  /** The version a candidate was released as, if any. */
  public OptionalInt versionOf(String candidateId) {
    return releases.values().stream()
        .filter(release -> candidateId.equals(release.manifest().candidateId()))
        .mapToInt(StoredRelease::version)
        .findFirst();
  }

  /** The number the next new release gets: above every announced version and every folder. */
  public int nextVersion() {
    return Math.max(latestVersion, highestFolder) + 1;
  }

  public KeyState withRelease(StoredRelease release) {
    SortedMap<Integer, StoredRelease> next = new TreeMap<>(releases);
    next.put(release.version(), release);
    return new KeyState(
        key, latestVersion, next, Math.max(highestFolder, release.version()), aliases, retracted);
  }

  public KeyState withAnnounced(int version) {
    return new KeyState(
        key, Math.max(latestVersion, version), releases, highestFolder, aliases, retracted);
  }

  public KeyState withAlias(String alias, int version) {
    SortedMap<String, Integer> next = new TreeMap<>(aliases);
    next.put(alias, version);
    return new KeyState(key, latestVersion, releases, highestFolder, next, retracted);
  }

  public KeyState withoutAlias(String alias) {
    SortedMap<String, Integer> next = new TreeMap<>(aliases);
    next.remove(alias);
    return new KeyState(key, latestVersion, releases, highestFolder, next, retracted);
  }

  public KeyState withRetracted(int version) {
    SortedSet<Integer> next = new TreeSet<>(retracted);
    next.add(version);
    return new KeyState(key, latestVersion, releases, highestFolder, aliases, next);
  }
}
