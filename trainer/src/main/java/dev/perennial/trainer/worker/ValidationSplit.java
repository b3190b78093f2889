package dev.perennial.trainer.worker;

import dev.perennial.trainer.shard.HeldOutSplit;
import dev.perennial.trainer.shard.SourcedExample;
import java.util.ArrayList;
import java.util.List;

/**
 * The examples of a job's training shards set aside to decide early stopping, never trained on:
 * chosen by split key like the accumulator's held-out split ({@link HeldOutSplit#keyOf}: every
 * example about one prompt on the same side), with a salt of its own so the choice is independent
 * of it. The evaluator's held-out shards stay unread by the trainer, so nothing the evaluator
 * measures influenced training. A job with fewer than {@value #MIN_EXAMPLES} such examples sets
 * none aside and trains its whole step budget.
 *
 * @param training what the job trains on
 * @param validation what decides when it stops (empty: it does not stop early)
 */
public record ValidationSplit(List<SourcedExample> training, List<SourcedExample> validation) {

  /** Fewest validation examples that make early stopping worth its noise. */
  public static final int MIN_EXAMPLES = 4;

  private static final String SALT = "validation:";

  public ValidationSplit {
    training = List.copyOf(training);
    validation = List.copyOf(validation);
  }

  /** Sets {@code fraction} of the examples aside (0: none). */
  public static ValidationSplit of(List<SourcedExample> examples, double fraction) {
    if (fraction == 0) {
      return new ValidationSplit(examples, List.of());
    }
    HeldOutSplit split = new HeldOutSplit(fraction);
    List<SourcedExample> training = new ArrayList<>();
    List<SourcedExample> validation = new ArrayList<>();
    for (SourcedExample example : examples) {
      (split.isHeldOut(SALT + HeldOutSplit.keyOf(example.example())) ? validation : training)
          .add(example);
    }
    if (validation.size() < MIN_EXAMPLES || training.isEmpty()) {
      return new ValidationSplit(examples, List.of());
    }
    return new ValidationSplit(training, validation);
  }
}
