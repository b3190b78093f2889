package dev.perennial.evaluator.evaluate;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.ArtifactNotFoundException;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.core.store.CorruptArtifactException;
import dev.perennial.evaluator.UnusableCandidateException;
import dev.perennial.evaluator.gate.GateNames;
import dev.perennial.evaluator.suite.EvalExample;
import dev.perennial.evaluator.suite.EvaluationContext;
import dev.perennial.evaluator.suite.HeldOutShards;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.ShardRef;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The shards one candidate's evaluation reads, each read once however many sets name it. A shard
 * missing from the store is left out with a note (an erasure rewrote a held-out one; a training one
 * is gone); one that is corrupt or someone else's makes the candidate unusable.
 */
final class CandidateShards {

  private final ArtifactStore store;
  private final AdapterCandidate candidate;
  private final List<String> notes;
  private final Map<Digest, List<EvalExample>> read = new HashMap<>();

  /**
   * @param notes where the notes of missing shards and repeated items go, each note once
   */
  CandidateShards(ArtifactStore store, AdapterCandidate candidate, List<String> notes) {
    this.store = store;
    this.candidate = candidate;
    this.notes = notes;
  }

  /**
   * The examples of the given held-out shards, a record sent again (its copies share an id, so a
   * side too) counted once: one item of evidence, not two.
   *
   * @param present receives the hex digests of the shards found, in order
   */
  List<EvalExample> heldOut(Collection<String> digests, List<String> present) {
    List<EvalExample> items = new ArrayList<>();
    forEachShard(
        digests,
        "Held-out",
        digest -> "Held-out shard " + digest.hex() + " is gone (an erasure rewrote it).",
        present,
        items::addAll);
    Set<EvalExample> examples = new LinkedHashSet<>(items);
    int repeated = items.size() - examples.size();
    if (repeated > 0) {
      notes.add(
          (repeated == 1 ? "1 held-out item repeats" : repeated + " held-out items repeat")
              + " another of the same shards (the same record sent again); each is counted once.");
    }
    return new ArrayList<>(examples);
  }

  /**
   * The questions with a short answer of the candidate's training shards, each once, at most {@link
   * EvaluationContext#TAUGHT_QUESTIONS} spread evenly over them in shard order.
   *
   * @param present receives the hex digests of the training shards found, in order
   */
  List<EvalExample> taughtQuestions(List<String> present) {
    Set<EvalExample> questions = new LinkedHashSet<>();
    List<String> digests = candidate.getShards().stream().map(ShardRef::getDigest).toList();
    forEachShard(
        digests,
        "Training",
        digest ->
            "Training shard " + digest.hex() + " is not in the store; its questions are not asked.",
        present,
        shard -> shard.stream().filter(EvalExample::hasShortAnswer).forEach(questions::add));
    List<EvalExample> all = new ArrayList<>(questions);
    int kept = Math.min(all.size(), EvaluationContext.TAUGHT_QUESTIONS);
    List<EvalExample> spread = new ArrayList<>(kept);
    for (int i = 0; i < kept; i++) {
      spread.add(all.get((int) ((long) i * all.size() / kept)));
    }
    return spread;
  }

  /** Names a set of shards (content-addressed, so the name fixes the examples). */
  static String dataset(String split, List<String> shardDigests) {
    List<String> sorted = new ArrayList<>(new TreeSet<>(shardDigests));
    String joined = String.join(",", sorted);
    return split
        + ":"
        + Digest.of(joined.getBytes(StandardCharsets.UTF_8)).hex().substring(0, 24)
        + ":"
        + sorted.size();
  }

  private void forEachShard(
      Collection<String> digests,
      String split,
      Function<Digest, String> missingNote,
      List<String> present,
      Consumer<List<EvalExample>> action) {
    Set<Digest> parsed = new TreeSet<>();
    digests.forEach(hex -> parsed.add(Digest.parse(hex)));
    for (Digest digest : parsed) {
      List<EvalExample> shard = readShard(digest, split);
      if (shard == null) {
        String note = missingNote.apply(digest);
        if (!notes.contains(note)) {
          notes.add(note);
        }
      } else {
        action.accept(shard);
        present.add(digest.hex());
      }
    }
  }

  /** One shard's examples, read once; null when it is not in the store. */
  private List<EvalExample> readShard(Digest digest, String split) {
    List<EvalExample> shard = read.get(digest);
    if (shard != null) {
      return shard;
    }
    try {
      shard = HeldOutShards.read(store, digest, candidate.getTenant(), candidate.getAdapterKey());
    } catch (ArtifactNotFoundException e) {
      return null;
    } catch (CorruptArtifactException e) {
      throw new UnusableCandidateException(
          GateNames.INTEGRITY, split + " shard " + digest + " is corrupt: " + e.getMessage(), e);
    }
    read.put(digest, shard);
    return shard;
  }
}
