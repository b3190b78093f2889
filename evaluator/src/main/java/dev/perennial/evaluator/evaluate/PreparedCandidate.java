package dev.perennial.evaluator.evaluate;

import dev.perennial.evaluator.suite.EvaluationContext;
import dev.perennial.model.peft.PeftAdapter;
import java.util.ArrayList;
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

  /** With a REBASE candidate's old release's answers, and what could not be checked of them. */
  PreparedCandidate withOldRelease(ReleaseAnswers.Answered old) {
    List<String> allNotes = new ArrayList<>(notes);
    List<String> allUnchecked = new ArrayList<>(unchecked);
    old.unchecked().ifPresent(allNotes::add);
    old.unchecked().ifPresent(allUnchecked::add);
    return new PreparedCandidate(
        context, adapter, incumbentAdapter, allNotes, allUnchecked, Optional.of(old.answers()));
  }
}
