package dev.perennial.publisher.release;

import dev.perennial.core.crypto.Digest;
import dev.perennial.publisher.PublisherException;
import dev.perennial.schemas.key.AdapterKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything the publisher knows about one adapter key, immutable: the release folders, the highest
 * version announced on {@code releases.v1}, where each alias points on each base model, and what
 * was retracted.
 *
 * <p>Versions are numbered per key across bases; aliases are per key <em>and base</em>: an alias
 * points at a version of its base, so servers still on an old base resolve the old base's {@code
 * stable} while servers on the new base get the rebased one. A version's base is the one its
 * manifest names. The key's <em>newest base</em> ({@link #newestBase()}) is what the read API and
 * {@code releases list} answer for when asked for no base.
 *
 * <p>A <em>quarantined</em> release is one whose manifest, as read from the release area, did not
 * verify with the pinned keys ({@code ManifestScreen}): nothing its manifest claims is believed.
 * Its base name, base and lineage are never taken from it (names, newest base and bases come from
 * the key's other releases; {@link #baseOf} gives the base an alias on it lies on, if any), its
 * candidate id is never matched ({@link #versionOf}), it is never an alias's fallback, and {@link
 * ReleaseEvents} names neither its location nor its digests. It keeps its version number,
 * announcement, retraction and the aliases on it, each on the base its record names: those come
 * from {@code releases.v1}, not from the manifest.
 *
 * @param latestVersion highest version announced on {@code releases.v1} (0: none yet)
 * @param releases every readable release folder, by version; may hold a folder whose announcement
 *     was lost in a crash (a version above {@code latestVersion}): its verdict, delivered again,
 *     announces it
 * @param highestFolder highest version folder in the area, readable or not; never handed out again
 * @param baseAliases alias to version, by base digest
 * @param quarantined the quarantined releases, version to why
 * @param unannounced the versions below {@code latestVersion} that were never announced: a folder
 *     whose announcement a crash lost and whose verdict, delivered again, was refused stays in the
 *     area below the next release, and is never served
 */
public record KeyState(
    AdapterKey key,
    int latestVersion,
    SortedMap<Integer, StoredRelease> releases,
    int highestFolder,
    SortedMap<Digest, SortedMap<String, Integer>> baseAliases,
    SortedSet<Integer> retracted,
    SortedMap<Integer, String> quarantined,
    SortedSet<Integer> unannounced) {

  public KeyState {
    releases = Collections.unmodifiableSortedMap(new TreeMap<>(releases));
    SortedMap<Digest, SortedMap<String, Integer>> copy = new TreeMap<>();
    baseAliases.forEach(
        (base, aliases) -> {
          if (!aliases.isEmpty()) {
            copy.put(base, Collections.unmodifiableSortedMap(new TreeMap<>(aliases)));
          }
        });
    baseAliases = Collections.unmodifiableSortedMap(copy);
    retracted = Collections.unmodifiableSortedSet(new TreeSet<>(retracted));
    quarantined = Collections.unmodifiableSortedMap(new TreeMap<>(quarantined));
    unannounced = Collections.unmodifiableSortedSet(new TreeSet<>(unannounced));
  }

  /** A state without quarantined or unannounced releases. */
  public KeyState(
      AdapterKey key,
      int latestVersion,
      SortedMap<Integer, StoredRelease> releases,
      int highestFolder,
      SortedMap<Digest, SortedMap<String, Integer>> baseAliases,
      SortedSet<Integer> retracted) {
    this(
        key,
        latestVersion,
        releases,
        highestFolder,
        baseAliases,
        retracted,
        new TreeMap<>(),
        new TreeSet<>());
  }

  public static KeyState empty(AdapterKey key) {
    return new KeyState(key, 0, new TreeMap<>(), 0, new TreeMap<>(), new TreeSet<>());
  }

  public Optional<StoredRelease> release(int version) {
    return Optional.ofNullable(releases.get(version));
  }

  /** Whether the version is published: its folder is there and it was announced. */
  public boolean isAnnounced(int version) {
    return version <= latestVersion
        && releases.containsKey(version)
        && !unannounced.contains(version);
  }

  /**
   * Whether {@code releases.v1} announced the version, whether or not its folder could be read: at
   * most the latest version and not left unannounced. Such a version is retracted for an erasure
   * even without a folder.
   */
  public boolean wasAnnounced(int version) {
    return version >= 1 && version <= latestVersion && !unannounced.contains(version);
  }

  public boolean isRetracted(int version) {
    return retracted.contains(version);
  }

  /** Why the version's manifest is quarantined, or empty when it verified. */
  public Optional<String> quarantine(int version) {
    return Optional.ofNullable(quarantined.get(version));
  }

  public boolean isQuarantined(int version) {
    return quarantined.containsKey(version);
  }

  /** The releases whose manifest is believed (not quarantined), by version. */
  private SortedMap<Integer, StoredRelease> believed() {
    SortedMap<Integer, StoredRelease> believed = new TreeMap<>(releases);
    believed.keySet().removeAll(quarantined.keySet());
    return believed;
  }

  /**
   * The base a version was trained on, as its manifest names it. For a quarantined version, whose
   * manifest is not believed: the base an alias on it lies on ({@code releases.v1} put it there),
   * empty when no alias points at it.
   */
  public Optional<Digest> baseOf(int version) {
    if (isQuarantined(version)) {
      return baseAliases.entrySet().stream()
          .filter(onBase -> onBase.getValue().containsValue(version))
          .map(Map.Entry::getKey)
          .findFirst();
    }
    return release(version).map(release -> release.manifest().baseModelDigest());
  }

  /**
   * The name the newest manifest on a base gives it, or its digest when none does (a quarantined
   * manifest names nothing).
   */
  public String baseName(Digest base) {
    List<StoredRelease> newestFirst = new ArrayList<>(believed().values());
    Collections.reverse(newestFirst);
    return newestFirst.stream()
        .filter(release -> release.manifest().baseModelDigest().equals(base))
        .map(release -> release.manifest().baseModelName())
        .findFirst()
        .orElse(base.toString());
  }

  /**
   * The base the key moved to last: of the bases with a servable (announced, unretracted) release,
   * the one it arrived on last (see {@link #arrivals}); when no release is servable, the base of
   * the latest arrival. A release published later on an older base (a worker still on it) does not
   * make that base newest again; a release re-based back onto it does. A quarantined release counts
   * on no base.
   */
  public Optional<Digest> newestBase() {
    Map<Digest, Integer> arrivals = arrivals();
    Map<Digest, Boolean> servable = new LinkedHashMap<>();
    believed()
        .forEach(
            (version, release) -> {
              if (isAnnounced(version)) {
                servable.merge(
                    release.manifest().baseModelDigest(),
                    !isRetracted(version),
                    Boolean::logicalOr);
              }
            });
    Optional<Digest> newestServable =
        arrivals.keySet().stream().filter(servable::get).max(Comparator.comparing(arrivals::get));
    return newestServable.isPresent()
        ? newestServable
        : arrivals.keySet().stream().max(Comparator.comparing(arrivals::get));
  }

  /**
   * Every base with an announced release, newest first (by {@link #arrivals}); a quarantined
   * release counts on no base.
   */
  public List<Digest> bases() {
    Map<Digest, Integer> arrivals = arrivals();
    List<Digest> bases = new ArrayList<>(arrivals.keySet());
    bases.sort(Comparator.comparing((Digest base) -> arrivals.get(base)).reversed());
    return bases;
  }

  /**
   * When the key arrived on each base with an announced release: the version of its first release
   * there, or of its latest release re-based onto it (a key moved back to a base it left arrives
   * there again).
   */
  private Map<Digest, Integer> arrivals() {
    Map<Digest, Integer> arrivals = new LinkedHashMap<>();
    believed()
        .forEach(
            (version, release) -> {
              Digest base = release.manifest().baseModelDigest();
              if (isAnnounced(version)
                  && (!arrivals.containsKey(base) || release.manifest().rebased())) {
                arrivals.put(base, version);
              }
            });
    return arrivals;
  }

  /** The aliases on one base. */
  public SortedMap<String, Integer> aliases(Digest base) {
    return baseAliases.getOrDefault(base, Collections.emptySortedMap());
  }

  /** The aliases on the newest base (none when nothing is announced). */
  public SortedMap<String, Integer> aliases() {
    return newestBase().map(this::aliases).orElse(Collections.emptySortedMap());
  }

  /** The version an alias points at on one base. */
  public Optional<Integer> alias(Digest base, String alias) {
    return Optional.ofNullable(aliases(base).get(alias));
  }

  /** The version an alias points at on the newest base. */
  public Optional<Integer> alias(String alias) {
    return Optional.ofNullable(aliases().get(alias));
  }

  /** Every version some alias points at, on any base. */
  public SortedSet<Integer> aliasedVersions() {
    SortedSet<Integer> versions = new TreeSet<>();
    baseAliases.values().forEach(aliases -> versions.addAll(aliases.values()));
    return versions;
  }

  /**
   * The version a candidate was released as, if any. A quarantined release's manifest does not say
   * (a forged candidate id would otherwise keep that candidate's verdict from being released, or
   * announce the forged folder as its release).
   */
  public OptionalInt versionOf(String candidateId) {
    return believed().values().stream()
        .filter(release -> candidateId.equals(release.manifest().candidateId()))
        .mapToInt(StoredRelease::version)
        .findFirst();
  }

  /** The number the next new release gets: above every announced version and every folder. */
  public int nextVersion() {
    return Math.max(latestVersion, highestFolder) + 1;
  }

  public KeyState withRelease(StoredRelease release) {
    Draft next = new Draft(this);
    next.releases.put(release.version(), release);
    next.highestFolder = Math.max(highestFolder, release.version());
    return next.state();
  }

  /**
   * This state with the release folders a scan of the area found: {@code releases} replace the
   * known ones, and the highest folder rises to {@code highestFolder} if that is higher.
   */
  public KeyState withFolders(SortedMap<Integer, StoredRelease> releases, int highestFolder) {
    Draft next = new Draft(this);
    next.releases.clear();
    next.releases.putAll(releases);
    next.highestFolder = Math.max(this.highestFolder, highestFolder);
    return next.state();
  }

  /**
   * This state with the version announced. Announcing a version above the next one leaves the
   * versions in between unannounced for good: their folders (if any) were refused, not announced,
   * since a key's verdicts are decided in order.
   */
  public KeyState withAnnounced(int version) {
    Draft next = new Draft(this);
    for (int between = latestVersion + 1; between < version; between++) {
      next.unannounced.add(between);
    }
    next.unannounced.remove(version);
    next.latestVersion = Math.max(latestVersion, version);
    return next.state();
  }

  /** The alias on the version's own base pointed at the version. */
  public KeyState withAlias(String alias, int version) {
    Digest base =
        baseOf(version)
            .orElseThrow(
                () ->
                    new PublisherException(
                        key + " " + alias + " cannot point at v" + version + ": no such folder"));
    Draft next = new Draft(this);
    next.aliasesOn(base).put(alias, version);
    return next.state();
  }

  /**
   * The alias on {@code base} pointed at the version, as a {@code releases.v1} record names it
   * (whatever the version's manifest claims).
   */
  public KeyState withAlias(Digest base, String alias, int version) {
    if (!releases.containsKey(version)) {
      throw new PublisherException(
          key + " " + alias + " cannot point at v" + version + ": no such folder");
    }
    Draft next = new Draft(this);
    next.aliasesOn(base).put(alias, version);
    return next.state();
  }

  public KeyState withoutAlias(Digest base, String alias) {
    Draft next = new Draft(this);
    next.aliasesOn(base).remove(alias);
    return next.state();
  }

  public KeyState withRetracted(int version) {
    Draft next = new Draft(this);
    next.retracted.add(version);
    return next.state();
  }

  /** This state with {@code quarantined} (version to why) as its quarantined releases. */
  public KeyState withQuarantined(SortedMap<Integer, String> quarantined) {
    Draft next = new Draft(this);
    next.quarantined = quarantined;
    return next.state();
  }

  /**
   * A modifiable copy of a state, so that each wither says only what it changes. An alias map left
   * empty is dropped by the state it builds.
   */
  private static final class Draft {
    private final AdapterKey key;
    private int latestVersion;
    private final SortedMap<Integer, StoredRelease> releases;
    private int highestFolder;
    private final SortedMap<Digest, SortedMap<String, Integer>> baseAliases = new TreeMap<>();
    private final SortedSet<Integer> retracted;
    private SortedMap<Integer, String> quarantined;
    private final SortedSet<Integer> unannounced;

    private Draft(KeyState state) {
      key = state.key;
      latestVersion = state.latestVersion;
      releases = new TreeMap<>(state.releases);
      highestFolder = state.highestFolder;
      state.baseAliases.forEach((base, aliases) -> baseAliases.put(base, new TreeMap<>(aliases)));
      retracted = new TreeSet<>(state.retracted);
      quarantined = state.quarantined;
      unannounced = new TreeSet<>(state.unannounced);
    }

    private SortedMap<String, Integer> aliasesOn(Digest base) {
      return baseAliases.computeIfAbsent(base, b -> new TreeMap<>());
    }

    private KeyState state() {
      return new KeyState(
          key,
          latestVersion,
          releases,
          highestFolder,
          baseAliases,
          retracted,
          quarantined,
          unannounced);
    }
  }
}
