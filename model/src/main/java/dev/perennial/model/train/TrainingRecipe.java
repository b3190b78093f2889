package dev.perennial.model.train;

import dev.perennial.model.ModelException;
import java.util.ArrayList;
import java.util.List;

/**
 * How to train: optimizer steps, batch shape, AdamW with warm-up and cosine schedule, clipping,
 * accumulation, sequence length, replay mix, seed and CPU thread count.
 *
 * @param steps optimizer steps
 * @param batchSize examples per micro-batch
 * @param gradientAccumulation micro-batches per optimizer step
 * @param learningRate peak learning rate
 * @param warmupSteps linear warm-up steps
 * @param minLearningRateRatio the cosine decays to this fraction of the peak
 * @param weightDecay decoupled weight decay on matrices
 * @param maxGradNorm clip the global gradient norm to this (0 disables)
 * @param maxSequenceLength tokens per example, longer ones are cut (and counted as truncated)
 * @param replayFraction share of each micro-batch drawn from replay examples (0 to 1)
 * @param seed drives example order, replay picks, LoRA initialisation and dropout
 * @param threads PyTorch intra-op threads; same seed and threads give bit-identical CPU results
 * @param checkpointLayers per-layer activation checkpointing in the language-modeling passes with a
 *     frozen LM head ({@link LayerCheckpointing}): each decoder layer's activations are recomputed
 *     in the backward pass instead of kept, for one more forward pass of compute; the gradients are
 *     the same
 */
public record TrainingRecipe(
    int steps,
    int batchSize,
    int gradientAccumulation,
    double learningRate,
    int warmupSteps,
    double minLearningRateRatio,
    double weightDecay,
    double maxGradNorm,
    int maxSequenceLength,
    double replayFraction,
    long seed,
    int threads,
    boolean checkpointLayers) {

  public static final double BETA1 = 0.9;
  public static final double BETA2 = 0.999;
  public static final double EPSILON = 1e-8;

  /** A recipe without layer checkpointing. */
  public TrainingRecipe(
      int steps,
      int batchSize,
      int gradientAccumulation,
      double learningRate,
      int warmupSteps,
      double minLearningRateRatio,
      double weightDecay,
      double maxGradNorm,
      int maxSequenceLength,
      double replayFraction,
      long seed,
      int threads) {
    this(
        steps,
        batchSize,
        gradientAccumulation,
        learningRate,
        warmupSteps,
        minLearningRateRatio,
        weightDecay,
        maxGradNorm,
        maxSequenceLength,
        replayFraction,
        seed,
        threads,
        false);
  }

  public TrainingRecipe {
    List<String> problems = new ArrayList<>();
    if (steps < 1) {
      problems.add("steps must be at least 1, was " + steps);
    }
    if (batchSize < 1) {
      problems.add("batch size must be at least 1, was " + batchSize);
    }
    if (gradientAccumulation < 1) {
      problems.add("gradient accumulation must be at least 1, was " + gradientAccumulation);
    }
    if (!(learningRate > 0)) {
      problems.add("learning rate must be positive, was " + learningRate);
    }
    if (warmupSteps < 0 || warmupSteps > steps) {
      problems.add("warm-up steps must be in [0, steps], was " + warmupSteps);
    }
    if (!(minLearningRateRatio >= 0 && minLearningRateRatio <= 1)) {
      problems.add("minimum learning-rate ratio must be in [0, 1], was " + minLearningRateRatio);
    }
    if (!(weightDecay >= 0)) {
      problems.add("weight decay must not be negative, was " + weightDecay);
    }
    if (!(maxGradNorm >= 0)) {
      problems.add("max gradient norm must not be negative, was " + maxGradNorm);
    }
    if (maxSequenceLength < 2) {
      problems.add("max sequence length must be at least 2, was " + maxSequenceLength);
    }
    if (!(replayFraction >= 0 && replayFraction <= 1)) {
      problems.add("replay fraction must be in [0, 1], was " + replayFraction);
    }
    if (threads < 1) {
      problems.add("threads must be at least 1, was " + threads);
    }
    if (!problems.isEmpty()) {
      throw new ModelException("invalid training recipe: " + String.join("; ", problems));
    }
  }

  /**
   * A LoRA recipe for the tiny base: 200 steps of 16 examples up to 256 tokens, lr 3e-3 with 20
   * warm-up steps, clip 1, a quarter of each batch replay.
   */
  public static TrainingRecipe loraDefaults() {
    return new TrainingRecipe(200, 16, 1, 3e-3, 20, 0.1, 0.0, 1.0, 256, 0.25, 42, 2);
  }

  public TrainingRecipe withSteps(int newSteps) {
    return new TrainingRecipe(
        newSteps,
        batchSize,
        gradientAccumulation,
        learningRate,
        Math.min(warmupSteps, newSteps),
        minLearningRateRatio,
        weightDecay,
        maxGradNorm,
        maxSequenceLength,
        replayFraction,
        seed,
        threads,
        checkpointLayers);
  }

  public TrainingRecipe withSeed(long newSeed) {
    return new TrainingRecipe(
        steps,
        batchSize,
        gradientAccumulation,
        learningRate,
        warmupSteps,
        minLearningRateRatio,
        weightDecay,
        maxGradNorm,
        maxSequenceLength,
        replayFraction,
        newSeed,
        threads,
        checkpointLayers);
  }

  public TrainingRecipe withLearningRate(double rate) {
    return new TrainingRecipe(
        steps,
        batchSize,
        gradientAccumulation,
        rate,
        warmupSteps,
        minLearningRateRatio,
        weightDecay,
        maxGradNorm,
        maxSequenceLength,
        replayFraction,
        seed,
        threads,
        checkpointLayers);
  }

  public TrainingRecipe withBatch(int newBatchSize, int newAccumulation) {
    return new TrainingRecipe(
        steps,
        newBatchSize,
        newAccumulation,
        learningRate,
        warmupSteps,
        minLearningRateRatio,
        weightDecay,
        maxGradNorm,
        maxSequenceLength,
        replayFraction,
        seed,
        threads,
        checkpointLayers);
  }

  public TrainingRecipe withReplayFraction(double fraction) {
    return new TrainingRecipe(
        steps,
        batchSize,
        gradientAccumulation,
        learningRate,
        warmupSteps,
        minLearningRateRatio,
        weightDecay,
        maxGradNorm,
        maxSequenceLength,
        fraction,
        seed,
        threads,
        checkpointLayers);
  }

  public TrainingRecipe withLayerCheckpointing(boolean checkpoint) {
    return new TrainingRecipe(
        steps,
        batchSize,
        gradientAccumulation,
        learningRate,
        warmupSteps,
        minLearningRateRatio,
        weightDecay,
        maxGradNorm,
        maxSequenceLength,
        replayFraction,
        seed,
        threads,
        checkpoint);
  }

  /**
   * Replay rows per micro-batch when {@code available} replay examples exist: the replay fraction
   * of the batch, at least one when any is asked for, never the whole batch.
   */
  public int replayRows(int available) {
    if (available == 0 || replayFraction == 0) {
      return 0;
    }
    int count = (int) Math.round(batchSize * replayFraction);
    return Math.min(batchSize - 1, Math.max(1, count));
  }

  public LearningRateSchedule schedule() {
    return new LearningRateSchedule(learningRate, warmupSteps, steps, minLearningRateRatio);
  }
}
