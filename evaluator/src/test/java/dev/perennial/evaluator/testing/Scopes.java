package dev.perennial.evaluator.testing;

import dev.perennial.evaluator.gate.GateScope;
import dev.perennial.evaluator.suite.FeedbackSuite;
import dev.perennial.evaluator.suite.LearningSuite;
import dev.perennial.evaluator.suite.Measurements;
import dev.perennial.evaluator.suite.RetentionSuite;

/** Gate scopes of constructed measurements, for gate tests that build what the suites record. */
public final class Scopes {

  private Scopes() {}

  /**
   * The scope measurements built as the suites record them stand for: the other tenants' canaries
   * {@code leakage.canaries} counts, the held-out pairs {@code feedback.pairs} counts, and a
   * general set where its items were recorded (the retention suite records them, none or some,
   * whenever the base has one), an incumbent where anything was compared with one, the earlier
   * examples its items against the incumbent count, and an incumbent other than the candidate where
   * the candidate's own examples were compared with one.
   */
  public static GateScope of(Measurements m) {
    int canaries = m.has("leakage.canaries") ? (int) m.get("leakage.canaries") : 0;
    int pairs = m.has(FeedbackSuite.PAIRS) ? (int) m.get(FeedbackSuite.PAIRS) : 0;
    int general =
        m.hasPaired(RetentionSuite.GENERAL_VS_BASE)
            ? Math.max(1, m.paired(RetentionSuite.GENERAL_VS_BASE).size())
            : 0;
    boolean incumbent =
        m.hasPaired(RetentionSuite.GENERAL_VS_INCUMBENT)
            || m.hasPaired(RetentionSuite.EARLIER_VS_INCUMBENT)
            || m.hasPaired(LearningSuite.NEW_VS_INCUMBENT);
    int earlier =
        m.hasPaired(RetentionSuite.EARLIER_VS_INCUMBENT)
            ? m.paired(RetentionSuite.EARLIER_VS_INCUMBENT).size()
            : 0;
    return new GateScope(
        canaries, pairs, general, incumbent, earlier, m.hasPaired(LearningSuite.NEW_VS_INCUMBENT));
  }
}
