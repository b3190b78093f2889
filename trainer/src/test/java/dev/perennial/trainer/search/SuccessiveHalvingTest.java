package dev.perennial.trainer.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.perennial.trainer.TrainerException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SuccessiveHalvingTest {

  @Test
  void keepsTheBestOfConstructedTrialScoresAndRecordsWhereEachWasDropped() {
    // gain grows with steps; "slow" starts behind "fast" but overtakes it with more steps
    Map<String, double[]> gainPerStep =
        Map.of(
            "base",
            new double[] {0.010, 0},
            "fast",
            new double[] {0.030, 0},
            "slow",
            new double[] {0.020, 0.0004},
            "broken",
            new double[] {0.050, 0});
    List<String> calls = new ArrayList<>();
    SuccessiveHalving<String> search = new SuccessiveHalving<>(0.25);

    SuccessiveHalving.Result<String> result =
        search.search(
            List.of("base", "fast", "slow", "broken"),
            100,
            (variant, steps) -> {
              calls.add(variant + "@" + steps);
              double[] rate = gainPerStep.get(variant);
              double gain = rate[0] * steps + rate[1] * steps * steps;
              return new TrialScore(!variant.equals("broken"), gain, Double.NaN, 0);
            });

    // round 0 at 25 steps: fast 0.75, slow 0.75, base 0.25, broken fails its gates
    // round 1 at 50 steps: slow 2.0 beats fast 1.5
    assertThat(result.winner()).isEqualTo("slow");
    assertThat(calls)
        .containsExactly("base@25", "fast@25", "slow@25", "broken@25", "fast@50", "slow@50");
    assertThat(result.trialSteps()).isEqualTo(4 * 25 + 2 * 50);
    assertThat(result.trials())
        .extracting(t -> t.variant() + ":" + t.round() + ":" + t.droppedInRound())
        .containsExactly(
            "base:0:0", "fast:0:-1", "slow:0:-1", "broken:0:0", "fast:1:1", "slow:1:-1");
  }

  @Test
  void searchesTheMovesOfEveryDimensionOnConstructedScoresWithinTheBudget() {
    // gain rises with the learning rate and falls with the replay share; a trial whose replay
    // share is under 0.8 loses what it knew (fails its gates); the rank and the feedback weight
    // each have a best value
    SuccessiveHalving.Trainer<SearchSettings.Variant> scored =
        (variant, steps) -> {
          RecipePoint p = variant.point();
          double gain =
              steps
                  * (p.learningRateFactor()
                      - p.replayFraction()
                      - Math.abs(Math.log(p.loraRank() / 16.0))
                      - Math.abs(Math.log(p.feedbackWeightFactor() / 0.5)));
          return new TrialScore(p.replayFraction() >= 0.8, gain, Double.NaN, 0);
        };
    RecipePoint centre = RecipePoint.configured(0.8125, 8);
    SearchSettings settings = new SearchSettings(true, 8, 1.5, List.of(Dimension.values()), 1);

    Map<Dimension, String> winners = new java.util.EnumMap<>(Dimension.class);
    for (Dimension dimension : Dimension.values()) {
      List<SearchSettings.Variant> variants = SearchSettings.variants(centre, dimension, 16);
      SuccessiveHalving.Result<SearchSettings.Variant> result =
          new SuccessiveHalving<SearchSettings.Variant>(settings.startShare(variants.size()))
              .search(variants, 140, scored);
      winners.put(dimension, result.winner().name());
      assertThat(result.trialSteps() + settings.finalSteps(140, 140, result.trialSteps()))
          .as("trials and candidate within 1.5 budgets")
          .isLessThanOrEqualTo(210);
    }

    assertThat(winners)
        .containsEntry(Dimension.LEARNING_RATE, "learning-rate x2")
        .containsEntry(Dimension.REPLAY, "centre") // 12/16 gains more but fails its gates
        .containsEntry(Dimension.RANK, "rank 16")
        .containsEntry(Dimension.FEEDBACK_WEIGHT, "feedback-weight x0.5");
    assertThat(SuccessiveHalving.cost(3)).isEqualTo(7);
    assertThat(SuccessiveHalving.cost(4)).isEqualTo(8);
  }

  @Test
  void gatesComeBeforeGainAndTheMarginBreaksTies() {
    List<TrialScore> scores =
        new ArrayList<>(
            List.of(
                new TrialScore(false, 9, Double.NaN, 9),
                new TrialScore(true, 1, Double.NaN, 0.5),
                new TrialScore(true, 1, Double.NaN, 0.7),
                new TrialScore(true, 0.5, Double.NaN, 2)));

    scores.sort(TrialScore.BEST_FIRST);

    assertThat(scores)
        .containsExactly(
            new TrialScore(true, 1, Double.NaN, 0.7),
            new TrialScore(true, 1, Double.NaN, 0.5),
            new TrialScore(true, 0.5, Double.NaN, 2),
            new TrialScore(false, 9, Double.NaN, 9));
  }

  @Test
  void aFasterRateThatLearnsMoreButLosesReplayWithinTheGateLosesToTheCentre() {
    // a learning-rate search ranked on constructed scores: x2 gains 0.0024 nats per step on the
    // job's examples, the centre 0.0020, x0.5 0.0010 (and its replay loss falls 0.0002 per step)
    assertThat(learningRateSearch(0).winner())
        .as("x2 keeps the replay: the larger gain wins")
        .isEqualTo("learning-rate x2");

    // x2's replay loss rises 0.0008 per step: 0.02 after 25 steps, 0.04 after 50, both inside the
    // 0.05 gate, which alone would let its larger gain win.
    // round 0 at 25 steps: centre nets 0.050, x2 0.060 - 0.020 = 0.040, x0.5 0.025 + 0.005 =
    // 0.030 (dropped); round 1 at 50 steps: centre 0.100, x2 0.120 - 0.040 = 0.080
    SuccessiveHalving.Result<String> forgetting = learningRateSearch(0.0008);
    assertThat(forgetting.winner()).isEqualTo("centre");
    assertThat(forgetting.trials())
        .allSatisfy(t -> assertThat(t.score().gatesPassed()).isTrue())
        .extracting(t -> t.variant() + ":" + t.round() + ":" + t.droppedInRound())
        .containsExactly(
            "centre:0:-1",
            "learning-rate x0.5:0:0",
            "learning-rate x2:0:-1",
            "centre:1:-1",
            "learning-rate x2:1:1");

    assertThat(new TrialScore(true, 0.3, 0.04, 0).netGain()).isCloseTo(0.26, within(1e-12));
    assertThat(new TrialScore(true, 0.3, Double.NaN, 0).netGain())
        .as("no replay: the gain alone")
        .isEqualTo(0.3);
  }

  @Test
  void winnersThatGiveUpRetentionUpdateAfterUpdateDoNotCompoundBeyondTheReach() {
    // every update's trials gain more with less replay and a lower feedback weight, and the replay
    // sample does not see the cost: the path bench continual's search took on both seeds
    SuccessiveHalving.Trainer<SearchSettings.Variant> shortRun =
        (variant, steps) -> {
          RecipePoint p = variant.point();
          double gain = steps * (2 - p.replayFraction() - 0.1 * p.feedbackWeightFactor());
          return new TrialScore(true, gain, 0.01, 0);
        };
    RecipePoint configured = RecipePoint.configured(0.8125, 8);
    EnumSet<Dimension> continued =
        EnumSet.of(Dimension.LEARNING_RATE, Dimension.REPLAY, Dimension.FEEDBACK_WEIGHT);
    List<Dimension> all = List.of(Dimension.values());

    assertThat(
            centreAfterTenUpdates(
                new SearchSettings(true, 8, 1.5, all, 10), configured, continued, shortRun))
        .as("unbounded: each winner centres the next search, one row less every replay turn")
        .isEqualTo(new RecipePoint(1, 0.625, 0.25, 8));
    assertThat(
            centreAfterTenUpdates(
                new SearchSettings(true, 8, 1.5, all, 1), configured, continued, shortRun))
        .as("reach 1: the centre stays one step away")
        .isEqualTo(new RecipePoint(1, 0.75, 0.5, 8));
    assertThat(
            centreAfterTenUpdates(
                new SearchSettings(
                    true, 8, 1.5, List.of(Dimension.RANK, Dimension.LEARNING_RATE), 1),
                configured,
                continued,
                shortRun))
        .as("the default dimensions: replay and feedback weight stay the configured")
        .isEqualTo(configured);
  }

  /**
   * Where update 11 of a key starts its search, each of updates 2 to 10 centred on the last winner.
   */
  private static RecipePoint centreAfterTenUpdates(
      SearchSettings settings,
      RecipePoint configured,
      EnumSet<Dimension> applicable,
      SuccessiveHalving.Trainer<SearchSettings.Variant> trainer) {
    RecipePoint winner = configured;
    for (int update = 2; update <= 10; update++) {
      RecipePoint centre = settings.withinReach(winner, configured, 16);
      List<SearchSettings.Variant> variants =
          SearchSettings.variants(centre, settings.dimension(update, applicable).orElseThrow(), 16);
      winner =
          new SuccessiveHalving<SearchSettings.Variant>(settings.startShare(variants.size()))
              .search(variants, 140, trainer)
              .winner()
              .point();
    }
    return settings.withinReach(winner, configured, 16);
  }

  /** Three variants at a seventh of 175 steps (25, then 50), x2 losing replay as given. */
  private static SuccessiveHalving.Result<String> learningRateSearch(double x2ReplayPerStep) {
    Map<String, double[]> perStep =
        Map.of(
            "centre", new double[] {0.0020, 0},
            "learning-rate x2", new double[] {0.0024, x2ReplayPerStep},
            "learning-rate x0.5", new double[] {0.0010, -0.0002});
    return new SuccessiveHalving<String>(1.0 / 7)
        .search(
            List.of("centre", "learning-rate x0.5", "learning-rate x2"),
            175,
            (variant, steps) -> {
              double[] rate = perStep.get(variant);
              double replayChange = rate[1] * steps;
              return new TrialScore(
                  replayChange <= SearchSettings.RETENTION_TOLERANCE,
                  rate[0] * steps,
                  replayChange,
                  0);
            });
  }

  @Test
  void aTrialWhoseLossIsNotFiniteNeverGoesOnAndNeverWins() {
    // x2's weights left the finite range in its last steps (fewer than the training loop's skips
    // allowed in a row, so the trial ran to its end): the loss JobSearch probes after it is NaN
    List<String> calls = new ArrayList<>();
    SuccessiveHalving.Result<String> result =
        new SuccessiveHalving<String>(1.0 / 7)
            .search(
                List.of("centre", "learning-rate x0.5", "learning-rate x2"),
                175,
                (variant, steps) -> {
                  calls.add(variant + "@" + steps);
                  double gain = variant.equals("learning-rate x0.5") ? 0.001 : 0.002;
                  return TrialScore.measured(
                      variant.equals("learning-rate x2") ? Double.NaN : gain * steps, 0.01);
                });

    assertThat(result.winner()).isEqualTo("centre");
    assertThat(result.trials())
        .filteredOn(t -> t.variant().equals("learning-rate x2"))
        .singleElement()
        .satisfies(t -> assertThat(t.score().gatesPassed()).isFalse())
        .satisfies(t -> assertThat(t.droppedInRound()).isZero());
    assertThat(calls)
        .as("the diverged variant is not trained again")
        .containsExactly(
            "centre@25",
            "learning-rate x0.5@25",
            "learning-rate x2@25",
            "centre@50",
            "learning-rate x0.5@50");
  }

  @Test
  void aSearchWhoseEveryVariantDivergedFailsRatherThanPickOne() {
    SuccessiveHalving<String> search = new SuccessiveHalving<>(0.25);

    assertThatThrownBy(
            () ->
                search.search(
                    List.of("centre", "learning-rate x0.5", "learning-rate x2"),
                    100,
                    (variant, steps) -> TrialScore.measured(Double.NaN, Double.NaN)))
        .isInstanceOf(TrainerException.class)
        .hasMessageContaining("every variant diverged in round 0")
        .hasMessageContaining("learning-rate x2");
  }

  @Test
  void oneVariantNeedsNoTrialAndNoVariantIsRefused() {
    SuccessiveHalving<String> search = new SuccessiveHalving<>(0.25);
    SuccessiveHalving.Result<String> single =
        search.search(
            List.of("only"),
            100,
            (variant, steps) -> {
              throw new AssertionError("no trial for a single variant");
            });
    assertThat(single.winner()).isEqualTo("only");
    assertThat(single.trials()).isEmpty();
    assertThatThrownBy(() -> search.search(List.of(), 100, (v, s) -> null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
