package dev.perennial.trainer.erasure;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.ArtifactNotFoundException;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.trainer.TrainerException;
import dev.perennial.trainer.shard.Shard;
import dev.perennial.trainer.shard.ShardHeader;
import dev.perennial.trainer.shard.ShardReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds shards of a tenant that no index entry names (a seal that wrote its blob and then crashed
 * before its state was committed leaves one) and deletes those holding an erased subject's
 * examples, so that an erasure leaves no blob with the subject's data.
 *
 * <p>Each sweep lists the store, but reads the header of a blob only the first time it sees the
 * blob: a blob never changes, so the tenant its header names (or that it is no shard) is kept in
 * memory for as long as the blob is listed. A burst of erasure requests therefore reads the store's
 * headers once, not once per request; a sweep reads the headers of the blobs written since the last
 * one, and reads in full only the unindexed shards of the request's tenant (there the subject is
 * looked for, every time). A blob whose header could not be read is not remembered: the next sweep
 * tries it again.
 *
 * <p>A sweep also deletes the store's unfinished writes of the tenant's shards (a seal or rewrite
 * killed while it wrote its blob leaves the content written so far, which is no blob).
 */
public final class OrphanShardSweeper {

  private static final Logger log = LoggerFactory.getLogger(OrphanShardSweeper.class);

  /** What {@link #owners} keeps for a blob that is no shard. */
  private static final String NO_SHARD = "";

  private final ArtifactStore store;

  /** The tenant each blob's header names, {@link #NO_SHARD} for blobs that are no shard. */
  private final Map<Digest, String> owners = new HashMap<>();

  public OrphanShardSweeper(ArtifactStore store) {
    this.store = store;
  }

  /**
   * Returns how many orphaned shards were deleted, unfinished writes of the tenant's shards
   * included.
   *
   * @param subjectPseudonym whose examples a deleted shard holds (never logged: lines name {@code
   *     requestId})
   * @param requestId the erasure request the sweep is for
   */
  public int sweep(
      String tenant, String subjectPseudonym, String requestId, Set<String> indexedDigests) {
    List<Digest> listed = store.list();
    // forget the blobs deleted since (the memory stays as large as the store, no larger)
    owners.keySet().retainAll(new HashSet<>(listed));
    int deleted = 0;
    for (Digest digest : listed) {
      if (indexedDigests.contains(digest.hex()) || !tenant.equals(owner(digest))) {
        continue;
      }
      Shard shard;
      try {
        shard = ShardReader.read(store, digest, tenant, null);
      } catch (ArtifactNotFoundException e) {
        continue;
      }
      if (shard.subjects().contains(subjectPseudonym)) {
        store.delete(digest);
        owners.remove(digest);
        deleted++;
        log.warn(
            "Deleted shard {} of {}: no index entry names it and it held examples erased by {}",
            digest,
            shard.adapterKey(),
            requestId);
      }
    }
    return deleted + sweepUnfinishedWrites(tenant, requestId);
  }

  /**
   * Deletes the store's unfinished writes of the tenant's shards: a seal or a rewrite killed while
   * it wrote its blob leaves the content written so far, in clear, which no listing of blobs finds.
   * This task is the tenant's one writer of shards, so none of them is still being written (a
   * re-run writes its blob again). Each goes whichever subjects it holds: its last examples may be
   * cut short, and it is no one's shard.
   */
  private int sweepUnfinishedWrites(String tenant, String requestId) {
    int deleted = 0;
    for (Path file : store.unfinishedWrites()) {
      Optional<ShardHeader> header = ShardReader.unfinishedHeader(file);
      if (header.isEmpty() || !tenant.equals(header.get().tenant())) {
        continue;
      }
      try {
        if (!Files.deleteIfExists(file)) {
          continue;
        }
      } catch (IOException e) {
        throw new TrainerException(
            "Cannot delete the unfinished write " + file + " of a shard of " + tenant + ": " + e,
            e);
      }
      deleted++;
      log.warn(
          "Deleted the unfinished write {} of a shard of {}: a seal or rewrite that died left it;"
              + " erasure {}",
          file.getFileName(),
          header.get().adapterKey(),
          requestId);
    }
    return deleted;
  }

  /** The tenant the blob's header names, {@link #NO_SHARD} when it is none or was unreadable. */
  private String owner(Digest digest) {
    String known = owners.get(digest);
    if (known != null) {
      return known;
    }
    String owner;
    try {
      owner = ShardReader.readableHeader(store, digest).map(ShardHeader::tenant).orElse(NO_SHARD);
    } catch (UncheckedIOException e) {
      log.warn("Cannot read the header of blob {}; the next sweep tries again", digest, e);
      return NO_SHARD;
    }
    owners.put(digest, owner);
    return owner;
  }
}
