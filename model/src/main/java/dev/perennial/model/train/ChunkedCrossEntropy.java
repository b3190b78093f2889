package dev.perennial.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;

/**
 * Log-probabilities and the token loss computed from the final hidden states over chunks of
 * positions, and only at the positions that count: never the full float32 logits [B, T, vocab] of
 * every position (at vocabulary 128k and 256 rows of 256 tokens those alone are 34 GB). Each chunk
 * holds about {@link #DEFAULT_CHUNK_LOGITS} logits.
 *
 * <p>For training with a frozen LM head (LoRA), {@link #lossAndGradient} returns the summed loss
 * and its gradient with respect to the hidden states, {@code softmax(logits) W - W[target]} per
 * position, computed chunk by chunk outside the autograd graph; backpropagating {@code sum(hidden *
 * gradient)} then gives every parameter below the head exactly the gradient of the summed loss,
 * while the graph keeps no logits at all.
 */
public final class ChunkedCrossEntropy {

  /** Logits per chunk by default: 2^24 floats (64 MiB). */
  public static final long DEFAULT_CHUNK_LOGITS = 1L << 24;

  /** The summed negative log-likelihood and its gradient with respect to the hidden states. */
  public record LossAndGradient(float loss, NDArray hiddenGradient) {}

  private ChunkedCrossEntropy() {}

  /** Positions per chunk for a vocabulary so a chunk holds about {@code chunkLogits} logits. */
  public static int positionsPerChunk(long chunkLogits, long vocab) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, chunkLogits / vocab));
  }

  /**
   * {@code log p(target)} at each position, without gradient.
   *
   * @param hidden [N, hidden] final-normed hidden states of the positions
   * @param head [vocab, hidden] the LM head's weight
   * @param targets [N] int64
   * @return [N]
   */
  public static NDArray targetLogProbabilities(
      NDArray hidden, NDArray head, NDArray targets, int positionsPerChunk) {
    NDList parts = new NDList();
    for (long from = 0; from < rows(hidden); from += positionsPerChunk) {
      NDIndex chunk = chunk(hidden, from, positionsPerChunk);
      try (NDManager chunkMemory = hidden.getManager().newSubManager()) {
        NDArray logProbabilities = logits(hidden.get(chunkMemory, chunk), head).logSoftmax(-1);
        parts.add(keep(gatherTargets(logProbabilities, targets.get(chunkMemory, chunk)), hidden));
      }
    }
    return concat(parts, hidden, new Shape(0), DataType.FLOAT32);
  }

  /** The most likely next token at each position (argmax of the logits), [N] int64. */
  public static NDArray argMax(NDArray hidden, NDArray head, int positionsPerChunk) {
    NDList parts = new NDList();
    for (long from = 0; from < rows(hidden); from += positionsPerChunk) {
      try (NDManager chunkMemory = hidden.getManager().newSubManager()) {
        NDArray chunkHidden = hidden.get(chunkMemory, chunk(hidden, from, positionsPerChunk));
        parts.add(keep(logits(chunkHidden, head).argMax(-1), hidden));
      }
    }
    return concat(parts, hidden, new Shape(0), DataType.INT64);
  }

  /**
   * The summed negative log-likelihood of the targets and its gradient with respect to {@code
   * hidden}, computed without recording anything for backpropagation.
   *
   * @param hidden [N, hidden]
   * @param head [vocab, hidden], not trained (its own gradient is not computed)
   * @param targets [N] int64
   */
  public static LossAndGradient lossAndGradient(
      NDArray hidden, NDArray head, NDArray targets, int positionsPerChunk) {
    NDArray h = hidden.stopGradient();
    // the head takes no gradient; every array made here belongs to the pass's manager, not the
    // head's (the model's), so nothing outlives the pass
    NDArray w = head;
    NDList gradients = new NDList();
    double loss = 0;
    for (long from = 0; from < rows(h); from += positionsPerChunk) {
      NDIndex chunk = chunk(h, from, positionsPerChunk);
      try (NDManager chunkMemory = h.getManager().newSubManager()) {
        NDArray chunkTargets = targets.get(chunkMemory, chunk);
        NDArray logProbabilities = logits(h.get(chunkMemory, chunk), w).logSoftmax(-1);
        loss -= gatherTargets(logProbabilities, chunkTargets).sum().getFloat();
        // d nll / d h = softmax(logits) W - W[target]
        NDArray expected = logProbabilities.exp().matMul(w);
        gradients.add(keep(expected.sub(w.get(chunkMemory, new NDIndex("{}", chunkTargets))), h));
      }
    }
    return new LossAndGradient(
        (float) loss, concat(gradients, h, new Shape(0, h.getShape().get(1)), DataType.FLOAT32));
  }

  /**
   * Moves a chunk's result into the memory of {@code hidden}: the chunk's logits are freed when its
   * manager closes, so at most one chunk of logits is held at a time, not all of them until the
   * pass ends.
   */
  private static NDArray keep(NDArray result, NDArray hidden) {
    result.attach(hidden.getManager());
    return result;
  }

  private static long rows(NDArray hidden) {
    return hidden.getShape().get(0);
  }

  private static NDIndex chunk(NDArray hidden, long from, int positionsPerChunk) {
    return new NDIndex("{}:{}", from, Math.min(rows(hidden), from + positionsPerChunk));
  }

  private static NDArray logits(NDArray hidden, NDArray head) {
    return Linear.linear(hidden, head).singletonOrThrow();
  }

  private static NDArray gatherTargets(NDArray logProbabilities, NDArray targets) {
    NDArray index = targets.toType(DataType.INT64, false).expandDims(-1);
    return logProbabilities.gather(index, -1).squeeze(-1);
  }

  /** The parts joined along the positions; for no positions, an empty array of {@code empty}. */
  private static NDArray concat(NDList parts, NDArray hidden, Shape empty, DataType type) {
    if (parts.isEmpty()) {
      return hidden.getManager().zeros(empty, type);
    }
    return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0);
  }
}
