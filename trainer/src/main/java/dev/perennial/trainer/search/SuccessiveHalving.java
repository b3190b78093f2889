package dev.perennial.trainer.search;

import dev.perennial.trainer.TrainerException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Successive halving (Jamieson and Talwalkar 2016): every variant trains on a small share of the
 * job's step budget, the better half (by {@link TrialScore#BEST_FIRST}) goes on with twice the
 * steps, until one remains; the caller then trains that one with the full budget. A trial that
 * diverged ({@link TrialScore#diverged}) is dropped in its round whatever the others did, and a
 * round whose every trial diverged ends the search with an error: no variant is picked by default.
 * With k variants starting at a share s of the budget, the search costs about {@code s * k *
 * log2(k)} budgets before the final one.
 *
 * @param <R> what a variant is (a recipe)
 */
public final class SuccessiveHalving<R> {

  /** Trains a variant for a number of steps and measures it. */
  @FunctionalInterface
  public interface Trainer<R> {
    TrialScore train(R variant, int steps);
  }

  /**
   * One trial: a variant, the round it ran in, its steps and score, and whether it went on.
   *
   * @param droppedInRound the round it was dropped in, or -1 for a variant that was kept
   */
  public record Trial<R>(R variant, int round, int steps, TrialScore score, int droppedInRound) {}

  /** The winner and every trial, in the order they ran. */
  public record Result<R>(R winner, List<Trial<R>> trials, int trialSteps) {}

  private final double startShare;

  /**
   * @param startShare the share of the full budget each variant gets in the first round, in (0, 1]
   */
  public SuccessiveHalving(double startShare) {
    if (!(startShare > 0 && startShare <= 1)) {
      throw new IllegalArgumentException("start share must be in (0, 1], was " + startShare);
    }
    this.startShare = startShare;
  }

  /**
   * What the trials of {@code variants} variants cost, in first-round trials: every round trains
   * the survivors of the last with twice the steps (3 variants: 3 + 2 x 2 = 7).
   */
  public static int cost(int variants) {
    int cost = 0;
    int alive = variants;
    int steps = 1;
    while (alive > 1) {
      cost += alive * steps;
      alive = (alive + 1) / 2;
      steps *= 2;
    }
    return Math.max(1, cost);
  }

  /**
   * The steps the trials of {@code variants} variants take together when none diverges (a trial
   * that does leaves fewer to go on).
   */
  public int plannedSteps(int variants, int fullSteps) {
    int planned = 0;
    int alive = variants;
    double share = startShare;
    while (alive > 1) {
      planned += alive * roundSteps(share, fullSteps);
      alive = (alive + 1) / 2;
      share *= 2;
    }
    return planned;
  }

  private static int roundSteps(double share, int fullSteps) {
    // rounded down: rounded up, the trials would take steps the budget leaves the winner
    return Math.max(1, (int) Math.floor(Math.min(1, share) * fullSteps + 1e-9));
  }

  public Result<R> search(List<R> variants, int fullSteps, Trainer<R> trainer) {
    if (variants.isEmpty()) {
      throw new IllegalArgumentException("a search needs at least one variant");
    }
    List<Integer> alive = new ArrayList<>(IntStream.range(0, variants.size()).boxed().toList());
    List<Trial<R>> trials = new ArrayList<>();
    int trialSteps = 0;
    int round = 0;
    double share = startShare;
    while (alive.size() > 1) {
      int steps = roundSteps(share, fullSteps);
      List<Trial<R>> roundTrials = new ArrayList<>();
      for (int index : alive) {
        R variant = variants.get(index);
        roundTrials.add(new Trial<>(variant, round, steps, trainer.train(variant, steps), -1));
        trialSteps += steps;
      }
      List<Integer> ranked =
          IntStream.range(0, alive.size())
              .boxed()
              .sorted(
                  Comparator.comparing(
                      (Integer i) -> roundTrials.get(i).score(), TrialScore.BEST_FIRST))
              .toList();
      // a trial that diverged never goes on; a round where all did leaves nothing to choose from
      long finite = roundTrials.stream().filter(t -> !t.score().diverged()).count();
      if (finite == 0) {
        throw new TrainerException(
            "every variant diverged in round "
                + round
                + " (a loss after the trial was not finite): "
                + roundTrials.stream().map(t -> String.valueOf(t.variant())).toList());
      }
      int keep = (int) Math.min((alive.size() + 1) / 2, finite);
      List<Integer> survivors = new ArrayList<>();
      for (int rank = 0; rank < ranked.size(); rank++) {
        int position = ranked.get(rank);
        Trial<R> trial = roundTrials.get(position);
        if (rank < keep) {
          survivors.add(alive.get(position));
        } else {
          roundTrials.set(
              position, new Trial<>(trial.variant(), round, trial.steps(), trial.score(), round));
        }
      }
      trials.addAll(roundTrials);
      survivors.sort(Comparator.naturalOrder());
      alive = survivors;
      share *= 2;
      round++;
    }
    return new Result<>(variants.get(alive.get(0)), List.copyOf(trials), trialSteps);
  }
}
