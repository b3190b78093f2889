package dev.perennial.model.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.perennial.model.ModelException;
import dev.perennial.model.llama.AdapterDelta;
import dev.perennial.model.lora.AdapterStack;
import dev.perennial.model.runtime.EngineArrays;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.train.Batch;
import dev.perennial.model.train.CausalLmLoss;
import dev.perennial.model.train.TokenizedExample;
import dev.perennial.model.train.TrainingExample;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-example log-likelihood and perplexity, in batches without gradients: completion-only for
 * prompt/completion examples (QA), every token for text. With an {@link AdapterStack} each example
 * is scored under its own adapter inside one shared batch.
 */
public final class Scorer {

  private Scorer() {}

  /** Scores every example under the model as it is (base, or base with its LoRA layers). */
  public static List<ExampleScore> score(
      LanguageModel model, List<TrainingExample> examples, int batchSize, int maxLength) {
    return score(model, examples, null, null, batchSize, maxLength);
  }

  /**
   * Scores example i under adapter {@code adapterOf[i]} of the stack, many adapters per batch. The
   * model should be the plain base the adapters were trained on.
   */
  public static List<ExampleScore> scoreWithAdapters(
      LanguageModel base,
      AdapterStack adapters,
      int[] adapterOf,
      List<TrainingExample> examples,
      int batchSize,
      int maxLength) {
    if (adapterOf.length != examples.size()) {
      throw new ModelException(
          adapterOf.length + " adapter choices for " + examples.size() + " examples");
    }
    for (int choice : adapterOf) {
      if (choice < 0 || choice >= adapters.size()) {
        throw new ModelException(
            "adapter index " + choice + " is outside the stack of " + adapters.size());
      }
    }
    return score(base, examples, adapters, adapterOf, batchSize, maxLength);
  }

  private static List<ExampleScore> score(
      LanguageModel model,
      List<TrainingExample> examples,
      AdapterStack adapters,
      int[] adapterOf,
      int batchSize,
      int maxLength) {
    List<ExampleScore> scores = new ArrayList<>(examples.size());
    for (int from = 0; from < examples.size(); from += batchSize) {
      int to = Math.min(examples.size(), from + batchSize);
      List<TokenizedExample> rows = new ArrayList<>(to - from);
      for (int i = from; i < to; i++) {
        rows.add(TokenizedExample.of(examples.get(i), model.tokenizer(), maxLength));
      }
      long[] rowAdapters = null;
      if (adapters != null) {
        rowAdapters = new long[to - from];
        for (int i = from; i < to; i++) {
          rowAdapters[i - from] = adapterOf[i];
        }
      }
      scores.addAll(
          scoreBatch(
              model, Batch.of(rows, model.tokenizer().padId()), rows, adapters, rowAdapters));
    }
    return scores;
  }

  private static List<ExampleScore> scoreBatch(
      LanguageModel model,
      Batch batch,
      List<TokenizedExample> rows,
      AdapterStack adapters,
      long[] rowAdapters) {
    try (NDManager pass = model.manager().newSubManager()) {
      AdapterDelta delta =
          adapters == null ? null : adapters.forRows(EngineArrays.of(pass, rowAdapters));
      NDArray logits = batch.logits(model, pass, delta, false);
      NDArray perRow =
          CausalLmLoss.tokenLosses(logits, batch.targets(pass))
              .mul(batch.weights(pass))
              .sum(new int[] {1});
      float[] nll = perRow.toFloatArray();
      List<ExampleScore> scores = new ArrayList<>(rows.size());
      for (int i = 0; i < rows.size(); i++) {
        scores.add(new ExampleScore(-nll[i], rows.get(i).countedTokens()));
      }
      return scores;
    }
  }
}
