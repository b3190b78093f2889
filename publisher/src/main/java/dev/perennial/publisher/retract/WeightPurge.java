package dev.perennial.publisher.retract;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.crypto.Ed25519Signatures;
import dev.perennial.core.store.AdapterFiles;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.publisher.manifest.ReleaseManifest;
import dev.perennial.publisher.release.KeyState;
import dev.perennial.publisher.release.PurgeNotice;
import dev.perennial.publisher.release.ReleaseArea;
import dev.perennial.publisher.release.ReleaseRegistry;
import dev.perennial.publisher.release.StoredRelease;
import dev.perennial.publisher.sign.SigningKey;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.ReleaseAction;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the adapter weights of releases retracted because they were trained on erased data (every
 * retraction is one: operators roll back aliases, they do not retract). From the release folder go
 * the weight files ({@link #weightFiles}); the signed manifest, its signature and the folder stay,
 * with a signed {@link PurgeNotice} saying what went. From the artifact store go the blobs of those
 * files and the adapter's folder index ({@code artifactLocation}), each unless a release that is
 * not retracted holds the same blob (the store is content-addressed, so identical files share one).
 *
 * <p>The weights of an unannounced version ({@link KeyState#unannounced}: a folder whose
 * announcement never committed, below a later announced release) go the same way: it is never
 * served, and no erasure names it (the trainer knows releases from {@code releases.v1} only), so
 * its copies of a candidate's weights would otherwise stay readable in the area for good, whatever
 * data it was trained on. Its notice says so ({@value #NEVER_ANNOUNCED}).
 *
 * <p>It runs after the RETRACTED record is committed (and after any record that names unannounced
 * versions), and again at start over every retracted or unannounced version that still has weights
 * or no notice, so a crash in between is finished on restart. A purge that fails (the store or the
 * folder cannot be written, the store's volume is gone) is kept {@link #pending} and tried again
 * while the publisher runs ({@link #retryDue}), after pauses from {@value #FIRST_RETRY_SECONDS} s
 * doubling up to {@value #MAX_RETRY_SECONDS} s, never given up: the erased data's weights must go.
 *
 * <p>It never acts on a manifest that did not verify when the publisher read it ({@link
 * ReleaseRegistry#quarantine}). A quarantined retracted release is purged by what its folder holds
 * ({@link FolderDigests#weightFiles}): those files go, with the blobs of their actual bytes, and
 * its notice names them with those digests; once it has this publisher's signed notice, only the
 * blobs the notice names go from the store (weight files found in the folder later go from the
 * folder only, so a blob copied into it is not deleted from the store); its folder index ({@code
 * artifactLocation}) is known only from the manifest, so it stays until a start where that
 * verifies. A quarantined release that is not retracted holds the blobs of the files its folder
 * holds, whatever its manifest claims. No blob a release that is not retracted holds is deleted.
 */
public final class WeightPurge {

  private static final Logger log = LoggerFactory.getLogger(WeightPurge.class);

  /** PEFT's configuration (rank, alpha, target modules): no trained values; kept. */
  public static final String ADAPTER_CONFIG = AdapterFiles.CONFIG_FILE;

  /** Why an unannounced version's weights were purged, as its notice says it. */
  static final String NEVER_ANNOUNCED =
      "never announced: its folder was written but its release did not commit, and a later version"
          + " was announced; it is never served";

  static final long FIRST_RETRY_SECONDS = 2;
  static final long MAX_RETRY_SECONDS = 300;

  private final ReleaseArea area;
  private final ArtifactStore store;
  private final SigningKey signer;
  private final Clock clock;

  /** The purges that failed, by release ({@code key vN}), until one of their retries succeeds. */
  private final Map<String, Pending> pending = new ConcurrentSkipListMap<>();

  private final AtomicLong failures = new AtomicLong();

  /**
   * A purge that failed and is tried again from {@code due} on.
   *
   * @param retraction the RETRACTED record's reason, for the notice (null when not at hand)
   * @param failures how many attempts failed so far
   * @param problem why the last attempt failed
   */
  public record Pending(
      AdapterKey key, int version, String retraction, int failures, Instant due, String problem) {

    /** The release, as readiness names it: {@code acme/support v2}. */
    public String release() {
      return key + " v" + version;
    }
  }

  /**
   * What one purge deleted.
   *
   * @param files files deleted from the release folder now
   * @param blobs blobs deleted from the artifact store now
   * @param shared blobs kept because a release that is not retracted holds them too
   */
  public record Result(
      AdapterKey key, int version, List<String> files, List<Digest> blobs, List<Digest> shared) {}

  public WeightPurge(ReleaseArea area, ArtifactStore store, SigningKey signer, Clock clock) {
    this.area = area;
    this.store = store;
    this.signer = signer;
    this.clock = clock;
  }

  /** The files a purge deletes: every file of the manifest but {@value #ADAPTER_CONFIG}. */
  public static SortedMap<String, Digest> weightFiles(ReleaseManifest manifest) {
    SortedMap<String, Digest> files = new TreeMap<>(manifest.files());
    files.keySet().removeIf(name -> !AdapterFiles.holdsWeights(name));
    return files;
  }

  /** Whether a retracted release still has weights in its folder, or no purge notice yet. */
  public static boolean needsPurge(StoredRelease release) {
    return !PurgeNotice.isPurged(release.folder())
        || weightFiles(release.manifest()).keySet().stream()
            .anyMatch(name -> Files.exists(release.folder().resolve(name)));
  }

  /**
   * Whether a retracted release whose manifest is quarantined still has weight files in its folder
   * (by what it holds), or no purge notice yet.
   */
  private static boolean needsPurgeByFolder(StoredRelease release) {
    return !PurgeNotice.isPurged(release.folder())
        || !FolderDigests.weightFiles(release.folder()).isEmpty();
  }

  /**
   * Purges one retracted or unannounced version (nothing when it is neither or has no folder).
   *
   * @param registry the state after the retraction: which releases still hold which blobs
   */
  public Optional<Result> purge(ReleaseRegistry registry, AdapterKey key, int version) {
    return purge(registry, key, version, null);
  }

  /**
   * Purges one retracted or unannounced version, its notice naming why ({@code retraction}, the
   * RETRACTED record's reason or {@link #NEVER_ANNOUNCED}; null when it is not at hand).
   */
  private Optional<Result> purge(
      ReleaseRegistry registry, AdapterKey key, int version, String retraction) {
    KeyState state = registry.get(key);
    Optional<StoredRelease> release = state.release(version);
    if (!purgeable(state).contains(version) || release.isEmpty()) {
      return Optional.empty();
    }
    boolean quarantined = registry.quarantine(key, version).isPresent();
    ReleaseManifest manifest = release.get().manifest();
    // a quarantined manifest is not believed: what the folder holds goes, named as it is
    SortedMap<String, Digest> weights =
        quarantined ? FolderDigests.weightFiles(release.get().folder()) : weightFiles(manifest);
    SortedSet<Digest> held = heldBlobs(registry);
    SortedSet<Digest> candidates = new TreeSet<>(weights.values());
    if (quarantined) {
      Optional<PurgeNotice> notice = ownNotice(release.get());
      if (notice.isPresent()) {
        // purged before: only the blobs this publisher's signed notice names go from the store
        // (what the folder held then, a crashed purge's included); files found in the folder now
        // were put there since (a blob copied in from the store, say) and go from the folder only
        candidates = new TreeSet<>(notice.get().files().values());
      }
    } else {
      location(manifest).ifPresent(candidates::add);
    }
    List<String> files =
        area.purge(
            release.get(),
            PurgeNotice.of(key, version, weights, signer.keyId(), clock.instant(), retraction),
            signer);
    List<Digest> blobs = new ArrayList<>();
    List<Digest> shared = new ArrayList<>();
    for (Digest blob : candidates) {
      if (held.contains(blob)) {
        shared.add(blob);
      } else if (store.delete(blob)) {
        blobs.add(blob);
      }
    }
    Result result = new Result(key, version, files, blobs, shared);
    log.info(
        "Purged the weights of {} v{} ({}): files {}, blobs {}, kept as shared {}",
        key,
        version,
        state.isRetracted(version) ? "retracted, trained on erased data" : "never announced",
        files,
        blobs,
        shared);
    return Optional.of(result);
  }

  /**
   * Purges the versions that committed records retracted (their RETRACTED records), and the
   * unannounced versions they name that still hold weights. A version that cannot be purged is
   * logged and kept {@link #pending} for {@link #retryDue} (and {@link #completeRetracted} at the
   * next start): the retraction stands either way.
   *
   * @param registry the state with those records applied
   */
  public List<Result> purgeRetracted(ReleaseRegistry registry, List<AdapterRelease> committed) {
    List<Result> results = new ArrayList<>();
    for (AdapterRelease record : committed) {
      AdapterKey key = AdapterKey.parse(record.getAdapterKey());
      if (record.getAction() == ReleaseAction.RETRACTED) {
        purgeOrRetry(registry, key, record.getVersion(), record.getReason())
            .ifPresent(results::add);
      }
      KeyState state = registry.get(key);
      for (int version : record.getUnannouncedVersions()) {
        Optional<StoredRelease> release = state.release(version);
        if (release.isPresent()
            && state.unannounced().contains(version)
            && !pending.containsKey(release.get().key() + " v" + version)
            && stillHoldsWeights(registry, release.get())) {
          purgeOrRetry(registry, key, version, NEVER_ANNOUNCED).ifPresent(results::add);
        }
      }
    }
    return results;
  }

  private Optional<Result> purgeOrRetry(
      ReleaseRegistry registry, AdapterKey key, int version, String why) {
    try {
      return purge(registry, key, version, why);
    } catch (RuntimeException e) {
      failed(key, version, why, e);
      return Optional.empty();
    }
  }

  /** Whether a purgeable release's folder still holds weight files or lacks its notice. */
  private static boolean stillHoldsWeights(ReleaseRegistry registry, StoredRelease release) {
    return registry.quarantine(release.key(), release.version()).isPresent()
        ? needsPurgeByFolder(release)
        : needsPurge(release);
  }

  /**
   * The versions whose weights go: those retracted (trained on erased data) and those never
   * announced ({@link KeyState#unannounced}: never served, named by no erasure).
   */
  private static SortedSet<Integer> purgeable(KeyState state) {
    SortedSet<Integer> versions = new TreeSet<>(state.retracted());
    versions.addAll(state.unannounced());
    return versions;
  }

  /**
   * Finishes every purge a crash left undone: each retracted or unannounced version that still has
   * weights in its folder or no notice, or whose weights' blobs the store still holds. A version
   * that cannot be purged is logged and kept {@link #pending} for {@link #retryDue}.
   */
  public List<Result> completeRetracted(ReleaseRegistry registry) {
    List<Result> results = new ArrayList<>();
    SortedSet<Digest> held = heldBlobs(registry);
    for (KeyState state : registry.keys().values()) {
      for (int version : purgeable(state)) {
        Optional<StoredRelease> release = state.release(version);
        if (release.isEmpty()) {
          continue;
        }
        Optional<String> quarantined = registry.quarantine(state.key(), version);
        try {
          boolean left =
              quarantined.isPresent()
                  ? needsPurgeByFolder(release.get())
                      || leftInStore(noticedBlobs(release.get()), held)
                  : needsPurge(release.get()) || leftInStore(blobsOf(release.get()), held);
          if (!left) {
            continue;
          }
          String what = state.isRetracted(version) ? "retracted" : "never announced";
          if (quarantined.isPresent()) {
            log.warn(
                "{} v{} is {} but its weights are not purged yet; its manifest is"
                    + " quarantined ({}), so the files its folder holds are purged",
                state.key(),
                version,
                what,
                quarantined.get());
          } else {
            log.warn(
                "{} v{} is {} but its weights are not purged yet; purging",
                state.key(),
                version,
                what);
          }
          purge(registry, state.key(), version, state.isRetracted(version) ? null : NEVER_ANNOUNCED)
              .ifPresent(results::add);
        } catch (RuntimeException e) {
          failed(state.key(), version, state.isRetracted(version) ? null : NEVER_ANNOUNCED, e);
        }
      }
    }
    return results;
  }

  /**
   * Tries again each failed purge whose pause is over (on the publisher's thread, between records):
   * one that succeeds, or whose release is no longer retracted or gone, is pending no more; one
   * that fails again waits a longer pause.
   *
   * @param registry the current state: which releases still hold which blobs
   * @return the purges done now
   */
  public List<Result> retryDue(ReleaseRegistry registry) {
    List<Result> results = new ArrayList<>();
    Instant now = clock.instant();
    for (Pending due : List.copyOf(pending.values())) {
      if (due.due().isAfter(now)) {
        continue;
      }
      log.warn(
          "Purging the weights of retracted {}, retry {} (the last attempt failed: {})",
          due.release(),
          due.failures(),
          due.problem());
      try {
        Optional<Result> result = purge(registry, due.key(), due.version(), due.retraction());
        pending.remove(due.release());
        result.ifPresent(results::add);
      } catch (RuntimeException e) {
        failed(due.key(), due.version(), due.retraction(), e);
      }
    }
    return results;
  }

  /**
   * The purges that failed and wait for a retry, by release ({@code acme/support v2}): the erased
   * data's weights that may still be readable.
   */
  public SortedMap<String, Pending> pending() {
    return new TreeMap<>(pending);
  }

  /** How many purge attempts failed since the publisher started. */
  public long failedAttempts() {
    return failures.get();
  }

  /** Counts and logs a failed attempt and schedules the next one. */
  private void failed(AdapterKey key, int version, String retraction, RuntimeException e) {
    failures.incrementAndGet();
    String release = key + " v" + version;
    Pending previous = pending.get(release);
    int failed = previous == null ? 1 : previous.failures() + 1;
    long pause = Math.min(FIRST_RETRY_SECONDS << Math.min(failed - 1, 20), MAX_RETRY_SECONDS);
    String why = e.getMessage() == null ? e.toString() : e.getMessage();
    pending.put(
        release,
        new Pending(key, version, retraction, failed, clock.instant().plusSeconds(pause), why));
    log.error(
        "Cannot purge the weights of retracted {} (attempt {}), they stay readable; retry in {} s:"
            + " {}",
        release,
        failed,
        pause,
        why,
        e);
  }

  /**
   * Whether the store still holds one of {@code blobs} that the purge of a retracted release
   * deletes (a crash after its folder was purged, before the store's blobs were).
   */
  private boolean leftInStore(SortedSet<Digest> blobs, SortedSet<Digest> held) {
    return blobs.stream().anyMatch(blob -> !held.contains(blob) && store.exists(blob));
  }

  /** The blobs the purge of a release whose manifest is believed deletes: weights, folder index. */
  private static SortedSet<Digest> blobsOf(StoredRelease release) {
    SortedSet<Digest> blobs = new TreeSet<>(weightFiles(release.manifest()).values());
    location(release.manifest()).ifPresent(blobs::add);
    return blobs;
  }

  /**
   * The blobs of the files the folder's purge notice says were deleted, when the notice is this
   * publisher's (its signature verifies with the signing key); none otherwise. For a release whose
   * manifest is quarantined, the notice is what says which blobs its folder held before a crash.
   */
  private SortedSet<Digest> noticedBlobs(StoredRelease release) {
    SortedSet<Digest> blobs = new TreeSet<>();
    ownNotice(release).ifPresent(notice -> blobs.addAll(notice.files().values()));
    return blobs;
  }

  /**
   * The folder's purge notice when it is this publisher's (its signature verifies with the signing
   * key, it names this release); empty otherwise.
   */
  private Optional<PurgeNotice> ownNotice(StoredRelease release) {
    try {
      Optional<PurgeNotice> notice = PurgeNotice.read(release.folder());
      if (notice.isPresent()
          && notice.get().adapterKey().equals(release.key())
          && notice.get().version() == release.version()
          && Ed25519Signatures.verify(
              signer.publicKey(),
              notice.get().bytes(),
              ReleaseArea.readPurgeSignature(release.folder()))) {
        return notice;
      }
    } catch (RuntimeException e) {
      log.warn(
          "{} v{}: its purge notice cannot be read, so no blob is taken from it: {}",
          release.key(),
          release.version(),
          e.getMessage());
    }
    return Optional.empty();
  }

  /**
   * Every blob a release that is neither retracted nor unannounced holds: its files and its folder
   * index; for a quarantined one, whose manifest is not to be believed, the files its folder holds.
   */
  private static SortedSet<Digest> heldBlobs(ReleaseRegistry registry) {
    SortedSet<Digest> held = new TreeSet<>();
    for (KeyState state : registry.keys().values()) {
      SortedSet<Integer> purgeable = purgeable(state);
      for (StoredRelease release : state.releases().values()) {
        if (purgeable.contains(release.version())) {
          continue;
        }
        if (registry.quarantine(state.key(), release.version()).isPresent()) {
          held.addAll(FolderDigests.of(release.folder()));
        } else {
          held.addAll(release.manifest().files().values());
          location(release.manifest()).ifPresent(held::add);
        }
      }
    }
    return held;
  }

  /** The folder index blob of the release's adapter, when its location is one. */
  private static Optional<Digest> location(ReleaseManifest manifest) {
    String location = manifest.artifactLocation();
    if (location == null || !location.startsWith(Digest.PREFIX)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Digest.parse(location));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
