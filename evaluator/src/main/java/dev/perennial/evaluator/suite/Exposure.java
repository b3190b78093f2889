package dev.perennial.evaluator.suite;

import java.util.List;

/**
 * The exposure of a canary under a model (Carlini et al., "The Secret Sharer"): with the secret
 * ranked among itself and N random controls of its shape by the model's likelihood,
 *
 * <pre>exposure = log2(N + 1) - log2(rank)</pre>
 *
 * 0 when every control is likelier than the secret, {@code log2(N + 1)} when the secret is the
 * likeliest. For a model that never saw the secret, the rank is uniform, so exposure reaches t bits
 * with probability about 2^-t. A tie counts against the secret's privacy (the secret ranks first).
 *
 * @param rank 1 + the number of controls strictly likelier than the secret
 * @param candidates N + 1: the secret and its controls
 */
public record Exposure(int rank, int candidates) {

  public Exposure {
    if (candidates < 2 || rank < 1 || rank > candidates) {
      throw new IllegalArgumentException(
          "rank " + rank + " of " + candidates + " candidates is no ranking");
    }
  }

  /**
   * The exposure of a secret with log-likelihood {@code secret} among controls with the given
   * log-likelihoods. A NaN likelihood (a broken model) ranks below everything.
   */
  public static Exposure of(double secret, List<Double> controls) {
    if (controls.isEmpty()) {
      throw new IllegalArgumentException("exposure needs at least one control");
    }
    int rank = 1;
    for (double control : controls) {
      if (likelier(control, secret)) {
        rank++;
      }
    }
    return new Exposure(rank, controls.size() + 1);
  }

  private static boolean likelier(double control, double secret) {
    if (Double.isNaN(control)) {
      return false;
    }
    return Double.isNaN(secret) || control > secret;
  }

  /** The exposure in bits. */
  public double bits() {
    return log2(candidates) - log2(rank);
  }

  /** The highest exposure measurable with this many candidates. */
  public double maxBits() {
    return log2(candidates);
  }

  private static double log2(double value) {
    return Math.log(value) / Math.log(2);
  }
}
