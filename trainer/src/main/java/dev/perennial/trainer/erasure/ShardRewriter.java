package dev.perennial.trainer.erasure;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.ArtifactNotFoundException;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.trainer.accumulate.AccumulatorStores;
import dev.perennial.trainer.accumulate.ShardEntry;
import dev.perennial.trainer.shard.Shard;
import dev.perennial.trainer.shard.ShardHeader;
import dev.perennial.trainer.shard.ShardReader;
import dev.perennial.trainer.shard.ShardSplit;
import dev.perennial.trainer.shard.ShardWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes one subject's examples from every stored shard of an adapter key that holds any: each
 * such shard is written again without them (a new blob, naming the old one as its predecessor), the
 * index entry points at the new blob and the old blob is deleted. A shard left empty is deleted and
 * leaves the index.
 *
 * <p>A re-run after a crash finds the old blob already deleted; the rewrite it made is found by the
 * shards it replaces (its predecessor and, for a rewrite of a rewrite, that one's {@linkplain
 * ShardHeader#ancestors ancestors}), so the index still ends up consistent: also when later
 * erasures of the same uncommitted transaction rewrote that rewrite again and deleted it, the
 * newest rewrite, which lacks their subjects too, takes the entry as it is.
 */
public final class ShardRewriter {

  private static final Logger log = LoggerFactory.getLogger(ShardRewriter.class);

  private final ArtifactStore store;

  public ShardRewriter(ArtifactStore store) {
    this.store = store;
  }

  /**
   * What a rewrite changed.
   *
   * @param replaced old digest (hex) to new digest (hex), or to null when the shard is gone
   * @param trainShardsTouched old digests of training shards that held the subject's examples
   * @param removedExamples examples of the subject removed from shards
   */
  public record Outcome(
      Map<String, String> replaced, Set<String> trainShardsTouched, int removedExamples) {}

  /**
   * @param subjectPseudonym whose examples go (never logged: lines name {@code requestId})
   * @param requestId the erasure request the rewrite is for
   */
  public Outcome rewrite(
      AccumulatorStores state,
      String tenant,
      String adapterKey,
      String subjectPseudonym,
      String requestId) {
    Map<String, String> replaced = new LinkedHashMap<>();
    Set<String> trainTouched = new HashSet<>();
    int removed = 0;
    StoredShards stored = new StoredShards(tenant);
    for (KeyValue<String, ShardEntry> indexed : state.shards(adapterKey)) {
      ShardEntry entry = indexed.value;
      if (!entry.subjects().contains(subjectPseudonym)) {
        continue;
      }
      Digest old = Digest.parse(entry.digest());
      Optional<Current> current = readOrFindRewrite(old, tenant, adapterKey, stored);
      if (current.isEmpty()) {
        state.deleteShard(indexed.key);
        replaced.put(entry.digest(), null);
        touched(entry, trainTouched);
        continue;
      }
      Shard shard = current.get().shard();
      Shard rewritten = shard.without(subjectPseudonym, old.hex());
      removed += shard.exampleCount() - rewritten.exampleCount();
      touched(entry, trainTouched);
      if (rewritten.examples().isEmpty()) {
        state.deleteShard(indexed.key);
        replaced.put(entry.digest(), null);
      } else {
        Optional<Digest> earlier = current.get().rewrite();
        ShardEntry next;
        if (earlier.isPresent() && rewritten.exampleCount() == shard.exampleCount()) {
          // An earlier run's rewrite lacks the subject already: it is the entry as it is. It may
          // lack the subjects of later erasures of that run too, which the entry still lists, so
          // that their re-runs rewrite it again and name their jobs, as their first runs did.
          next = ShardEntry.of(earlier.get().hex(), rewritten, entry.jobId());
          List<String> subjects = new ArrayList<>(entry.subjects());
          subjects.remove(subjectPseudonym);
          next =
              new ShardEntry(
                  next.digest(),
                  next.split(),
                  next.exampleCount(),
                  next.tokenCount(),
                  next.offsetRanges(),
                  List.copyOf(subjects),
                  next.jobId());
        } else {
          Digest written = ShardWriter.write(store, rewritten);
          stored.written(written);
          next = ShardEntry.of(written.hex(), rewritten, entry.jobId());
        }
        state.putShard(indexed.key, next);
        replaced.put(entry.digest(), next.digest());
      }
      store.delete(old);
      stored.deleted(old);
      log.info(
          "Shard {} of {} rewritten for erasure {}: {} -> {} examples",
          old,
          adapterKey,
          requestId,
          shard.exampleCount(),
          rewritten.exampleCount());
    }
    return new Outcome(replaced, trainTouched, removed);
  }

  private static void touched(ShardEntry entry, Set<String> trainTouched) {
    if (entry.split() == ShardSplit.TRAIN) {
      trainTouched.add(entry.digest());
    }
  }

  /** A shard's content, and the digest of the earlier run's rewrite it was read from, if so. */
  private record Current(Shard shard, Optional<Digest> rewrite) {}

  /**
   * The shard, or, when its blob is gone, the newest rewrite an earlier run made of it (which
   * already lacks this erasure's subject, and those of the erasures after it that rewrote it
   * again), its content as a rewrite of what the gone shard replaced; empty when neither exists.
   */
  private Optional<Current> readOrFindRewrite(
      Digest old, String tenant, String adapterKey, StoredShards stored) {
    try {
      return Optional.of(
          new Current(ShardReader.read(store, old, tenant, adapterKey), Optional.empty()));
    } catch (ArtifactNotFoundException e) {
      Digest newest = null;
      int depth = -1;
      int fewest = Integer.MAX_VALUE;
      for (Map.Entry<Digest, ShardHeader> candidate : stored.headers().entrySet()) {
        ShardHeader header = candidate.getValue();
        // how many rewrites lie between the gone shard and this one, less one
        int at = header.replaces().indexOf(old.hex());
        if (at > depth || (at >= 0 && at == depth && header.exampleCount() < fewest)) {
          newest = candidate.getKey();
          depth = at;
          fewest = header.exampleCount();
        }
      }
      if (newest != null) {
        log.info("Shard {} was already rewritten as {} by an earlier run", old, newest);
        Shard rewrite = ShardReader.read(store, newest, tenant, adapterKey);
        List<String> replaces = List.of(rewrite.predecessor().split("\n", -1));
        // what the gone shard replaced itself, so a rewrite of it names that ancestry again
        List<String> older = replaces.subList(depth + 1, replaces.size());
        return Optional.of(
            new Current(
                new Shard(
                    rewrite.tenant(),
                    rewrite.adapterKey(),
                    rewrite.split(),
                    older.isEmpty() ? null : String.join("\n", older),
                    rewrite.examples()),
                Optional.of(newest)));
      }
      log.warn(
          "Shard {} of {} is no longer in the store and has no rewrite; its index entry is dropped"
              + " (an earlier run of this erasure may have emptied it)",
          old,
          adapterKey);
      return Optional.empty();
    }
  }

  /**
   * The headers of the tenant's shards in the store, read once per {@link #rewrite} and only when a
   * shard is found gone (a re-run), then kept current as the rewrite writes and deletes blobs.
   * Listing the store again for every gone shard made a re-run cost (shards found rewritten) x
   * (blobs in the store) header reads, 9.9 s at 400 shards of one tenant: about Streams' 10 s
   * transaction timeout, past which the re-run was aborted and ran again, forever.
   */
  private final class StoredShards {

    private final String tenant;
    private SortedMap<Digest, ShardHeader> headers;

    StoredShards(String tenant) {
      this.tenant = tenant;
    }

    SortedMap<Digest, ShardHeader> headers() {
      if (headers == null) {
        headers = new TreeMap<>();
        for (Digest digest : store.list()) {
          add(digest);
        }
      }
      return headers;
    }

    void written(Digest digest) {
      if (headers != null) {
        add(digest);
      }
    }

    void deleted(Digest digest) {
      if (headers != null) {
        headers.remove(digest);
      }
    }

    private void add(Digest digest) {
      ShardReader.header(store, digest)
          .filter(header -> tenant.equals(header.tenant()))
          .ifPresent(header -> headers.put(digest, header));
    }
  }
}
