package dev.perennial.trainer.shard;

/** A shard's metadata: whose examples it holds, which split, and what it was rewritten from. */
public record ShardHeader(
    String tenant, String adapterKey, ShardSplit split, String predecessor, int exampleCount) {}
