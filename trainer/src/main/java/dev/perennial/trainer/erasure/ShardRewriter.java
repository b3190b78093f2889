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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes one subject's examples from every stored shard of an adapter key that holds any: each
 * such shard is written again without them (a new blob, naming the old one as its predecessor), the
 * index entry points at the new blob and the old blob is deleted. A shard left empty is deleted and
 * leaves the index.
 *
 * <p>A re-run after a crash finds the old blob already deleted; the rewrite it made is found by its
 * predecessor, so the index still ends up consistent.
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
    for (KeyValue<String, ShardEntry> indexed : state.shards(adapterKey)) {
      ShardEntry entry = indexed.value;
      if (!entry.subjects().contains(subjectPseudonym)) {
        continue;
      }
      Digest old = Digest.parse(entry.digest());
      Optional<Shard> current = readOrFindRewrite(old, tenant, adapterKey);
      if (current.isEmpty()) {
        state.deleteShard(indexed.key);
        replaced.put(entry.digest(), null);
        touched(entry, trainTouched);
        continue;
      }
      Shard shard = current.get();
      Shard rewritten = shard.without(subjectPseudonym, old.hex());
      removed += shard.exampleCount() - rewritten.exampleCount();
      touched(entry, trainTouched);
      if (rewritten.examples().isEmpty()) {
        state.deleteShard(indexed.key);
        replaced.put(entry.digest(), null);
      } else {
        Digest digest = ShardWriter.write(store, rewritten);
        state.putShard(indexed.key, ShardEntry.of(digest.hex(), rewritten, entry.jobId()));
        replaced.put(entry.digest(), digest.hex());
      }
      store.delete(old);
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

  /**
   * The shard, or, when its blob is gone, the rewrite an earlier run of this erasure made of it
   * (which already lacks the subject); empty when neither exists.
   */
  private Optional<Shard> readOrFindRewrite(Digest old, String tenant, String adapterKey) {
    try {
      return Optional.of(ShardReader.read(store, old, tenant, adapterKey));
    } catch (ArtifactNotFoundException e) {
      for (Digest candidate : store.list()) {
        Optional<ShardHeader> header = ShardReader.header(store, candidate);
        if (header.isPresent()
            && old.hex().equals(header.get().predecessor())
            && tenant.equals(header.get().tenant())) {
          log.info("Shard {} was already rewritten as {} by an earlier run", old, candidate);
          Shard rewrite = ShardReader.read(store, candidate, tenant, adapterKey);
          // Rewriting it again keeps its content and names the original shard as predecessor.
          return Optional.of(
              new Shard(
                  rewrite.tenant(),
                  rewrite.adapterKey(),
                  rewrite.split(),
                  null,
                  rewrite.examples()));
        }
      }
      log.warn(
          "Shard {} of {} is no longer in the store and has no rewrite; its index entry is dropped"
              + " (an earlier run of this erasure may have emptied it)",
          old,
          adapterKey);
      return Optional.empty();
    }
  }
}
