package dev.perennial.trainer.shard;

import java.util.ArrayList;
import java.util.List;

/**
 * A shard's metadata: whose examples it holds, which split, and what it was rewritten from: its
 * {@code predecessor}, and when that was a rewrite too, the shards that one replaced ({@code
 * ancestors}, newest first).
 */
public record ShardHeader(
    String tenant,
    String adapterKey,
    ShardSplit split,
    String predecessor,
    List<String> ancestors,
    int exampleCount) {

  public ShardHeader {
    ancestors = List.copyOf(ancestors);
  }

  /** The header of a shard sealed from pending examples, or rewritten from one. */
  public ShardHeader(
      String tenant, String adapterKey, ShardSplit split, String predecessor, int exampleCount) {
    this(tenant, adapterKey, split, predecessor, List.of(), exampleCount);
  }

  /** Every shard this one replaces, its predecessor first; empty for a sealed shard. */
  public List<String> replaces() {
    List<String> replaces = new ArrayList<>();
    if (predecessor != null) {
      replaces.add(predecessor);
    }
    replaces.addAll(ancestors);
    return replaces;
  }
}
