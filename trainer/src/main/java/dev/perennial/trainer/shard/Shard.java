package dev.perennial.trainer.shard;

import dev.perennial.schemas.v1.OffsetRange;
import dev.perennial.schemas.v1.TrainingExample;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The content of a data shard: training examples of one adapter key on one side of the held-out
 * split, in source order. {@code predecessor} is the digest (hex) of the shard a rewrite made this
 * one from (an erasure), followed, one per line, by the shards that one replaced when it was a
 * rewrite too (newest first); null for a shard sealed from pending examples.
 */
public record Shard(
    String tenant,
    String adapterKey,
    ShardSplit split,
    String predecessor,
    List<SourcedExample> examples) {

  public Shard {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(adapterKey, "adapterKey");
    Objects.requireNonNull(split, "split");
    examples = List.copyOf(examples);
  }

  public int exampleCount() {
    return examples.size();
  }

  public long tokenCount() {
    return examples.stream().mapToLong(e -> ExampleContent.tokens(e.example())).sum();
  }

  /** The source positions, merged into contiguous ranges per topic partition. */
  public List<OffsetRange> offsetRanges() {
    return offsetRanges(examples.stream().map(SourcedExample::position).toList());
  }

  /** Every subject (pseudonym) with an example in the shard, sorted. */
  public SortedSet<String> subjects() {
    SortedSet<String> subjects = new TreeSet<>();
    examples.forEach(e -> subjects.add(e.example().getSubjectPseudonym()));
    return subjects;
  }

  /**
   * This shard without the examples of {@code subjectPseudonym}, as a rewrite of {@code digest}
   * (this shard's digest): its predecessor, followed by the shards this one replaced.
   */
  public Shard without(String subjectPseudonym, String digest) {
    List<SourcedExample> kept =
        examples.stream()
            .filter(e -> !e.example().getSubjectPseudonym().equals(subjectPseudonym))
            .toList();
    return new Shard(
        tenant,
        adapterKey,
        split,
        predecessor == null ? digest : digest + "\n" + predecessor,
        kept);
  }

  /** The examples alone. */
  public List<TrainingExample> trainingExamples() {
    return examples.stream().map(SourcedExample::example).toList();
  }

  /** Positions merged into [from, to) ranges, sorted by topic, partition and offset. */
  public static List<OffsetRange> offsetRanges(List<SourcePosition> positions) {
    List<SourcePosition> sorted = new ArrayList<>(new TreeSet<>(positions));
    List<OffsetRange> ranges = new ArrayList<>();
    OffsetRange current = null;
    for (SourcePosition position : sorted) {
      if (current != null
          && current.getTopic().equals(position.topic())
          && current.getPartition() == position.partition()
          && current.getToOffset() == position.offset()) {
        current.setToOffset(position.offset() + 1);
        continue;
      }
      current =
          new OffsetRange(
              position.topic(), position.partition(), position.offset(), position.offset() + 1);
      ranges.add(current);
    }
    return ranges;
  }
}
