package dev.perennial.trainer.accumulate;

import dev.perennial.schemas.v1.OffsetRange;
import dev.perennial.schemas.v1.ShardRef;
import dev.perennial.trainer.shard.Shard;
import dev.perennial.trainer.shard.ShardSplit;
import java.util.List;

/**
 * A stored shard of an adapter key, as the accumulator's index knows it.
 *
 * @param digest the blob's digest (hex)
 * @param subjects the pseudonyms of every subject with an example in it (an erasure rewrites only
 *     shards that list the subject)
 * @param jobId the job that sealed it
 */
public record ShardEntry(
    String digest,
    ShardSplit split,
    int exampleCount,
    long tokenCount,
    List<Range> offsetRanges,
    List<String> subjects,
    String jobId) {

  /** An {@link OffsetRange} in a form Jackson reads back. */
  public record Range(String topic, int partition, long fromOffset, long toOffset) {}

  public static ShardEntry of(String digest, Shard shard, String jobId) {
    return new ShardEntry(
        digest,
        shard.split(),
        shard.exampleCount(),
        shard.tokenCount(),
        shard.offsetRanges().stream()
            .map(r -> new Range(r.getTopic(), r.getPartition(), r.getFromOffset(), r.getToOffset()))
            .toList(),
        List.copyOf(shard.subjects()),
        jobId);
  }

  public ShardRef toShardRef() {
    return new ShardRef(
        digest,
        exampleCount,
        tokenCount,
        offsetRanges.stream()
            .map(r -> new OffsetRange(r.topic(), r.partition(), r.fromOffset(), r.toOffset()))
            .toList());
  }
}
