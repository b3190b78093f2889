package dev.perennial.trainer.lineage;

import dev.perennial.core.crypto.Digest;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.TreeSet;

/**
 * One digest for the data a candidate was trained on: SHA-256 of the sorted, newline-joined hex
 * digests of every shard read (training and replay), so two candidates trained on the same shards
 * record the same value and an erased shard changes it.
 */
public final class DataDigest {

  private DataDigest() {}

  /** The digest, or null when no shard was read. */
  public static String of(Collection<Digest> shards) {
    if (shards.isEmpty()) {
      return null;
    }
    TreeSet<String> sorted = new TreeSet<>();
    shards.forEach(shard -> sorted.add(shard.hex()));
    return Digest.of(String.join("\n", sorted).getBytes(StandardCharsets.UTF_8)).hex();
  }
}
