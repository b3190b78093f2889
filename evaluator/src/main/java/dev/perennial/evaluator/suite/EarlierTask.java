package dev.perennial.evaluator.suite;

import dev.perennial.evaluator.history.TaskRef;
import java.util.List;

/**
 * A task of the key's history as it can be measured now: the examples of its shards that are still
 * in the store and not among the candidate's own held-out shards (none when an erasure rewrote them
 * all).
 *
 * @param column the task's column in the key's score matrix
 */
public record EarlierTask(int column, TaskRef task, List<EvalExample> examples, String dataset) {

  public EarlierTask {
    examples = List.copyOf(examples);
  }

  /** The task's questions whose greedy answers exact match judges. */
  public List<EvalExample> questions() {
    return examples.stream().filter(EvalExample::hasShortAnswer).toList();
  }
}
