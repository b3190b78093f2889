package dev.perennial.ingest.validate;

/**
 * What a rating says about the rated response: at or above {@code positiveMin} it is desirable, at
 * or below {@code negativeMax} undesirable (thumbs down is signal too), in between neutral, which
 * teaches nothing on its own.
 *
 * @param positiveMin the lowest desirable rating
 * @param negativeMax the highest undesirable rating, below {@code positiveMin}
 */
public record RatingThresholds(int positiveMin, int negativeMax) {

  /** What a rating marks a response as. */
  public enum Signal {
    DESIRABLE,
    UNDESIRABLE,
    NEUTRAL
  }

  public RatingThresholds {
    if (negativeMax >= positiveMin) {
      throw new IllegalArgumentException(
          "the negative threshold " + negativeMax + " must be below the positive " + positiveMin);
    }
  }

  public Signal signal(int rating) {
    if (rating >= positiveMin) {
      return Signal.DESIRABLE;
    }
    return rating <= negativeMax ? Signal.UNDESIRABLE : Signal.NEUTRAL;
  }
}
