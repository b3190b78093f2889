package dev.perennial.evaluator.evaluate;

import dev.perennial.evaluator.suite.EvaluationContext;
import dev.perennial.model.peft.PeftAdapter;
import java.util.List;
import java.util.Optional;

/**
 * A candidate ready for the suites: its context, the adapters to load (its own and its incumbent's,
 * if any) and what a report reader should know; for a REBASE candidate, the answers of the release
 * it moves (on the old base) to the key's held-out questions.
 */
record PreparedCandidate(
    EvaluationContext context,
    PeftAdapter adapter,
    PeftAdapter incumbentAdapter,
    List<String> notes,
    Optional<List<String>> oldReleaseAnswers) {

  PreparedCandidate(
      EvaluationContext context,
      PeftAdapter adapter,
      PeftAdapter incumbentAdapter,
      List<String> notes) {
    this(context, adapter, incumbentAdapter, notes, Optional.empty());
  }

  PreparedCandidate withOldReleaseAnswers(List<String> answers) {
    return new PreparedCandidate(
        context, adapter, incumbentAdapter, notes, Optional.of(List.copyOf(answers)));
  }
}
