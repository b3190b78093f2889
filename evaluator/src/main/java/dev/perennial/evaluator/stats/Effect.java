package dev.perennial.evaluator.stats;

/**
 * How a gate's effect is computed from the paired items' sums: a function of the candidate's sum,
 * the reference's sum and the item count, so a bootstrap resample only needs the sums of the items
 * it drew.
 */
public enum Effect {

  /** {@code mean(reference - candidate)}: what the candidate lost (exact match: answers lost). */
  DROP("drop"),

  /**
   * {@code (sum reference - sum candidate) / sum reference}: the share by which the candidate's
   * loss is below the reference's (losses summed over tokens, so longer examples weigh more).
   */
  GAIN("relative loss reduction"),

  /** {@code (sum candidate - sum reference) / sum reference}: the share by which a loss rose. */
  INCREASE("relative loss increase"),

  /**
   * {@code sum candidate / sum reference}: a ratio of counts, such as a rebased candidate's right
   * answers over the old release's, its negative flips over the old release's right answers, or the
   * answer characters the feedback does not account for over the longest answers it does.
   */
  RATIO("ratio"),

  /**
   * {@code mean(candidate - reference)}: a signed difference of per-item values, such as the
   * forgetting of one benchmark run's tasks against another's.
   */
  DIFFERENCE("difference");

  private final String description;

  Effect(String description) {
    this.description = description;
  }

  /** The effect; NaN when it is undefined (no items, a reference sum of 0, a NaN value). */
  public double of(double candidateSum, double referenceSum, int n) {
    if (n == 0) {
      return Double.NaN;
    }
    return switch (this) {
      case DROP -> (referenceSum - candidateSum) / n;
      case GAIN -> referenceSum > 0 ? (referenceSum - candidateSum) / referenceSum : Double.NaN;
      case INCREASE -> referenceSum > 0 ? (candidateSum - referenceSum) / referenceSum : Double.NaN;
      case RATIO -> referenceSum > 0 ? candidateSum / referenceSum : Double.NaN;
      case DIFFERENCE -> (candidateSum - referenceSum) / n;
    };
  }

  /** {@code relative loss reduction}. */
  public String description() {
    return description;
  }
}
