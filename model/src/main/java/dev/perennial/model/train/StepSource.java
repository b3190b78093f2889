package dev.perennial.model.train;

import ai.djl.ndarray.NDManager;
import dev.perennial.model.runtime.LanguageModel;

/**
 * One optimizer step's data and objective: draws the step's micro-batches (deterministically from
 * the recipe's seed) and runs each one's forward and backward pass, so that the gradients of the
 * step's loss accumulate in the model's trainable parameters. {@link TrainingLoop} does the rest
 * (clipping, the update, the schedule).
 */
@FunctionalInterface
public interface StepSource {

  /**
   * What one step's passes measured.
   *
   * @param loss the step's loss
   * @param tokens non-padding input tokens processed
   */
  record Pass(double loss, long tokens) {}

  /**
   * Draws the next step and runs its passes.
   *
   * @param stepManager holds what must outlive one micro-batch until the update
   */
  Pass forwardBackward(LanguageModel model, NDManager stepManager);
}
