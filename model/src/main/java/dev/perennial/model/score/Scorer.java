package dev.perennial.model.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.perennial.model.ModelException;
import dev.perennial.model.llama.AdapterDelta;
import dev.perennial.model.lora.AdapterStack;
import dev.perennial.model.runtime.EngineArrays;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.train.Batch;
import dev.perennial.model.train.ChunkedCrossEntropy;
import dev.perennial.model.train.PreferenceLosses;
import dev.perennial.model.train.TokenizedExample;
import dev.perennial.model.train.TrainingExample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Per-example log-likelihood and perplexity, in batches without gradients: completion-only for
 * prompt/completion examples (QA), every token for text (the sequence log-likelihoods the feedback
 * objectives train on, {@link PreferenceLosses#sequenceLogLikelihoods}); and the most likely next
 * token at each of those positions. With an {@link AdapterStack} each example is scored under its
 * own adapter inside one shared batch.
 */
public final class Scorer {

  private Scorer() {}

  /** Scores every example under the model as it is (base, or base with its LoRA layers). */
  public static List<ExampleScore> score(
      LanguageModel model, List<TrainingExample> examples, int batchSize, int maxLength) {
    return inBatches(model, examples, null, null, batchSize, maxLength, Scorer::scoreBatch);
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
    checkChoices(adapters, adapterOf, examples);
    return inBatches(base, examples, adapters, adapterOf, batchSize, maxLength, Scorer::scoreBatch);
  }

  /**
   * The model's most likely next token (argmax of its logits) at each counted position of every
   * example, teacher-forced on the example's own tokens: what two models' token-level agreement is
   * measured on.
   */
  public static List<int[]> predictions(
      LanguageModel model, List<TrainingExample> examples, int batchSize, int maxLength) {
    return inBatches(model, examples, null, null, batchSize, maxLength, Scorer::predictBatch);
  }

  /** {@link #predictions} with example i under adapter {@code adapterOf[i]} of the stack. */
  public static List<int[]> predictionsWithAdapters(
      LanguageModel base,
      AdapterStack adapters,
      int[] adapterOf,
      List<TrainingExample> examples,
      int batchSize,
      int maxLength) {
    checkChoices(adapters, adapterOf, examples);
    return inBatches(
        base, examples, adapters, adapterOf, batchSize, maxLength, Scorer::predictBatch);
  }

  private static void checkChoices(
      AdapterStack adapters, int[] adapterOf, List<TrainingExample> examples) {
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
  }

  /**
   * What one batch gives for each of its rows, from the final hidden states at its counted
   * positions ([counted, hidden]) and the LM head's weight: log-probabilities are computed over
   * chunks of those positions ({@link ChunkedCrossEntropy}), never as logits of every position.
   */
  private interface PerBatch<T> {
    List<T> of(
        NDArray counted, NDArray head, Batch batch, List<TokenizedExample> rows, NDManager pass);
  }

  private static <T> List<T> inBatches(
      LanguageModel model,
      List<TrainingExample> examples,
      AdapterStack adapters,
      int[] adapterOf,
      int batchSize,
      int maxLength,
      PerBatch<T> perBatch) {
    List<T> values = new ArrayList<>(examples.size());
    for (int from = 0; from < examples.size(); from += batchSize) {
      int to = Math.min(examples.size(), from + batchSize);
      List<TokenizedExample> rows = new ArrayList<>(to - from);
      for (int i = from; i < to; i++) {
        rows.add(TokenizedExample.of(examples.get(i), model.tokenizer(), maxLength));
      }
      Batch batch = Batch.of(rows, model.tokenizer().padId());
      try (NDManager pass = model.manager().newSubManager()) {
        AdapterDelta delta = null;
        if (adapters != null) {
          long[] rowAdapters = new long[to - from];
          for (int i = from; i < to; i++) {
            rowAdapters[i - from] = adapterOf[i];
          }
          delta = adapters.forRows(EngineArrays.of(pass, rowAdapters));
        }
        NDArray counted = batch.countedHiddenStates(model, pass, delta, false);
        NDArray head = model.decoder().outputWeight(model.parameterStore(), model.device(), false);
        values.addAll(perBatch.of(counted, head, batch, rows, pass));
      }
    }
    return values;
  }

  private static List<ExampleScore> scoreBatch(
      NDArray counted, NDArray head, Batch batch, List<TokenizedExample> rows, NDManager pass) {
    float[] logProbabilities =
        ChunkedCrossEntropy.targetLogProbabilities(
                counted,
                head,
                EngineArrays.of(pass, batch.countedTargets()),
                positionsPerChunk(head))
            .toFloatArray();
    double[] logLikelihoods = new double[rows.size()];
    long[] positions = batch.countedPositions();
    for (int i = 0; i < positions.length; i++) {
      logLikelihoods[(int) (positions[i] / batch.width())] += logProbabilities[i];
    }
    List<ExampleScore> scores = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      scores.add(new ExampleScore(logLikelihoods[i], rows.get(i).countedTokens()));
    }
    return scores;
  }

  private static List<int[]> predictBatch(
      NDArray counted, NDArray head, Batch batch, List<TokenizedExample> rows, NDManager pass) {
    long[] argmax =
        ChunkedCrossEntropy.argMax(counted, head, positionsPerChunk(head)).toLongArray();
    long[] positions = batch.countedPositions();
    int[] perRow = new int[rows.size()];
    for (long position : positions) {
      perRow[(int) (position / batch.width())]++;
    }
    int[][] predictions = new int[rows.size()][];
    for (int r = 0; r < rows.size(); r++) {
      predictions[r] = new int[perRow[r]];
    }
    int[] next = new int[rows.size()];
    for (int i = 0; i < positions.length; i++) {
      int row = (int) (positions[i] / batch.width());
      predictions[row][next[row]++] = (int) argmax[i];
    }
    return Arrays.asList(predictions);
  }

  private static int positionsPerChunk(NDArray head) {
    return ChunkedCrossEntropy.positionsPerChunk(
        ChunkedCrossEntropy.DEFAULT_CHUNK_LOGITS, head.getShape().get(0));
  }
}
