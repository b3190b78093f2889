package dev.perennial.model.train;

import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.score.ExampleScore;
import dev.perennial.model.score.Scorer;
import java.util.ArrayList;
import java.util.List;

/**
 * Early stopping on validation loss ({@link EarlyStopping}): measures the loss on the validation
 * examples (each example's mean token loss, averaged over examples) before training, every few
 * steps and at the end, and says training has done enough once the loss has stopped falling;
 * training then winds down over one more interval.
 */
final class ValidationMonitor implements StoppingRule {

  private final LanguageModel model;
  private final List<TrainingExample> examples;
  private final EarlyStopping rule;
  private final int batchSize;
  private final int maxSequenceLength;
  private final List<ValidationPoint> points = new ArrayList<>();
  private double best = Double.NaN;
  private int withoutImprovement;

  ValidationMonitor(
      LanguageModel model,
      List<TrainingExample> examples,
      EarlyStopping rule,
      int batchSize,
      int maxSequenceLength) {
    this.model = model;
    this.examples = List.copyOf(examples);
    this.rule = rule;
    this.batchSize = batchSize;
    this.maxSequenceLength = maxSequenceLength;
    points.add(new ValidationPoint(0, loss()));
  }

  @Override
  public boolean stopAfter(StepMetrics metrics) {
    if (metrics.step() % rule.everySteps() != 0) {
      return false;
    }
    double loss = measure(metrics.step());
    if (Double.isNaN(best) || loss < best * (1 - rule.minImprovement())) {
      best = loss;
      withoutImprovement = 0;
      return false;
    }
    return ++withoutImprovement >= rule.patience();
  }

  @Override
  public int windDownSteps() {
    return rule.everySteps();
  }

  /** Training ended after {@code lastStep}: measures it unless that was done. */
  void finish(int lastStep) {
    if (points.get(points.size() - 1).step() != lastStep) {
      measure(lastStep);
    }
  }

  /** Every measurement, the one before training first and the one at its end last. */
  List<ValidationPoint> points() {
    return List.copyOf(points);
  }

  private double measure(int step) {
    double loss = loss();
    points.add(new ValidationPoint(step, loss));
    return loss;
  }

  /**
   * The mean over examples of each one's mean token loss: every example counts once, so a long
   * document does not outweigh the short answers exact match judges.
   */
  private double loss() {
    List<ExampleScore> scores = Scorer.score(model, examples, batchSize, maxSequenceLength);
    return scores.stream().mapToDouble(ExampleScore::meanLoss).average().orElse(Double.NaN);
  }
}
