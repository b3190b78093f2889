package dev.perennial.evaluator.evaluate;

import dev.perennial.evaluator.scoring.ScoringProgress;
import java.util.List;

/** Hears a batch's progress (on the scoring thread; keep it quick): consoles, logs, meters. */
public interface EvaluationListener {

  EvaluationListener NONE = new EvaluationListener() {};

  /** The batch's candidates are loaded; {@code workloads} passes of {@code rows} rows follow. */
  default void scoring(List<CandidateRequest> batch, int workloads, long rows) {}

  /** One of the batch's passes is done: its rows done so far, a few times a batch. */
  default void progress(List<CandidateRequest> batch, ScoringProgress progress) {}

  /** The batch's scoring ended, however it ended (after {@link #scored} when it did not fail). */
  default void idle() {}

  /** The batch's passes are done after {@code seconds}. */
  default void scored(List<CandidateRequest> batch, double seconds) {}

  /** One candidate's evaluation is complete, its report written. */
  default void evaluated(Evaluation evaluation) {}
}
