package dev.perennial.cli.bench.continual;

import dev.perennial.core.PerennialException;
import dev.perennial.evaluator.history.ContinualMeasures;
import dev.perennial.evaluator.stats.Effect;
import dev.perennial.evaluator.stats.Interval;
import dev.perennial.evaluator.stats.PairedBootstrap;
import dev.perennial.evaluator.stats.PairedItems;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Two sets of benchmark runs compared task by task: each candidate run is paired with a baseline
 * run of the same stream (same seed and shape, same tenant), and every measure that is a mean over
 * tasks (ACC, ACC on held-out phrasings, BWT, forgetting) is compared on the pooled tasks of all
 * pairs, with a paired bootstrap interval of the difference (the evaluator's gates' statistics, the
 * tasks as items). Runs made at different times compare as well as runs of one process: the
 * benchmark is deterministic for a seed.
 */
public final class RunComparison {

  /** A measure's means and the candidate's difference from the baseline, with its interval. */
  public record Line(String measure, double candidate, double baseline, Interval difference) {}

  /** A run's per-task terms as they stood after the compared update, each computed once. */
  private record Terms(ContinualMeasures.PerTask trained, ContinualMeasures.PerTask heldOut) {}

  private record Measure(String name, Function<Terms, double[]> perTask) {}

  private static final List<Measure> MEASURES =
      List.of(
          new Measure("ACC", terms -> terms.trained().finalScore()),
          new Measure("ACC-ho", terms -> terms.heldOut().finalScore()),
          new Measure("BWT", terms -> terms.trained().backward()),
          new Measure("forget", terms -> terms.trained().forgetting()));

  private RunComparison() {}

  /**
   * @param candidates the runs whose change is measured
   * @param baselines one run of the same stream for each candidate, in the same order
   * @param update compare the measures as they stood after this update (both runs must reach it)
   * @param seed seeds the bootstrap
   */
  public static List<Line> compare(
      List<StoredRun> candidates,
      List<StoredRun> baselines,
      int update,
      PairedBootstrap bootstrap,
      long seed) {
    if (candidates.isEmpty() || candidates.size() != baselines.size()) {
      throw new PerennialException(
          candidates.size() + " candidate runs for " + baselines.size() + " baselines: pair them");
    }
    List<Terms> c = new ArrayList<>();
    List<Terms> b = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      c.add(terms(candidates.get(i), update));
      b.add(terms(baselines.get(i), update));
      requireSameStream(candidates.get(i), baselines.get(i), update);
    }
    List<Line> lines = new ArrayList<>();
    for (Measure measure : MEASURES) {
      List<Double> candidate = new ArrayList<>();
      List<Double> baseline = new ArrayList<>();
      for (int i = 0; i < c.size(); i++) {
        double[] x = measure.perTask().apply(c.get(i));
        double[] y = measure.perTask().apply(b.get(i));
        for (int j = 0; j < x.length; j++) {
          if (!Double.isNaN(x[j]) && !Double.isNaN(y[j])) {
            candidate.add(x[j]);
            baseline.add(y[j]);
          }
        }
      }
      PairedItems items = PairedItems.of(candidate, baseline);
      lines.add(
          new Line(
              measure.name(),
              mean(candidate),
              mean(baseline),
              bootstrap.interval(items, Effect.DIFFERENCE, seed)));
    }
    return lines;
  }

  private static Terms terms(StoredRun run, int update) {
    if (!run.allMeasured()) {
      throw new PerennialException(
          run.variant() + " was measured at its last update alone: its tasks cannot be paired");
    }
    if (update > run.updates()) {
      throw new PerennialException(
          run.variant()
              + " (seed "
              + run.stream().seed()
              + ") has "
              + run.updates()
              + " updates, not "
              + update);
    }
    return new Terms(
        ContinualMeasures.perTask(ContinualReport.upTo(run.exactMatch(), update)),
        ContinualMeasures.perTask(ContinualReport.upTo(run.exactMatchHeldOut(), update)));
  }

  private static void requireSameStream(StoredRun candidate, StoredRun baseline, int update) {
    if (!candidate.stream().equals(baseline.stream())
        || !candidate.tenant().equals(baseline.tenant())
        || !tasksUpTo(candidate, update).equals(tasksUpTo(baseline, update))) {
      throw new PerennialException(
          "runs of different streams cannot be paired: "
              + describe(candidate)
              + " against "
              + describe(baseline));
    }
  }

  private static List<String> tasksUpTo(StoredRun run, int update) {
    return run.exactMatch().tasks().subList(0, update + 1);
  }

  public static String describe(StoredRun run) {
    return run.variant()
        + " against its baseline ("
        + run.tenant()
        + ", seed "
        + run.stream().seed()
        + ", "
        + run.stream().newEntitiesPerUpdate()
        + " new entities per update, feedback mix "
        + run.stream().feedbackMix()
        + ")";
  }

  private static double mean(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }
}
