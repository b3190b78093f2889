package dev.perennial.trainer.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class SearchSettingsTest {

  private static final List<Dimension> ALL = List.of(Dimension.values());

  @Test
  void aWinnerTrainsItsFullStepBudgetFromBudget1point5UpWhenTheSharesDoNotDivideTheSteps() {
    // 3 variants at a quarter of 10 steps, then 2 at a half: 2.5 steps a trial is no whole step
    SearchSettings settings =
        new SearchSettings(true, 8, 2.75, List.of(Dimension.LEARNING_RATE), 1);
    int trials = new SuccessiveHalving<>(settings.startShare(3)).plannedSteps(3, 10);

    assertThat(settings.finalSteps(10, 10, trials))
        .as("the trials take at most budget - 1 step budgets, %d steps here", trials)
        .isEqualTo(10);
  }

  @Test
  void aJobRanksOnItsValidationExamplesElseOnItsOwnAndAKeyWithLittleDataNeverSearches() {
    SearchSettings on = new SearchSettings(true, 8, 2.75, ALL, 1);

    assertThat(on.rankedOn(8, 30)).contains(SearchSettings.RankedOn.VALIDATION);
    assertThat(on.rankedOn(5, 30))
        .as("too few set aside: its own examples")
        .contains(SearchSettings.RankedOn.OWN_EXAMPLES);
    assertThat(on.rankedOn(0, 8)).contains(SearchSettings.RankedOn.OWN_EXAMPLES);
    assertThat(on.rankedOn(0, 7)).as("a key with little data").isEmpty();
    assertThat(SearchSettings.off().rankedOn(1000, 1000)).as("off by default").isEmpty();
    assertThat(SearchSettings.RankedOn.OWN_EXAMPLES.rankedBy(true))
        .contains(
            "own training examples",
            "held-out replay sample (replay examples no trial trains on)",
            "minus the replay sample's loss change");
    assertThat(SearchSettings.RankedOn.VALIDATION.rankedBy(false))
        .contains("validation examples", "no replay sample")
        .doesNotContain("minus the replay");
  }

  @Test
  void eachUpdateSearchesTheNextDimensionThatAppliesAndTheRankOnlyForAFreshAdapter() {
    SearchSettings on = new SearchSettings(true, 8, 2.75, ALL, 1);
    EnumSet<Dimension> fresh = EnumSet.allOf(Dimension.class);
    EnumSet<Dimension> continuedWithoutFeedback =
        EnumSet.of(Dimension.LEARNING_RATE, Dimension.REPLAY);

    assertThat(on.dimension(1, fresh)).contains(Dimension.RANK);
    assertThat(List.of(2, 3, 4, 5).stream().map(u -> on.dimension(u, continuedWithoutFeedback)))
        .extracting(d -> d.orElseThrow())
        .containsExactly(
            Dimension.REPLAY, Dimension.LEARNING_RATE, Dimension.REPLAY, Dimension.LEARNING_RATE);
    assertThat(
            new SearchSettings(true, 8, 2.75, List.of(Dimension.FEEDBACK_WEIGHT), 1)
                .dimension(2, continuedWithoutFeedback))
        .as("no feedback: nothing to search")
        .isEmpty();
  }

  @Test
  void aJobThatDoesNotSearchIsToldWhy() {
    SearchSettings rankOnly = new SearchSettings(true, 8, 2.75, List.of(Dimension.RANK), 1);

    assertThat(rankOnly.whyNot(2, 7, EnumSet.allOf(Dimension.class)))
        .isEqualTo("fewer than 8 examples to rank trials on (2 set aside, 7 to train on)");
    assertThat(rankOnly.whyNot(8, 30, EnumSet.of(Dimension.LEARNING_RATE, Dimension.REPLAY)))
        .startsWith("none of the searched settings [rank] applies");
  }

  @Test
  void theCentreComesFirstAndAMoveThatLeavesItsRangeIsLeftOut() {
    RecipePoint centre = new RecipePoint(4, 0.9375, 0.25, 1);

    assertThat(SearchSettings.variants(centre, Dimension.LEARNING_RATE, 16))
        .extracting(SearchSettings.Variant::name)
        .containsExactly("centre", "learning-rate x0.5");
    assertThat(SearchSettings.variants(centre, Dimension.REPLAY, 16))
        .as("at least one new example per batch")
        .extracting(SearchSettings.Variant::name)
        .containsExactly("centre", "replay 14/16");
    assertThat(SearchSettings.variants(centre, Dimension.FEEDBACK_WEIGHT, 16))
        .extracting(v -> v.point().feedbackWeightFactor())
        .containsExactly(0.25, 0.5);
    assertThat(SearchSettings.variants(centre, Dimension.RANK, 16))
        .extracting(v -> v.point().loraRank())
        .containsExactly(1, 2);
    assertThat(SearchSettings.variants(RecipePoint.configured(0.8125, 8), Dimension.REPLAY, 16))
        .extracting(v -> v.point().replayFraction())
        .containsExactly(0.8125, 0.75, 0.875);
  }

  @Test
  void aCentreIsDrawnBackToWithinReachOfTheConfiguredRecipeAndAnUnsearchedSettingIsTheConfigured() {
    RecipePoint configured = RecipePoint.configured(0.8125, 8);
    // the drift measured on seed 1: replay 13/16 -> 10/16, feedback weight x1 -> x0.25, rank 16
    RecipePoint drifted = new RecipePoint(0.25, 0.625, 0.25, 16);
    SearchSettings all = new SearchSettings(true, 8, 1.5, ALL, 1);

    assertThat(all.withinReach(drifted, configured, 16))
        .isEqualTo(new RecipePoint(0.5, 0.75, 0.5, 16));
    assertThat(new SearchSettings(true, 8, 1.5, ALL, 2).withinReach(drifted, configured, 16))
        .isEqualTo(new RecipePoint(0.25, 0.6875, 0.25, 16));
    assertThat(new SearchSettings(true, 8, 1.5, ALL, 0).withinReach(drifted, configured, 16))
        .as("reach 0: the configured recipe")
        .isEqualTo(configured);
    RecipePoint withinOne = new RecipePoint(2, 0.875, 0.5, 4);
    assertThat(all.withinReach(withinOne, configured, 16)).isEqualTo(withinOne);
    assertThat(
            new SearchSettings(true, 8, 1.5, List.of(Dimension.RANK, Dimension.LEARNING_RATE), 1)
                .withinReach(drifted, configured, 16))
        .as("replay and feedback weight not searched: the configured")
        .isEqualTo(new RecipePoint(0.5, 0.8125, 1, 16));
    assertThat(all.withinReach(new RecipePoint(4, 0.8125, 1, 64), configured, 16))
        .isEqualTo(new RecipePoint(2, 0.8125, 1, 16));
  }

  @Test
  void theTrialsAndTheCandidateFitTheComputeBudget() {
    SearchSettings equal = new SearchSettings(true, 8, 1.0, ALL, 1);
    SearchSettings wider = new SearchSettings(true, 8, 1.5, ALL, 1);
    SearchSettings standard = new SearchSettings(true, 8, 2.75, ALL, 1);

    assertThat(standard.startShare(3)).as("3 + 2 x 2 first-round trials").isEqualTo(0.25);
    assertThat(wider.startShare(3)).isEqualTo(0.5 / 7);
    assertThat(equal.startShare(3)).isEqualTo(1.0 / 3 / 7);
    // a job of 100 steps whose trials took 49: the winner trains 51 at equal compute, its full
    // budget at 1.5x, and never more than its own budget
    assertThat(equal.finalSteps(100, 100, 33)).isEqualTo(67);
    assertThat(wider.finalSteps(100, 100, 49)).isEqualTo(100);
    assertThat(wider.finalSteps(100, 140, 49)).as("more replay, more steps: cut").isEqualTo(101);
    assertThat(standard.finalSteps(100, 90, 175)).isEqualTo(90);
  }
}
