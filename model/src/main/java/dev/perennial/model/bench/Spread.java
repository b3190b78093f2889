package dev.perennial.model.bench;

import java.util.Arrays;
import java.util.Locale;

/** Repeated measurements of one figure: min, median and max over the rounds. */
public record Spread(double min, double median, double max, int rounds) {

  public static Spread of(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    return new Spread(sorted[0], median, sorted[n - 1], n);
  }

  /** (max - min) / median. */
  public double relativeSpread() {
    return (max - min) / median;
  }

  /** {@code median (min .. max, n rounds)} with the given number format. */
  public String format(String number) {
    return String.format(
        Locale.ROOT,
        number + " (min " + number + ", max " + number + ", spread %.0f%%, %d rounds)",
        median,
        min,
        max,
        100 * relativeSpread(),
        rounds);
  }
}
