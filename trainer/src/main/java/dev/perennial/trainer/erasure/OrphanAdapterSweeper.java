package dev.perennial.trainer.erasure;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.AdapterFiles;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.core.store.FolderIndex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds adapters a worker stored that no candidate came to name and deletes their weights: a worker
 * killed after storing an adapter (its job is read again and trained into other bytes, or given
 * up), an attempt that failed after storing, a worker whose partition moved. Their folder index
 * names the job they were trained for ({@link AdapterOrigin}, written before any file), so they can
 * be told apart from everything else in the store.
 *
 * <p>An adapter is deleted only once its job is <em>settled</em>: its candidate was committed (and
 * names another location) or the worker gave the job up. Until then a worker may be about to commit
 * it, and it is left alone. Once settled, no worker can commit another outcome of the job: the
 * outcome is committed in the transaction that commits the job's offset, and a worker that lost the
 * partition is refused. Such an adapter is then named by nothing and never will be, whether or not
 * it holds erased data, so it is deleted whole: its weight files ({@link
 * AdapterFiles#holdsWeights}: all but {@code adapter_config.json}) and then its index, less the
 * blobs that {@code held} names (a candidate's or release's: content-addressed blobs are shared).
 *
 * <p>Each sweep lists the store but reads a blob only the first time it sees it (blobs never
 * change; blobs larger than {@link FolderIndex#MAX_INDEX_BYTES} are never read): what it is stays
 * in memory for as long as it is listed, and is read again after a restart.
 */
public final class OrphanAdapterSweeper {

  private static final Logger log = LoggerFactory.getLogger(OrphanAdapterSweeper.class);

  /** A worker's adapter found in the store: whose, and its files (name to digest, hex). */
  private record Found(AdapterOrigin origin, SortedMap<String, String> files) {}

  /** Whether a job of an adapter key is settled: its candidate seen, or given up by the worker. */
  @FunctionalInterface
  public interface Settled {
    boolean test(String adapterKey, String jobId);
  }

  /**
   * One adapter deleted.
   *
   * @param index its folder index (hex)
   * @param deleted its weight blobs (hex) deleted, the index not among them
   * @param kept its weight blobs that a candidate or release holds
   */
  public record Swept(
      String adapterKey, String jobId, String index, List<String> deleted, List<String> kept) {}

  private final ArtifactStore store;

  /** What each listed blob is: a worker's adapter, or empty for anything else. */
  private final Map<Digest, Optional<Found>> seen = new HashMap<>();

  public OrphanAdapterSweeper(ArtifactStore store) {
    this.store = store;
  }

  /**
   * Deletes the tenant's adapters whose jobs are settled and which no candidate or release names.
   *
   * @param held every blob (hex) that a candidate or release of the tenant holds, as far as known
   */
  public List<Swept> sweep(String tenant, Settled settled, Set<String> held) {
    List<Digest> listed = store.list();
    // forget the blobs deleted since (the memory stays as large as the store, no larger)
    seen.keySet().retainAll(new HashSet<>(listed));
    List<Swept> swept = new ArrayList<>();
    for (Digest index : listed) {
      Optional<Found> found = found(index);
      if (found.isEmpty()) {
        continue;
      }
      AdapterOrigin origin = found.get().origin();
      if (!origin.tenant().equals(tenant)
          || held.contains(index.hex())
          || !settled.test(origin.adapterKey(), origin.jobId())) {
        continue;
      }
      List<String> deleted = new ArrayList<>();
      List<String> kept = new ArrayList<>();
      for (Map.Entry<String, String> file : found.get().files().entrySet()) {
        if (!AdapterFiles.holdsWeights(file.getKey())) {
          continue;
        }
        if (held.contains(file.getValue())) {
          kept.add(file.getValue());
        } else if (store.delete(Digest.parse(file.getValue()))) {
          deleted.add(file.getValue());
        }
      }
      // the index last: a sweep that dies before finds the adapter again
      store.delete(index);
      seen.remove(index);
      swept.add(new Swept(origin.adapterKey(), origin.jobId(), index.hex(), deleted, kept));
      log.info(
          "Deleted adapter {} of {}, stored for job {} and named by no candidate (the job is"
              + " settled): weight blobs {}, kept as shared {}",
          index,
          origin.adapterKey(),
          origin.jobId(),
          deleted,
          kept);
    }
    return swept;
  }

  /** The blob as a worker's adapter, or empty; a blob that cannot be read now is not remembered. */
  private Optional<Found> found(Digest digest) {
    Optional<Found> known = seen.get(digest);
    if (known != null) {
      return known;
    }
    Optional<Found> found;
    try {
      found =
          FolderIndex.readIndex(store, digest)
              .flatMap(
                  index ->
                      AdapterOrigin.parse(index.origin())
                          .map(origin -> new Found(origin, index.files())));
    } catch (RuntimeException e) {
      log.warn(
          "Cannot read blob {} to tell whether it is an adapter; the next sweep tries again",
          digest,
          e);
      return Optional.empty();
    }
    seen.put(digest, found);
    return found;
  }
}
