package dev.perennial.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Summed negative log-likelihood of the targets under the logits, weighted per position. */
public final class CausalLmLoss {

  private CausalLmLoss() {}

  /**
   * Per-position negative log-likelihood.
   *
   * @param logits [B, T, vocab]
   * @param targets [B, T] int64
   * @return [B, T]
   */
  public static NDArray tokenLosses(NDArray logits, NDArray targets) {
    NDArray logProbabilities = logits.logSoftmax(-1);
    NDArray index = targets.toType(DataType.INT64, false).expandDims(-1);
    return logProbabilities.gather(index, -1).squeeze(-1).neg();
  }

  /**
   * {@code sum(weights * KL(teacher || student))} over positions, a scalar: how far the student's
   * next-token distributions are from the teacher's where the weights count.
   *
   * @param logits the student's [B, T, vocab]
   * @param teacherLogits the teacher's [B, T, vocab], over the same tokens
   * @param weights [B, T]
   */
  public static NDArray weightedKl(NDArray logits, NDArray teacherLogits, NDArray weights) {
    NDArray teacher = teacherLogits.logSoftmax(-1);
    NDArray divergence = teacher.exp().mul(teacher.sub(logits.logSoftmax(-1))).sum(new int[] {-1});
    return divergence.mul(weights).sum();
  }

  /** {@code sum(weights * nll)}, a scalar. */
  public static NDArray weightedSum(NDArray logits, NDArray targets, NDArray weights) {
    return tokenLosses(logits, targets).mul(weights).sum();
  }
}
