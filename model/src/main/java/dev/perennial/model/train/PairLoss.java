package dev.perennial.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import dev.perennial.model.runtime.EngineArrays;

/**
 * How a preference pair's margin becomes a loss. The margin of a pair is {@code h = (log pi(chosen)
 * - log ref(chosen)) - (log pi(rejected) - log ref(rejected))}, from the sequence log-likelihoods
 * of the two answers under the policy being trained and the frozen reference (see {@link
 * PreferenceLosses#margins}). {@code -log sigmoid(x)} is computed as {@code softplus(-x)}.
 */
public enum PairLoss {
  /** DPO (Rafailov et al. 2023): {@code -log sigmoid(beta h)}. */
  DPO,
  /**
   * IPO (Azar et al. 2023): {@code (h - 1/(2 beta))^2}; the margin is pulled to a target instead of
   * to infinity, so a deterministic preference cannot overfit.
   */
  IPO,
  /**
   * Conservative DPO: the label is trusted with probability {@code 1 - eps}: {@code -(1 - eps) log
   * sigmoid(beta h) - eps log sigmoid(-beta h)}.
   */
  CONSERVATIVE,
  /**
   * Robust DPO (Chowdhury et al. 2024): unbiased when labels flip with rate {@code eps}: {@code ((1
   * - eps)(-log sigmoid(beta h)) - eps(-log sigmoid(-beta h))) / (1 - 2 eps)}. Since {@code
   * softplus(x) = softplus(-x) + x} this is exactly DPO minus {@code eps / (1 - 2 eps) beta h}: a
   * linear reward on every pair's margin, flipped or not, whose gradient never vanishes (DPO's does
   * as the margin grows), so a fixed step budget keeps widening margins and moving the model
   * (README, Learning from feedback alone).
   */
  ROBUST;

  /** The loss named {@code name} (dpo, ipo, conservative, robust; any case). */
  public static PairLoss parse(String name) {
    for (PairLoss loss : values()) {
      if (loss.name().equalsIgnoreCase(name.trim())) {
        return loss;
      }
    }
    throw new IllegalArgumentException(
        "unknown pair loss '" + name + "'; one of dpo, ipo, conservative, robust");
  }

  /** DPO's temperature when a recipe sets none (Rafailov et al. use 0.1). */
  public static final double DEFAULT_BETA = 0.1;

  /**
   * Per-pair losses.
   *
   * @param margins [B] the pairs' margins {@code h}
   * @param beta the temperature, {@code > 0}
   * @param smoothing the assumed label-flip rate {@code eps} in {@code [0, 0.5)} (CONSERVATIVE and
   *     ROBUST; the others ignore it)
   * @return [B]
   */
  public NDArray losses(NDArray margins, double beta, double smoothing) {
    if (!(beta > 0) || !Double.isFinite(beta)) {
      throw new IllegalArgumentException("beta must be a positive number, not " + beta);
    }
    if (!(smoothing >= 0 && smoothing < 0.5)) {
      throw new IllegalArgumentException("label smoothing must be in [0, 0.5), not " + smoothing);
    }
    NDManager manager = margins.getManager();
    NDArray scaled = margins.mul(EngineArrays.scalar(manager, (float) beta));
    return switch (this) {
      case DPO -> Activation.softPlus(scaled.neg());
      case IPO -> margins.sub(EngineArrays.scalar(manager, (float) (1 / (2 * beta)))).square();
      case CONSERVATIVE ->
          Activation.softPlus(scaled.neg())
              .mul(EngineArrays.scalar(manager, (float) (1 - smoothing)))
              .add(
                  Activation.softPlus(scaled).mul(EngineArrays.scalar(manager, (float) smoothing)));
      case ROBUST ->
          Activation.softPlus(scaled.neg())
              .mul(EngineArrays.scalar(manager, (float) (1 - smoothing)))
              .sub(Activation.softPlus(scaled).mul(EngineArrays.scalar(manager, (float) smoothing)))
              .div(EngineArrays.scalar(manager, (float) (1 - 2 * smoothing)));
    };
  }
}
