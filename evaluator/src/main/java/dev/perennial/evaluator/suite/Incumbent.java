package dev.perennial.evaluator.suite;

import dev.perennial.evaluator.scoring.ModelRef;

/** The release a candidate is compared with: the key's stable release. */
public record Incumbent(int version, String location, ModelRef model) {

  /** {@code v3}. */
  public String label() {
    return "v" + version;
  }
}
