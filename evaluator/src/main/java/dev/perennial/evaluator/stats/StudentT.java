package dev.perennial.evaluator.stats;

/** Student's t distribution's quantile, for the critical value of an interval on few items. */
final class StudentT {

  private static final int BISECTIONS = 100;

  private StudentT() {}

  /** The t with P(T <= t) = p for T with {@code degrees} degrees of freedom, p in (0, 1). */
  static double quantile(double p, int degrees) {
    if (!(p > 0 && p < 1)) {
      throw new IllegalArgumentException("p must be in (0, 1): " + p);
    }
    if (degrees < 1) {
      throw new IllegalArgumentException("at least 1 degree of freedom, got " + degrees);
    }
    if (p < 0.5) {
      return -quantile(1 - p, degrees);
    }
    double below = 0;
    double above = 1;
    while (cumulative(above, degrees) < p) {
      below = above;
      above *= 2;
    }
    for (int i = 0; i < BISECTIONS; i++) {
      double t = (below + above) / 2;
      if (cumulative(t, degrees) < p) {
        below = t;
      } else {
        above = t;
      }
    }
    return (below + above) / 2;
  }

  /**
   * P(T <= t) for t >= 0 by the finite series of an integer number of degrees of freedom
   * (Abramowitz and Stegun 26.7.3 and 26.7.4), in the angle atan(t / sqrt(degrees)).
   */
  static double cumulative(double t, int degrees) {
    double theta = Math.atan(t / Math.sqrt(degrees));
    double sin = Math.sin(theta);
    double cos2 = Math.cos(theta) * Math.cos(theta);
    double central;
    if (degrees % 2 == 1) {
      double sum = 0;
      if (degrees > 1) {
        double term = Math.cos(theta);
        sum = term;
        for (int k = 3; k <= degrees - 2; k += 2) {
          term *= cos2 * (k - 1) / k;
          sum += term;
        }
      }
      central = 2 / Math.PI * (theta + sin * sum);
    } else {
      double term = 1;
      double sum = 1;
      for (int k = 2; k <= degrees - 2; k += 2) {
        term *= cos2 * (k - 1) / k;
        sum += term;
      }
      central = sin * sum;
    }
    return 0.5 + central / 2;
  }
}
