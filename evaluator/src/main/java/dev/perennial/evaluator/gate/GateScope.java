package dev.perennial.evaluator.gate;

import dev.perennial.evaluator.suite.EvaluationContext;
import dev.perennial.evaluator.suite.FeedbackSuite;
import dev.perennial.evaluator.suite.LearningSuite;

/**
 * What a candidate is judged on, known from its evaluation context before anything is scored: the
 * gates that apply follow from it, never from what was measured, so a measurement that is missing
 * (scoring that measured nothing, a metric renamed) leaves its gate undecided instead of out.
 *
 * @param otherCanaries the other tenants' canaries planted for it (the leakage gate applies with
 *     any)
 * @param heldOutPairs the preference pairs of its key's held-out pool (the feedback gates apply
 *     with at least gate.feedback.min.pairs)
 * @param generalExamples the examples of the base's general set it is asked (the general set's
 *     gates apply with any)
 * @param incumbent whether it is compared with an incumbent (the key's stable release on its base)
 * @param earlierExamples the examples of its key's held-out pool besides its own (regression.tenant
 *     applies with any and an incumbent)
 * @param distinctIncumbent whether its incumbent is another adapter than itself (not the candidate
 *     read again after its release: {@link LearningSuite#isTheCandidateItself})
 */
public record GateScope(
    int otherCanaries,
    int heldOutPairs,
    int generalExamples,
    boolean incumbent,
    int earlierExamples,
    boolean distinctIncumbent) {

  /** The scope of the candidate the context evaluates. */
  public static GateScope of(EvaluationContext context) {
    return new GateScope(
        context.otherCanaries().size(),
        FeedbackSuite.pairs(context).size(),
        context.general().size(),
        context.incumbent().isPresent(),
        context.earlierPool().size(),
        context
            .incumbent()
            .filter(incumbent -> !LearningSuite.isTheCandidateItself(context, incumbent))
            .isPresent());
  }
}
