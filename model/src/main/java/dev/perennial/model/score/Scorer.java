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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-example log-likelihood and perplexity, in batches without gradients: completion-only for
 * prompt/completion examples (QA), every token for text (the sequence log-likelihoods the feedback
 * objectives train on, {@link PreferenceLosses#sequenceLogLikelihoods}); and the most likely next
 * token at each of those positions. With an {@link AdapterStack} each example is scored under its
 * own adapter, on the path a {@link MultiAdapterPolicy} chooses.
 */
public final class Scorer {

  private Scorer() {}

  /** Scores every example under the model as it is (base, or base with its LoRA layers). */
  public static List<ExampleScore> score(
      LanguageModel model, List<TrainingExample> examples, int batchSize, int maxLength) {
    return inBatches(model, examples, batchSize, maxLength, null, Scorer::scoreBatch);
  }

  /**
   * Scores example i under adapter {@code adapterOf[i]} of the stack, on the path the policy
   * chooses. The model should be the plain base the adapters were trained on.
   */
  public static List<ExampleScore> scoreWithAdapters(
      LanguageModel base,
      AdapterStack adapters,
      int[] adapterOf,
      List<TrainingExample> examples,
      int batchSize,
      int maxLength,
      MultiAdapterPolicy policy) {
    return withAdapters(
        base, adapters, adapterOf, examples, batchSize, maxLength, policy, Scorer::scoreBatch);
  }

  /**
   * The model's most likely next token (argmax of its logits) at each counted position of every
   * example, teacher-forced on the example's own tokens: what two models' token-level agreement is
   * measured on.
   */
  public static List<int[]> predictions(
      LanguageModel model, List<TrainingExample> examples, int batchSize, int maxLength) {
    return inBatches(model, examples, batchSize, maxLength, null, Scorer::predictBatch);
  }

  /** {@link #predictions} with example i under adapter {@code adapterOf[i]} of the stack. */
  public static List<int[]> predictionsWithAdapters(
      LanguageModel base,
      AdapterStack adapters,
      int[] adapterOf,
      List<TrainingExample> examples,
      int batchSize,
      int maxLength,
      MultiAdapterPolicy policy) {
    return withAdapters(
        base, adapters, adapterOf, examples, batchSize, maxLength, policy, Scorer::predictBatch);
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

  /** The adapters of the batch of examples [from, to), in the pass's memory. */
  private interface BatchAdapters {
    AdapterDelta of(int from, int to, NDManager pass);
  }

  /** Every example under its own adapter, on the path the policy chooses for them. */
  private static <T> List<T> withAdapters(
      LanguageModel model,
      AdapterStack adapters,
      int[] adapterOf,
      List<TrainingExample> examples,
      int batchSize,
      int maxLength,
      MultiAdapterPolicy policy,
      PerBatch<T> perBatch) {
    checkChoices(adapters, adapterOf, examples);
    Map<Integer, List<Integer>> rowsOf = new LinkedHashMap<>();
    for (int i = 0; i < adapterOf.length; i++) {
      rowsOf.computeIfAbsent(adapterOf[i], a -> new ArrayList<>()).add(i);
    }
    int batch = policy.batchRows(batchSize);
    MultiAdapterPolicy.Path path =
        policy.choose(rowsOf.size(), examples.size(), batchSize, adapters.mergedBytes());
    if (path == MultiAdapterPolicy.Path.GATHERED) {
      return inBatches(
          model,
          examples,
          batch,
          maxLength,
          (from, to, pass) ->
              adapters.forRows(
                  EngineArrays.of(
                      pass, Arrays.stream(adapterOf, from, to).asLongStream().toArray())),
          perBatch);
    }
    List<T> values = new ArrayList<>(Collections.nCopies(examples.size(), null));
    for (Map.Entry<Integer, List<Integer>> entry : rowsOf.entrySet()) {
      List<TrainingExample> mine = entry.getValue().stream().map(examples::get).toList();
      // adapter by adapter, each merged or not by its own rows and weights: the paths round
      // differently, and an adapter's scores must not depend on the other adapters of the call
      MultiAdapterPolicy.Path own =
          policy.choose(1, mine.size(), batchSize, adapters.mergedBytes(entry.getKey()));
      List<T> part;
      if (own == MultiAdapterPolicy.Path.GROUPED) {
        AdapterDelta delta = adapters.forAdapter(entry.getKey());
        part = inBatches(model, mine, batch, maxLength, (from, to, pass) -> delta, perBatch);
      } else {
        try (AdapterStack.Merged merged = adapters.merged(entry.getKey())) {
          part = inBatches(model, mine, batch, maxLength, (from, to, pass) -> merged, perBatch);
        }
      }
      for (int k = 0; k < part.size(); k++) {
        values.set(entry.getValue().get(k), part.get(k));
      }
    }
    return values;
  }

  private static <T> List<T> inBatches(
      LanguageModel model,
      List<TrainingExample> examples,
      int batchSize,
      int maxLength,
      BatchAdapters adapters,
      PerBatch<T> perBatch) {
    List<T> values = new ArrayList<>(examples.size());
    for (int from = 0; from < examples.size(); from += batchSize) {
      Interruption.check("scoring");
      int to = Math.min(examples.size(), from + batchSize);
      List<TokenizedExample> rows = new ArrayList<>(to - from);
      for (int i = from; i < to; i++) {
        rows.add(TokenizedExample.of(examples.get(i), model.tokenizer(), maxLength));
      }
      Batch batch = Batch.of(rows, model.tokenizer().padId());
      try (NDManager pass = model.manager().newSubManager()) {
        AdapterDelta delta = adapters == null ? null : adapters.of(from, to, pass);
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
