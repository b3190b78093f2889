package dev.perennial.model.train;

import dev.perennial.model.lora.LoraWeights;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.score.ExampleScore;
import dev.perennial.model.score.Scorer;
import java.util.ArrayList;
import java.util.List;

/**
 * Early stopping on validation loss ({@link EarlyStopping}): measures the loss on the validation
 * examples (each example's mean token loss, averaged over examples) before training and every few
 * steps, keeps a copy of the LoRA weights at the best measurement, and ends training once the loss
 * has stopped falling.
 */
final class ValidationMonitor implements StoppingRule {

  private final LanguageModel model;
  private final List<TrainingExample> examples;
  private final EarlyStopping rule;
  private final int batchSize;
  private final int maxSequenceLength;
  private final List<ValidationPoint> points = new ArrayList<>();
  private double best = Double.NaN;
  private int bestStep;
  private LoraWeights bestWeights;
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
    double loss = loss();
    points.add(new ValidationPoint(metrics.step(), loss));
    if (Double.isNaN(best) || loss < best * (1 - rule.minImprovement())) {
      best = loss;
      bestStep = metrics.step();
      bestWeights = model.loraWeights();
      withoutImprovement = 0;
      return false;
    }
    return ++withoutImprovement >= rule.patience();
  }

  /**
   * Training ended after {@code lastStep}: measures it unless that was done, and keeps its weights
   * when they are at least as good as the best measured before.
   */
  void finish(int lastStep) {
    if (points.get(points.size() - 1).step() != lastStep) {
      double loss = loss();
      points.add(new ValidationPoint(lastStep, loss));
      if (Double.isNaN(best) || loss <= best) {
        best = loss;
        bestStep = lastStep;
        bestWeights = null;
      }
    } else if (bestStep == lastStep) {
      bestWeights = null;
    }
  }

  /** Every measurement, the one before training first. */
  List<ValidationPoint> points() {
    return List.copyOf(points);
  }

  /** The step whose weights are kept (after {@link #finish}). */
  int keptStep() {
    return bestStep;
  }

  /** The weights to keep (after {@link #finish}): the best measurement's. */
  LoraWeights keptWeights() {
    return bestWeights == null ? model.loraWeights() : bestWeights;
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
