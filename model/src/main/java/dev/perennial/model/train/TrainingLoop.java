package dev.perennial.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import dev.perennial.model.ModelException;
import dev.perennial.model.runtime.EngineArrays;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.runtime.ModelRuntime;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optimisation loop every kind of training shares (LoRA, full fine-tuning, pretraining): for
 * each step, forward and backward every micro-batch under its own manager (gradients accumulate),
 * clip by global norm, one AdamW update, then report the step.
 *
 * <p>What a step's loss is comes from its {@link StepSource}: by default each micro-batch's loss is
 * divided by the step's total counted tokens, so the accumulated gradient is that of the step's
 * mean token loss; {@link FeedbackSteps} mixes in the feedback objectives. The PyTorch engine
 * allows one gradient collector per process at a time, so one JVM trains one model at a time; any
 * thread may run the loop (it switches the thread's grad mode off while it runs).
 */
public final class TrainingLoop {

  private static final Logger LOG = LoggerFactory.getLogger(TrainingLoop.class);

  /** Updates skipped in a row for non-finite gradients before training counts as diverged. */
  static final int MAX_SKIPPED_IN_A_ROW = 5;

  /** What the loop did. */
  public record Outcome(List<StepMetrics> steps, long tokens, double seconds) {}

  private TrainingLoop() {}

  /**
   * A teacher whose next-token distributions the model also learns (token-level distillation).
   *
   * @param model the teacher, frozen, reading the same tokens
   * @param weight the KL term's weight against the negative log-likelihood
   * @param rightBonus added to {@code weight} on a row the teacher gets right (focal distillation:
   *     its argmax is the target at every counted position); 0: every row weighs {@code weight}
   * @param rows the leading rows of each micro-batch it teaches on (the examples; the replay rows
   *     after them are left to their own loss)
   */
  public record Teacher(LanguageModel model, double weight, double rightBonus, int rows) {

    /**
     * Each row's KL weight, [rows, 1]: {@code weight + rightBonus} where the teacher's argmax
     * equals the target at every position whose weight counts, {@code weight} elsewhere.
     */
    NDArray rowWeights(NDArray teacherLogits, NDArray targets, NDArray weights, NDManager pass) {
      long[] argmax = teacherLogits.argMax(-1).toLongArray();
      long[] wanted = targets.toLongArray();
      float[] counted = weights.toFloatArray();
      int rowCount = (int) targets.getShape().get(0);
      int width = (int) targets.getShape().get(1);
      float[] perRow = new float[rowCount];
      for (int r = 0; r < rowCount; r++) {
        boolean right = true;
        for (int at = r * width; at < (r + 1) * width && right; at++) {
          right = !(counted[at] > 0) || argmax[at] == wanted[at];
        }
        perRow[r] = (float) (weight + (right ? rightBonus : 0));
      }
      return EngineArrays.of(pass, perRow, new Shape(rowCount, 1));
    }
  }

  /** Trains the model's trainable parameters in place, the whole step budget. */
  public static Outcome run(
      LanguageModel model, BatchSource source, TrainingRecipe recipe, StepListener listener) {
    return run(model, source, recipe, listener, StoppingRule.NEVER);
  }

  /**
   * Trains on the mean token loss of {@code source}'s micro-batches (see {@link #run(LanguageModel,
   * StepSource, TrainingRecipe, StepListener, StoppingRule)}).
   */
  public static Outcome run(
      LanguageModel model,
      BatchSource source,
      TrainingRecipe recipe,
      StepListener listener,
      StoppingRule stopping) {
    return run(model, source, recipe, listener, stopping, null);
  }

  /**
   * As {@link #run(LanguageModel, BatchSource, TrainingRecipe, StepListener, StoppingRule)}, the
   * loss adding the KL divergence from {@code teacher}'s next-token distributions (null: none).
   */
  public static Outcome run(
      LanguageModel model,
      BatchSource source,
      TrainingRecipe recipe,
      StepListener listener,
      StoppingRule stopping,
      Teacher teacher) {
    return run(
        model,
        languageModeling(source, teacher, recipe.checkpointLayers()),
        recipe,
        listener,
        stopping);
  }

  /**
   * Trains the model's trainable parameters in place until the step budget is spent, or until
   * {@code stopping} says after a step that training has done enough: then the learning rate winds
   * down from where it is to the schedule's floor over the rule's {@link
   * StoppingRule#windDownSteps} (the weights a run ends with are annealed, never those of a
   * mid-schedule peak), and every later step's metrics announce the shortened plan.
   */
  public static Outcome run(
      LanguageModel model,
      StepSource source,
      TrainingRecipe recipe,
      StepListener listener,
      StoppingRule stopping) {
    ModelRuntime.setThreads(recipe.threads());
    ModelRuntime.seed(recipe.seed());
    List<Parameter> trainable = model.trainableParameters();
    if (trainable.isEmpty()) {
      throw new ModelException("the model has no trainable parameters");
    }
    LearningRateSchedule schedule = recipe.schedule();
    List<StepMetrics> steps = new ArrayList<>(recipe.steps());
    long totalTokens = 0;
    int skippedInARow = 0;
    int end = recipe.steps();
    int windDownStart = -1;
    double windDownFrom = 0;
    long start = System.nanoTime();
    // the optimizer updates parameters in place, outside the gradient collector: on any thread
    try (ModelRuntime.GradMode gradModeOff = ModelRuntime.gradModeOff();
        AdamW optimizer =
            new AdamW(
                trainable,
                model.manager(),
                TrainingRecipe.BETA1,
                TrainingRecipe.BETA2,
                TrainingRecipe.EPSILON,
                recipe.weightDecay())) {
      for (int step = 0; step < end; step++) {
        double learningRate =
            windDownStart < 0
                ? schedule.at(step)
                : schedule.windingDown(step, windDownStart, end - windDownStart, windDownFrom);
        double loss;
        double norm;
        long tokens;
        try (NDManager stepManager = model.manager().newSubManager()) {
          StepSource.Pass pass = source.forwardBackward(model, stepManager);
          loss = pass.loss();
          tokens = pass.tokens();
          norm = Double.isFinite(loss) ? optimizer.gradientNorm(stepManager) : Double.NaN;
          if (Double.isFinite(norm)) {
            skippedInARow = 0;
            double scale =
                recipe.maxGradNorm() > 0 && norm > recipe.maxGradNorm()
                    ? recipe.maxGradNorm() / (norm + 1e-6)
                    : 1.0;
            optimizer.step(learningRate, scale, stepManager);
          } else {
            skippedInARow = skip(model, optimizer, stepManager, step, loss, skippedInARow);
          }
        }
        totalTokens += tokens;
        double elapsed = (System.nanoTime() - start) / 1e9;
        StepMetrics metrics =
            new StepMetrics(step + 1, end, loss, learningRate, norm, tokens, totalTokens, elapsed);
        if (windDownStart < 0 && stopping.stopAfter(metrics)) {
          windDownStart = step + 1;
          windDownFrom = learningRate;
          end = windDownStart + Math.min(recipe.steps() - windDownStart, stopping.windDownSteps());
          metrics = metrics.planning(end);
        }
        steps.add(metrics);
        listener.onStep(metrics);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    LOG.debug("trained {} steps, {} tokens in {} s", steps.size(), totalTokens, seconds);
    return new Outcome(steps, totalTokens, seconds);
  }

  /**
   * Drops a step whose loss or gradients are not finite (an overflow in one batch must not poison
   * the weights), saying where; too many in a row means training diverged.
   *
   * @return the new count of steps skipped in a row
   */
  private static int skip(
      LanguageModel model,
      AdamW optimizer,
      NDManager stepManager,
      int step,
      double loss,
      int before) {
    int inARow = before + 1;
    List<String> names = model.trainableParameterNames();
    List<String> bad = optimizer.nonFiniteGradients(stepManager).stream().map(names::get).toList();
    LOG.warn(
        "step {}: loss {}, non-finite gradients in {}: update skipped ({} of {} allowed in a row)",
        step + 1,
        loss,
        bad,
        inARow,
        MAX_SKIPPED_IN_A_ROW);
    optimizer.zeroGradients();
    if (inARow >= MAX_SKIPPED_IN_A_ROW) {
      throw new TrainingDivergedException(
          "training diverged: "
              + inARow
              + " steps in a row had a non-finite loss or gradients (last at step "
              + (step + 1)
              + "); lower the learning rate");
    }
    return inARow;
  }

  /**
   * The language-modeling objective: each micro-batch's summed token loss divided by the step's
   * counted tokens, so the accumulated gradient is that of the step's mean token loss.
   *
   * @param checkpointLayers recompute each layer's activations in the backward pass ({@link
   *     LayerCheckpointing}); only with a frozen LM head and no teacher
   */
  static StepSource languageModeling(
      BatchSource source, Teacher teacher, boolean checkpointLayers) {
    return (model, stepManager) -> {
      List<Batch> microBatches = source.nextStep();
      int counted = Math.max(1, microBatches.stream().mapToInt(Batch::countedTokens).sum());
      double lossSum = 0;
      for (Batch batch : microBatches) {
        lossSum += forwardBackward(model, teacher, batch, counted, stepManager, checkpointLayers);
      }
      return new StepSource.Pass(
          lossSum / counted, microBatches.stream().mapToLong(Batch::realTokens).sum());
    };
  }

  /**
   * One micro-batch: returns its summed token loss (with the teacher's weighted KL term, if any);
   * gradients accumulate in the parameters. With a frozen LM head and no teacher the loss is
   * computed over chunks of the counted positions ({@link ChunkedCrossEntropy}); otherwise from the
   * full logits, which the head's own gradient and the teacher's distributions need.
   */
  private static double forwardBackward(
      LanguageModel model,
      Teacher teacher,
      Batch batch,
      int stepCountedTokens,
      NDManager stepManager,
      boolean checkpointLayers) {
    boolean chunked = teacher == null && !model.decoder().outputParameter().requiresGradient();
    if (chunked && checkpointLayers) {
      return LayerCheckpointing.forwardBackward(
          model, batch, stepCountedTokens, stepManager, defaultPositionsPerChunk(model));
    }
    if (chunked) {
      return chunkedForwardBackward(
          model, batch, stepCountedTokens, stepManager, defaultPositionsPerChunk(model));
    }
    if (checkpointLayers) {
      throw new ModelException(
          "layer checkpointing needs a frozen LM head and no distillation teacher; train "
              + (teacher == null ? "the head" : "with a teacher")
              + " without it");
    }
    try (NDManager pass = stepManager.newSubManager()) {
      // the teacher's pass runs before the collector opens: nothing of it is recorded
      NDArray teacherLogits =
          teacher == null ? null : batch.logits(teacher.model(), pass, null, false);
      try (GradientCollector collector = ModelRuntime.engine().newGradientCollector()) {
        NDArray logits = batch.logits(model, pass, null, true);
        NDArray summed =
            summedLoss(
                logits, teacherLogits, batch.targets(pass), batch.weights(pass), teacher, pass);
        // the divisor is engine-owned: the backward pass reads it (see EngineArrays)
        collector.backward(summed.div(EngineArrays.scalar(pass, stepCountedTokens)));
        return summed.getFloat();
      }
    }
  }

  /**
   * A micro-batch's summed token loss from its full logits: the negative log-likelihood, plus (with
   * a teacher) the KL divergence from the teacher's distributions on the teacher's rows, weighted
   * by {@link Teacher#weight} or, for focal distillation, by each row's {@link Teacher#rowWeights}.
   */
  static NDArray summedLoss(
      NDArray logits,
      NDArray teacherLogits,
      NDArray targets,
      NDArray weights,
      Teacher teacher,
      NDManager pass) {
    NDArray summed = CausalLmLoss.weightedSum(logits, targets, weights);
    if (teacher == null) {
      return summed;
    }
    NDIndex taught = new NDIndex("0:{}", Math.min(teacher.rows(), logits.getShape().get(0)));
    NDArray taughtLogits = logits.get(taught);
    NDArray taughtTeacher = teacherLogits.get(taught);
    NDArray taughtWeights = weights.get(taught);
    if (teacher.rightBonus() > 0) {
      NDArray rowWeighted =
          taughtWeights.mul(
              teacher.rowWeights(taughtTeacher, targets.get(taught), taughtWeights, pass));
      return summed.add(CausalLmLoss.weightedKl(taughtLogits, taughtTeacher, rowWeighted));
    }
    NDArray divergence = CausalLmLoss.weightedKl(taughtLogits, taughtTeacher, taughtWeights);
    return summed.add(divergence.mul(EngineArrays.scalar(pass, (float) teacher.weight())));
  }

  static int defaultPositionsPerChunk(LanguageModel model) {
    return ChunkedCrossEntropy.positionsPerChunk(
        ChunkedCrossEntropy.DEFAULT_CHUNK_LOGITS, model.config().vocabSize());
  }

  /**
   * The language-modeling loss of one micro-batch without its logits: the loss and its gradient
   * with respect to the counted positions' hidden states come chunk by chunk from {@link
   * ChunkedCrossEntropy}, then {@code sum(hidden * gradient) / stepCountedTokens} is
   * backpropagated, which gives every parameter below the head the gradient of the mean token loss.
   */
  static double chunkedForwardBackward(
      LanguageModel model,
      Batch batch,
      int stepCountedTokens,
      NDManager stepManager,
      int positionsPerChunk) {
    try (NDManager pass = stepManager.newSubManager()) {
      NDArray head = model.decoder().outputWeight(model.parameterStore(), model.device(), false);
      NDArray targets = EngineArrays.of(pass, batch.countedTargets());
      try (GradientCollector collector = ModelRuntime.engine().newGradientCollector()) {
        NDArray hidden = batch.countedHiddenStates(model, pass, null, true);
        ChunkedCrossEntropy.LossAndGradient loss =
            ChunkedCrossEntropy.lossAndGradient(hidden, head, targets, positionsPerChunk);
        NDArray surrogate = hidden.mul(loss.hiddenGradient()).sum();
        // the divisor is engine-owned: the backward pass reads it (see EngineArrays)
        collector.backward(surrogate.div(EngineArrays.scalar(pass, stepCountedTokens)));
        return loss.loss();
      }
    }
  }
}
