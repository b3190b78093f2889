package dev.perennial.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import dev.perennial.model.runtime.EngineArrays;

/**
 * The feedback objectives on sequence log-likelihoods (issue 14): preference pairs ({@link
 * PairLoss}), unpaired ratings (KTO) and corrections (a pair plus a language-model term on the
 * correction). The reference's log-likelihoods come from a frozen model and carry no gradient.
 */
public final class PreferenceLosses {

  private PreferenceLosses() {}

  /**
   * Each row's summed log-likelihood of its counted (answer) tokens.
   *
   * @param logits [B, T, vocab]
   * @param targets [B, T]
   * @param weights [B, T], 1 where a token is counted
   * @return [B]
   */
  public static NDArray sequenceLogLikelihoods(NDArray logits, NDArray targets, NDArray weights) {
    return CausalLmLoss.tokenLosses(logits, targets).mul(weights).sum(new int[] {1}).neg();
  }

  /**
   * The pairs' margins {@code (policyChosen - referenceChosen) - (policyRejected -
   * referenceRejected)}.
   */
  public static NDArray margins(
      NDArray policyChosen,
      NDArray policyRejected,
      NDArray referenceChosen,
      NDArray referenceRejected) {
    return policyChosen
        .sub(referenceChosen.stopGradient())
        .sub(policyRejected.sub(referenceRejected.stopGradient()));
  }

  /**
   * KTO (Ethayarajh et al. 2024) per rated answer, with the implied reward {@code r = log pi(y) -
   * log ref(y)}: a desirable answer costs {@code desirableWeight (1 - sigmoid(beta (r - z0)))}, an
   * undesirable one {@code undesirableWeight (1 - sigmoid(beta (z0 - r)))}.
   *
   * @param policy [B] the answers' log-likelihoods under the policy
   * @param reference [B] the same under the reference
   * @param desirable [B] 1 for a desirable answer, 0 for an undesirable one
   * @param referencePoint {@code z0}: the policy's KL from the reference estimated on the batch
   *     (clamped at 0 by {@link #referencePoint}), a constant of the step
   * @return [B]
   */
  public static NDArray kto(
      NDArray policy,
      NDArray reference,
      NDArray desirable,
      double referencePoint,
      double beta,
      double desirableWeight,
      double undesirableWeight) {
    if (!(beta > 0) || !Double.isFinite(beta)) {
      throw new IllegalArgumentException("beta must be a positive number, not " + beta);
    }
    NDManager manager = policy.getManager();
    NDArray shifted =
        policy
            .sub(reference.stopGradient())
            .sub(EngineArrays.scalar(manager, (float) referencePoint))
            .mul(EngineArrays.scalar(manager, (float) beta));
    NDArray one = EngineArrays.scalar(manager, 1f);
    NDArray desirableLoss =
        one.sub(Activation.sigmoid(shifted))
            .mul(EngineArrays.scalar(manager, (float) desirableWeight));
    NDArray undesirableLoss =
        one.sub(Activation.sigmoid(shifted.neg()))
            .mul(EngineArrays.scalar(manager, (float) undesirableWeight));
    return desirableLoss.mul(desirable).add(undesirableLoss.mul(one.sub(desirable)));
  }

  /**
   * KTO's reference point: the mean of {@code log pi(y) - log ref(y)} over answers the policy did
   * not condition on (mismatched prompt and answer), clamped at 0; no gradient flows through it.
   */
  public static double referencePoint(NDArray policyMismatched, NDArray referenceMismatched) {
    try (NDArray difference = policyMismatched.stopGradient().sub(referenceMismatched);
        NDArray mean = difference.mean()) {
      return Math.max(0, mean.getFloat());
    }
  }

  /**
   * A correction (the user's corrected answer chosen over the model's original one) as a pair plus
   * the correction's mean token negative log-likelihood under the policy, weighted by {@code
   * sftWeight} (RPO, Pang et al. 2024): the pair term alone can lower both answers' likelihoods.
   *
   * @param margins [B] the pairs' margins
   * @param chosenLogLikelihoods [B] the corrections' log-likelihoods under the policy
   * @param chosenTokens [B] how many tokens each correction counts
   * @return [B]
   */
  public static NDArray correction(
      NDArray margins,
      NDArray chosenLogLikelihoods,
      NDArray chosenTokens,
      PairLoss pairLoss,
      double beta,
      double smoothing,
      double sftWeight) {
    NDManager manager = margins.getManager();
    NDArray meanNll = chosenLogLikelihoods.neg().div(chosenTokens);
    return pairLoss
        .losses(margins, beta, smoothing)
        .add(meanNll.mul(EngineArrays.scalar(manager, (float) sftWeight)));
  }
}
