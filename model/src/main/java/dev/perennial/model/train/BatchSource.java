package dev.perennial.model.train;

import java.util.List;

/** Supplies the micro-batches of each optimizer step, deterministically from the recipe's seed. */
@FunctionalInterface
public interface BatchSource {

  /** The micro-batches of the next optimizer step (as many as the gradient accumulation). */
  List<Batch> nextStep();
}
