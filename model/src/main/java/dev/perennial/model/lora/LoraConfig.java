package dev.perennial.model.lora;

import dev.perennial.model.ModelException;
import dev.perennial.model.llama.TargetModule;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The shape of a LoRA adapter: rank r, scaling {@code alpha / r}, dropout on the adapter's input
 * during training, and which projections of every layer it adapts.
 */
public record LoraConfig(int rank, double alpha, double dropout, Set<TargetModule> targetModules) {

  public LoraConfig {
    List<String> problems = new ArrayList<>();
    if (rank < 1) {
      problems.add("rank must be at least 1, was " + rank);
    }
    if (!(alpha > 0)) {
      problems.add("alpha must be positive, was " + alpha);
    }
    if (!(dropout >= 0 && dropout < 1)) {
      problems.add("dropout must be in [0, 1), was " + dropout);
    }
    if (targetModules == null || targetModules.isEmpty()) {
      problems.add("target modules must name at least one of q, k, v, o, gate, up, down");
    }
    if (!problems.isEmpty()) {
      throw new ModelException("invalid LoRA config: " + String.join("; ", problems));
    }
    targetModules = Collections.unmodifiableSet(EnumSet.copyOf(targetModules));
  }

  /** Rank 8, alpha 16, no dropout, on every projection. */
  public static LoraConfig defaults() {
    return new LoraConfig(8, 16, 0.0, EnumSet.allOf(TargetModule.class));
  }

  /** The factor on {@code B A x}: alpha / r. */
  public double scaling() {
    return alpha / rank;
  }

  public boolean targets(TargetModule module) {
    return targetModules.contains(module);
  }
}
