package dev.perennial.model.train;

import dev.perennial.model.ModelException;

/**
 * Training stopped because it diverged: too many steps in a row had a non-finite loss or gradients.
 * A caller that tries recipes (the trainer's recipe search) records the recipe as one that
 * diverged; every other failure of training stays a {@link ModelException}.
 */
public final class TrainingDivergedException extends ModelException {

  private static final long serialVersionUID = 1L;

  public TrainingDivergedException(String message) {
    super(message);
  }
}
