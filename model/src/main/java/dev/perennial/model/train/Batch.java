package dev.perennial.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.perennial.model.llama.AdapterDelta;
import dev.perennial.model.llama.DecoderLayer;
import dev.perennial.model.llama.DecoderModel;
import dev.perennial.model.llama.ForwardContext;
import dev.perennial.model.runtime.EngineArrays;
import dev.perennial.model.runtime.LanguageModel;
import java.util.List;

/**
 * Rows padded on the right to the longest row: inputs are tokens[0..n-2], targets tokens[1..n-1],
 * weights 1 where a target counts, keyValid 1 on real tokens (null when no row is padded).
 */
public final class Batch {

  private final int rows;
  private final int width;
  private final long[] inputs;
  private final long[] targets;
  private final float[] weights;
  private final float[] keyValid;
  private final long[] positions;
  private final int counted;
  private final int realTokens;

  private Batch(
      int rows,
      int width,
      long[] inputs,
      long[] targets,
      float[] weights,
      float[] keyValid,
      long[] positions,
      int counted,
      int realTokens) {
    this.rows = rows;
    this.width = width;
    this.inputs = inputs;
    this.targets = targets;
    this.weights = weights;
    this.keyValid = keyValid;
    this.positions = positions;
    this.counted = counted;
    this.realTokens = realTokens;
  }

  /** Pads examples into one batch; padding positions hold {@code padId} and count for nothing. */
  public static Batch of(List<TokenizedExample> examples, int padId) {
    int rows = examples.size();
    int width = Math.max(1, examples.stream().mapToInt(e -> e.length() - 1).max().orElse(1));
    long[] inputs = new long[rows * width];
    long[] targets = new long[rows * width];
    float[] weights = new float[rows * width];
    float[] keyValid = new float[rows * width];
    long[] positions = new long[rows * width];
    boolean padded = false;
    int counted = 0;
    int real = 0;
    for (int r = 0; r < rows; r++) {
      TokenizedExample example = examples.get(r);
      int length = example.length() - 1;
      for (int t = 0; t < width; t++) {
        int at = r * width + t;
        positions[at] = t;
        if (t < length) {
          inputs[at] = example.tokens()[t];
          targets[at] = example.tokens()[t + 1];
          boolean counts = example.counted()[t + 1];
          weights[at] = counts ? 1f : 0f;
          counted += counts ? 1 : 0;
          keyValid[at] = 1f;
          real++;
        } else {
          inputs[at] = padId;
          targets[at] = padId;
          padded = true;
        }
      }
    }
    return new Batch(
        rows, width, inputs, targets, weights, padded ? keyValid : null, positions, counted, real);
  }

  /** Rows of exactly {@code width + 1} tokens each, every target counted (packed pretraining). */
  public static Batch packed(int[][] rowsOfTokens) {
    int rows = rowsOfTokens.length;
    int width = rowsOfTokens[0].length - 1;
    long[] inputs = new long[rows * width];
    long[] targets = new long[rows * width];
    float[] weights = new float[rows * width];
    long[] positions = new long[rows * width];
    for (int r = 0; r < rows; r++) {
      for (int t = 0; t < width; t++) {
        int at = r * width + t;
        inputs[at] = rowsOfTokens[r][t];
        targets[at] = rowsOfTokens[r][t + 1];
        weights[at] = 1f;
        positions[at] = t;
      }
    }
    return new Batch(
        rows, width, inputs, targets, weights, null, positions, rows * width, rows * width);
  }

  public int rows() {
    return rows;
  }

  public int width() {
    return width;
  }

  /** Targets that count in the loss. */
  public int countedTokens() {
    return counted;
  }

  /** Non-padding input tokens (what throughput counts). */
  public int realTokens() {
    return realTokens;
  }

  public NDArray inputs(NDManager manager) {
    return EngineArrays.of(manager, inputs, new Shape(rows, width));
  }

  public NDArray targets(NDManager manager) {
    return EngineArrays.of(manager, targets, new Shape(rows, width));
  }

  public NDArray weights(NDManager manager) {
    return EngineArrays.of(manager, weights, new Shape(rows, width));
  }

  public NDArray positions(NDManager manager) {
    return EngineArrays.of(manager, positions, new Shape(rows, width));
  }

  /** Null when no row is padded. */
  public NDArray keyValid(NDManager manager) {
    return keyValid == null ? null : EngineArrays.of(manager, keyValid, new Shape(rows, width));
  }

  /** Flat indices (into rows x width) of the positions whose target counts, in order. */
  public long[] countedPositions() {
    long[] positions = new long[counted];
    int next = 0;
    for (int at = 0; at < weights.length; at++) {
      if (weights[at] > 0) {
        positions[next++] = at;
      }
    }
    return positions;
  }

  /** The targets at {@link #countedPositions()}, in the same order. */
  public long[] countedTargets() {
    long[] positions = countedPositions();
    long[] chosen = new long[positions.length];
    for (int i = 0; i < positions.length; i++) {
      chosen[i] = targets[(int) positions[i]];
    }
    return chosen;
  }

  /**
   * The final-normed hidden states at {@link #countedPositions()}, [counted, hidden]: what {@link
   * ChunkedCrossEntropy} turns into log-probabilities without the logits of every position.
   *
   * @param adapters per-row adapters, or null for the model's own
   * @param training whether the pass trains (dropout and the like)
   */
  public NDArray countedHiddenStates(
      LanguageModel model, NDManager pass, AdapterDelta adapters, boolean training) {
    ForwardContext context =
        ForwardContext.create(
            pass, model.config(), positions(pass), keyValid(pass), null, adapters, training);
    if (training) {
      return counted(
          model.decoder().hiddenStates(model.parameterStore(), inputs(pass), context), pass);
    }
    // scoring: each layer in its own manager, closed once its output is moved out, so a pass
    // holds one layer's intermediates at a time rather than every layer's until it ends
    DecoderModel decoder = model.decoder();
    NDArray hidden = decoder.embed(model.parameterStore(), inputs(pass), false);
    for (DecoderLayer layer : decoder.layers()) {
      try (NDManager layerPass = pass.newSubManager()) {
        hidden.attach(layerPass);
        hidden = layer.forward(model.parameterStore(), hidden, context);
        hidden.attach(pass);
      }
    }
    return counted(decoder.finalNorm(model.parameterStore(), hidden, false), pass);
  }

  /** The rows of {@code hidden} [rows, width, hidden] at {@link #countedPositions()}. */
  NDArray counted(NDArray hidden, NDManager pass) {
    NDArray flat = hidden.reshape(-1, hidden.getShape().get(2));
    return flat.get(new NDIndex("{}", EngineArrays.of(pass, countedPositions())));
  }

  /**
   * The model's logits [rows, width, vocab] for this batch.
   *
   * @param adapters per-row adapters, or null for the model's own
   * @param training whether the pass trains (dropout and the like)
   */
  public NDArray logits(
      LanguageModel model, NDManager pass, AdapterDelta adapters, boolean training) {
    ForwardContext context =
        ForwardContext.create(
            pass, model.config(), positions(pass), keyValid(pass), null, adapters, training);
    return model.decoder().forward(model.parameterStore(), inputs(pass), context);
  }
}
