package dev.perennial.model.rebase;

import dev.perennial.model.runtime.BaseModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether an adapter of one base can be carried over to another as it is: the same architecture and
 * shapes (every LoRA matrix fits) and the same tokenizer (the same text gives the same ids, so what
 * the adapter learned about token positions still means the same). Otherwise it must be distilled.
 *
 * @param differences what differs, empty when carrying over is possible
 */
public record Compatibility(List<String> differences) {

  public Compatibility {
    differences = List.copyOf(differences);
  }

  public boolean carryOver() {
    return differences.isEmpty();
  }

  public static Compatibility between(BaseModel from, BaseModel to) {
    List<String> differences = new ArrayList<>();
    if (!from.config().equals(to.config())) {
      differences.add("architecture: " + describe(from) + " vs " + describe(to));
    }
    if (!from.tokenizerDigest().equals(to.tokenizerDigest())) {
      differences.add("tokenizer files: " + from.tokenizerDigest() + " vs " + to.tokenizerDigest());
    }
    return new Compatibility(differences);
  }

  private static String describe(BaseModel base) {
    return String.format(
        "%s %s (%d layers, hidden %d, MLP %d, %d/%d heads of %d, vocabulary %d)",
        base.name(),
        base.config().modelType().hfName(),
        base.config().numHiddenLayers(),
        base.config().hiddenSize(),
        base.config().intermediateSize(),
        base.config().numAttentionHeads(),
        base.config().numKeyValueHeads(),
        base.config().headDim(),
        base.config().vocabSize());
  }

  /** {@code carry-over} or why not. */
  @Override
  public String toString() {
    return carryOver() ? "carry-over" : "distillation (" + String.join("; ", differences) + ")";
  }
}
