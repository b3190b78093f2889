package dev.perennial.trainer.shard;

import java.util.Arrays;

/** Which side of the held-out split a shard's examples are on. */
public enum ShardSplit {
  /** Trained on. */
  TRAIN("train"),
  /** Kept for the evaluator; never trained on. */
  HELD_OUT("held-out");

  private final String label;

  ShardSplit(String label) {
    this.label = label;
  }

  /** The name written into a shard's metadata. */
  public String label() {
    return label;
  }

  public static ShardSplit parse(String label) {
    return Arrays.stream(values())
        .filter(split -> split.label.equals(label))
        .findFirst()
        .orElseThrow(
            () -> new IllegalArgumentException("Not a shard split (train, held-out): " + label));
  }
}
