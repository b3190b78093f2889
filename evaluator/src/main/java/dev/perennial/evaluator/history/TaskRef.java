package dev.perennial.evaluator.history;

import java.util.List;
import java.util.Objects;

/**
 * A task of a key's score matrix: what one update learnt, named like the update, with the held-out
 * shards (digests, hex) its examples come from. The general set (task 0) has none.
 */
public record TaskRef(String label, List<String> shards) {

  public static final String GENERAL = "general";

  public TaskRef {
    Objects.requireNonNull(label, "label");
    shards = List.copyOf(shards);
  }

  public static TaskRef general() {
    return new TaskRef(GENERAL, List.of());
  }

  public TaskRef withLabel(String newLabel) {
    return new TaskRef(newLabel, shards);
  }
}
