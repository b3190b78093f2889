package dev.perennial.evaluator.stats;

import java.util.List;

/**
 * One value per item under the candidate and under the model it is compared with (the base or the
 * incumbent), item by item the same examples or questions: a paired sample.
 *
 * @param candidate the candidate's value of each item (a loss in nats, or 1 for a correct answer)
 * @param reference the other model's value of the same items, in the same order
 */
public record PairedItems(double[] candidate, double[] reference) {

  public PairedItems {
    if (candidate.length != reference.length) {
      throw new IllegalArgumentException(
          candidate.length + " candidate values for " + reference.length + " reference values");
    }
    candidate = candidate.clone();
    reference = reference.clone();
  }

  public static PairedItems of(List<Double> candidate, List<Double> reference) {
    return new PairedItems(
        candidate.stream().mapToDouble(Double::doubleValue).toArray(),
        reference.stream().mapToDouble(Double::doubleValue).toArray());
  }

  public int size() {
    return candidate.length;
  }

  @Override
  public double[] candidate() {
    return candidate.clone();
  }

  @Override
  public double[] reference() {
    return reference.clone();
  }

  /** Whether any value is NaN (a broken model's loss). */
  public boolean hasNaN() {
    for (int i = 0; i < candidate.length; i++) {
      if (Double.isNaN(candidate[i]) || Double.isNaN(reference[i])) {
        return true;
      }
    }
    return false;
  }

  /** The effect on every item together. */
  public double effect(Effect effect) {
    double candidateSum = 0;
    double referenceSum = 0;
    for (int i = 0; i < candidate.length; i++) {
      candidateSum += candidate[i];
      referenceSum += reference[i];
    }
    return effect.of(candidateSum, referenceSum, candidate.length);
  }

  double candidateAt(int item) {
    return candidate[item];
  }

  double referenceAt(int item) {
    return reference[item];
  }
}
