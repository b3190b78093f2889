package dev.perennial.schemas.verdict;

import java.math.BigDecimal;
import java.math.MathContext;

/** A gate's confidence as every stage prints it: as configured, never rounded to whole percent. */
public final class Confidence {

  private Confidence() {}

  /** {@code 0.999} is {@code "99.9"}, {@code 0.95} is {@code "95"}. */
  public static String percent(double confidence) {
    return new BigDecimal(confidence * 100)
        .round(new MathContext(6))
        .stripTrailingZeros()
        .toPlainString();
  }
}
