package dev.perennial.evaluator.evaluate;

import java.util.List;

/** Hears a batch's progress (on the scoring thread; keep it quick): consoles, logs, meters. */
public interface EvaluationListener {

  EvaluationListener NONE = new EvaluationListener() {};

  /** The batch's candidates are loaded; {@code workloads} passes of {@code rows} rows follow. */
  default void scoring(List<CandidateRequest> batch, int workloads, long rows) {}

  /** The batch's passes are done after {@code seconds}. */
  default void scored(List<CandidateRequest> batch, double seconds) {}

  /** One candidate's evaluation is complete, its report written. */
  default void evaluated(Evaluation evaluation) {}
}
