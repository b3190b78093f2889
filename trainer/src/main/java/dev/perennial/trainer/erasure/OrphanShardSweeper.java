package dev.perennial.trainer.erasure;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.ArtifactNotFoundException;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.trainer.shard.Shard;
import dev.perennial.trainer.shard.ShardHeader;
import dev.perennial.trainer.shard.ShardReader;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds shards of a tenant that no index entry names (a seal that wrote its blob and then crashed
 * before its state was committed leaves one) and deletes those holding an erased subject's
 * examples, so that an erasure leaves no blob with the subject's data. Reads the header of every
 * blob in the store.
 */
public final class OrphanShardSweeper {

  private static final Logger log = LoggerFactory.getLogger(OrphanShardSweeper.class);

  private final ArtifactStore store;

  public OrphanShardSweeper(ArtifactStore store) {
    this.store = store;
  }

  /**
   * Returns how many orphaned shards were deleted.
   *
   * @param subjectPseudonym whose examples a deleted shard holds (never logged: lines name {@code
   *     requestId})
   * @param requestId the erasure request the sweep is for
   */
  public int sweep(
      String tenant, String subjectPseudonym, String requestId, Set<String> indexedDigests) {
    int deleted = 0;
    for (Digest digest : store.list()) {
      if (indexedDigests.contains(digest.hex())) {
        continue;
      }
      Optional<ShardHeader> header = ShardReader.header(store, digest);
      if (header.isEmpty() || !tenant.equals(header.get().tenant())) {
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
        deleted++;
        log.warn(
            "Deleted shard {} of {}: no index entry names it and it held examples erased by {}",
            digest,
            shard.adapterKey(),
            requestId);
      }
    }
    return deleted;
  }
}
