package dev.perennial.evaluator.history;

/**
 * A key's continual-learning measures after one update ({@code v3}, {@code candidate}).
 *
 * @param measures on the exact-match score matrix
 * @param likelihood the same measures on the likelihood matrix
 */
public record MeasurePoint(String label, ContinualMeasures measures, ContinualMeasures likelihood) {

  public MeasurePoint withLabel(String newLabel) {
    return new MeasurePoint(newLabel, measures, likelihood);
  }
}
