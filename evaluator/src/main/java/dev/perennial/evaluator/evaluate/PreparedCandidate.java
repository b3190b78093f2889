package dev.perennial.evaluator.evaluate;

import dev.perennial.evaluator.suite.EvaluationContext;
import dev.perennial.model.peft.PeftAdapter;
import java.util.List;
import java.util.Optional;

/**
 * A candidate ready for the suites: its context, the adapters to load (its own and its incumbent's,
 * if any), what a report reader should know and, among that, what the evaluator could not check
 * ({@code unchecked}, which the verdict's reason names too); for a REBASE candidate, the answers of
 * the release it moves (on the old base) to the key's held-out questions.
 */
record PreparedCandidate(
    EvaluationContext context,
    PeftAdapter adapter,
    PeftAdapter incumbentAdapter,
    List<String> notes,
    List<String> unchecked,
    Optional<List<String>> oldReleaseAnswers) {

  PreparedCandidate(
      EvaluationContext context,
      PeftAdapter adapter,
      PeftAdapter incumbentAdapter,
      List<String> notes,
      List<String> unchecked) {
    this(context, adapter, incumbentAdapter, notes, unchecked, Optional.empty());
  }

  PreparedCandidate withOldReleaseAnswers(List<String> answers) {
    return new PreparedCandidate(
        context, adapter, incumbentAdapter, notes, unchecked, Optional.of(List.copyOf(answers)));
  }
}
