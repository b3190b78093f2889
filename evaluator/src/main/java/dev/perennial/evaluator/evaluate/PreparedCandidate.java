package dev.perennial.evaluator.evaluate;

import dev.perennial.evaluator.suite.EvaluationContext;
import dev.perennial.model.peft.PeftAdapter;
import java.util.List;

/**
 * A candidate ready for the suites: its context, the adapters to load (its own and its incumbent's,
 * if any) and what a report reader should know.
 */
record PreparedCandidate(
    EvaluationContext context,
    PeftAdapter adapter,
    PeftAdapter incumbentAdapter,
    List<String> notes) {}
