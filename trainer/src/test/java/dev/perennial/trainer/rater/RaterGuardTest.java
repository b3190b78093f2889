package dev.perennial.trainer.rater;

import static dev.perennial.trainer.testing.Examples.at;
import static dev.perennial.trainer.testing.Examples.correction;
import static dev.perennial.trainer.testing.Examples.preference;
import static dev.perennial.trainer.testing.Examples.rating;
import static dev.perennial.trainer.testing.Examples.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.trainer.shard.SourcedExample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rater guard on constructed feedback, against agreements counted by hand. */
class RaterGuardTest {

  private static final String KEY = "acme/support";
  private static final RaterGuardSettings DEFAULTS =
      new RaterGuardSettings(true, 0.01, 8, 2, false);
  private static final RaterGuardSettings MAJORITY = new RaterGuardSettings(true, 0.01, 8, 2, true);

  private static String prompt(int item) {
    return "Question: What colour is lamp " + item + "?\nAnswer:";
  }

  /** {@code subject}'s pair on {@code item}: the right answer chosen, or the wrong one. */
  private static TrainingExample pair(String subject, int item, boolean right) {
    return right
        ? preference(KEY, subject, prompt(item), " teal", " grey")
        : preference(KEY, subject, prompt(item), " grey", " teal");
  }

  private static List<SourcedExample> sourced(List<TrainingExample> examples) {
    List<SourcedExample> sourced = new ArrayList<>();
    for (TrainingExample example : examples) {
      sourced.add(at(0, sourced.size(), example));
    }
    return sourced;
  }

  @Test
  void aConsistentlyWrongSubjectIsSetAsideWithEveryFeedbackExampleButNotTheOthers() {
    List<TrainingExample> examples = new ArrayList<>();
    for (int item = 0; item < 10; item++) {
      for (String honest : List.of("p-a", "p-b", "p-c")) {
        examples.add(pair(honest, item, true));
      }
      examples.add(pair("p-d", item, false));
    }
    examples.add(text(KEY, "p-d", "A document of p-d's."));

    // p-a: the others' votes +1 (p-b), +1 (p-c), -1 (p-d) sum to +1, p-a's own +1: 10 agreements;
    // p-d: the others' +3 against its -1 on every item: 10 disagreements, P(X >= 10) = 1/1024
    assertThat(RaterAgreement.of(examples, 2))
        .containsEntry("p-a", new RaterAgreement.Tally(10, 0))
        .containsEntry("p-d", new RaterAgreement.Tally(0, 10));
    RaterGuard guard = new RaterGuard(DEFAULTS);
    RaterGuard.Outcome outcome = guard.apply(sourced(examples), List.of());

    assertThat(outcome.subjectsCompared()).isEqualTo(4);
    assertThat(outcome.setAside()).containsExactly("p-d");
    assertThat(outcome.examplesSetAside()).isEqualTo(10);
    // the document stays: the guard judges feedback only
    assertThat(outcome.training()).hasSize(31);
    assertThat(outcome.training().stream().map(e -> e.example().getSubjectPseudonym()))
        .containsOnlyOnce("p-d");
    assertThat(guard.record(outcome).toString())
        .isEqualTo(
            "{\"subjectsCompared\": 4, \"subjectsSetAside\": 1, \"examplesSetAside\": 10,"
                + " \"alpha\": 0.01, \"minItems\": 8, \"minOthers\": 2, \"majorityVote\": false,"
                + " \"examplesOutvoted\": 0}");
  }

  @Test
  void honestSubjectsWithNoiseSpreadOverTheirRecordsAreKept() {
    // five subjects on 20 items, each wrong on three items of its own (15 of 100 records flipped):
    // on those the four others are right (3 disagreements), on the 17 others three of four are
    // (17 agreements); P(X >= 3) of 20 is far above 0.01
    List<TrainingExample> examples = new ArrayList<>();
    for (int s = 0; s < 5; s++) {
      for (int item = 0; item < 20; item++) {
        examples.add(pair("p-" + s, item, item / 3 != s));
      }
    }

    Map<String, RaterAgreement.Tally> tallies = RaterAgreement.of(examples, 2);
    RaterGuard.Outcome outcome = new RaterGuard(DEFAULTS).apply(sourced(examples), List.of());

    assertThat(tallies.values()).containsOnly(new RaterAgreement.Tally(17, 3));
    assertThat(outcome.subjectsCompared()).isEqualTo(5);
    assertThat(outcome.setAside()).isEmpty();
    assertThat(outcome.training()).hasSize(100);
  }

  @Test
  void aLoneSubjectIsNeverComparedSoOneSubjectPerTenantSetsNothingAside() {
    List<TrainingExample> examples = new ArrayList<>();
    for (int item = 0; item < 30; item++) {
      // one pseudonym, five records an item, most wrong: nobody else to disagree with
      for (int record = 0; record < 5; record++) {
        examples.add(pair("p-tenant", item, record == 0));
      }
    }

    RaterGuard.Outcome outcome = new RaterGuard(DEFAULTS).apply(sourced(examples), List.of());

    assertThat(RaterAgreement.of(examples, 1))
        .containsExactly(Map.entry("p-tenant", new RaterAgreement.Tally(0, 0)));
    assertThat(outcome.subjectsCompared()).isZero();
    assertThat(outcome.setAside()).isEmpty();
    assertThat(outcome.training()).hasSize(150);
  }

  @Test
  void anItemWhoseOtherSubjectsTieIsSkippedAndTooFewOthersDoNotCount() {
    // item 0: p-a +1, p-b +1, p-c -1. For p-a the others tie (+1 - 1): skipped; likewise p-b; for
    // p-c the others are +2: a disagreement. Item 1: p-a +1 and p-b -1, each with one other only.
    List<TrainingExample> examples =
        List.of(
            pair("p-a", 0, true),
            pair("p-b", 0, true),
            pair("p-c", 0, false),
            pair("p-a", 1, true),
            pair("p-b", 1, false));

    assertThat(RaterAgreement.of(examples, 2))
        .containsExactly(
            Map.entry("p-a", new RaterAgreement.Tally(0, 0)),
            Map.entry("p-b", new RaterAgreement.Tally(0, 0)),
            Map.entry("p-c", new RaterAgreement.Tally(0, 1)));
    // with one other enough, item 1 counts: p-a and p-b each disagree with the other there
    assertThat(RaterAgreement.of(examples, 1))
        .containsExactly(
            Map.entry("p-a", new RaterAgreement.Tally(0, 1)),
            Map.entry("p-b", new RaterAgreement.Tally(0, 1)),
            Map.entry("p-c", new RaterAgreement.Tally(0, 1)));
  }

  @Test
  void aCorrectionAndAPairOfTheSameAnswersAreOneItemAndARatingIsItsAnswersOwn() {
    List<TrainingExample> examples =
        List.of(
            preference(KEY, "p-a", prompt(0), " teal", " grey"),
            correction(KEY, "p-b", prompt(0), " teal", " grey"),
            preference(KEY, "p-c", prompt(0), " grey", " teal"),
            rating(KEY, "p-a", prompt(0), " teal", true),
            rating(KEY, "p-b", prompt(0), " teal", true),
            rating(KEY, "p-c", prompt(0), " teal", false),
            // another answer: an item of its own, p-a alone on it
            rating(KEY, "p-a", prompt(0), " grey", false));

    assertThat(RaterAgreement.of(examples, 2))
        .containsEntry("p-a", new RaterAgreement.Tally(0, 0))
        .containsEntry("p-c", new RaterAgreement.Tally(0, 2));
  }

  @Test
  void replayedFeedbackCountsAndIsSetAsideTooAndAnOffGuardKeepsEverything() {
    List<TrainingExample> own = new ArrayList<>();
    List<TrainingExample> replayed = new ArrayList<>();
    for (int item = 0; item < 8; item++) {
      List<TrainingExample> into = item < 4 ? own : replayed;
      into.add(pair("p-a", item, true));
      into.add(pair("p-b", item, true));
      into.add(pair("p-d", item, false));
    }

    RaterGuard.Outcome outcome = new RaterGuard(DEFAULTS).apply(sourced(own), sourced(replayed));
    RaterGuard.Outcome off =
        new RaterGuard(new RaterGuardSettings(false, 0.01, 8, 2, false))
            .apply(sourced(own), sourced(replayed));

    // 4 items in the job and 4 in replay: p-d's 8 compared items reach min.items only together
    assertThat(outcome.setAside()).isEqualTo(Set.of("p-d"));
    assertThat(outcome.training()).hasSize(8);
    assertThat(outcome.replay()).hasSize(8);
    assertThat(outcome.examplesSetAside()).isEqualTo(8);
    assertThat(off.setAside()).isEmpty();
    assertThat(off.training()).hasSize(12);
    assertThat(off.subjectsCompared()).isZero();
  }

  @Test
  void theMajorityVoteSetsAsideALoneSubjectsMinorityRecordsAndEveryRecordOfATie() {
    // one pseudonym a tenant, as per-record noise arrives: item 0 has 3 right and 2 wrong records,
    // item 1 4 and 1, item 2 2 and 3 (the majority is wrong, and wins), item 3 2 and 2 (a tie)
    int[][] rightWrong = {{3, 2}, {4, 1}, {2, 3}, {2, 2}};
    List<TrainingExample> examples = new ArrayList<>();
    for (int item = 0; item < rightWrong.length; item++) {
      for (int r = 0; r < rightWrong[item][0]; r++) {
        examples.add(pair("p-tenant", item, true));
      }
      for (int w = 0; w < rightWrong[item][1]; w++) {
        examples.add(pair("p-tenant", item, false));
      }
    }
    examples.add(text(KEY, "p-tenant", "A document of the tenant's."));

    RaterGuard guard = new RaterGuard(MAJORITY);
    RaterGuard.Outcome outcome = guard.apply(sourced(examples), List.of());

    assertThat(outcome.setAside()).isEmpty();
    assertThat(outcome.examplesSetAside()).isZero();
    // 2 + 1 + 2 outvoted, and the tie's 4
    assertThat(outcome.examplesOutvoted()).isEqualTo(9);
    assertThat(outcome.training()).hasSize(examples.size() - 9);
    assertThat(outcome.training().stream().map(e -> e.example().getChosen()))
        .containsExactly(
            " teal", " teal", " teal", " teal", " teal", " teal", " teal", " grey", " grey",
            " grey", null);
    assertThat(guard.record(outcome).getMajorityVote()).isTrue();
    assertThat(guard.record(outcome).getExamplesOutvoted()).isEqualTo(9);
  }

  @Test
  void aSubjectVotesOnceOnAnItemHoweverOftenItRepeatsItsLabel() {
    List<TrainingExample> examples = new ArrayList<>();
    for (int r = 0; r < 5; r++) {
      examples.add(pair("p-a", 0, false));
    }
    examples.add(pair("p-b", 0, true));
    examples.add(pair("p-c", 0, true));

    RaterGuard.Outcome outcome = new RaterGuard(MAJORITY).apply(sourced(examples), List.of());

    // p-a's five records are one vote against p-b's and p-c's two
    assertThat(outcome.examplesOutvoted()).isEqualTo(5);
    assertThat(outcome.training().stream().map(e -> e.example().getSubjectPseudonym()))
        .containsExactly("p-b", "p-c");
  }

  @Test
  void theMajorityVoteRunsOnWhatTheSubjectsTestKeptAcrossTrainingAndReplay() {
    List<TrainingExample> own = new ArrayList<>();
    List<TrainingExample> replayed = new ArrayList<>();
    for (int item = 0; item < 8; item++) {
      List<TrainingExample> into = item < 4 ? own : replayed;
      into.add(pair("p-a", item, true));
      into.add(pair("p-b", item, true));
      into.add(pair("p-c", item, item != 0 && item != 7));
      into.add(pair("p-d", item, false));
    }
    // a rating the others outvote: p-b's, on an answer p-a and p-c rate the other way
    own.add(rating(KEY, "p-a", prompt(0), " teal", true));
    own.add(rating(KEY, "p-b", prompt(0), " teal", false));
    own.add(rating(KEY, "p-c", prompt(0), " teal", true));

    RaterGuard.Outcome outcome = new RaterGuard(MAJORITY).apply(sourced(own), sourced(replayed));

    // p-d is set aside by the test first (8 pairs); then p-c's wrong pairs on items 0 (in the job)
    // and 7 (in replay) and p-b's rating are outvoted by the two others
    assertThat(outcome.setAside()).containsExactly("p-d");
    assertThat(outcome.examplesSetAside()).isEqualTo(8);
    assertThat(outcome.examplesOutvoted()).isEqualTo(3);
    assertThat(outcome.training()).hasSize(19 - 4 - 2);
    assertThat(outcome.replay()).hasSize(16 - 4 - 1);
  }

  @Test
  void labelsThatAgreeLoseNothingToTheVoteAndAnOffGuardDoesNotVote() {
    List<TrainingExample> agreeing = new ArrayList<>();
    List<TrainingExample> split = new ArrayList<>();
    for (int item = 0; item < 6; item++) {
      for (int r = 0; r < 5; r++) {
        agreeing.add(pair("p-tenant", item, true));
        split.add(pair("p-tenant", item, r < 3));
      }
    }
    List<SourcedExample> training = sourced(agreeing);

    RaterGuard.Outcome clean = new RaterGuard(MAJORITY).apply(training, List.of());
    RaterGuard.Outcome off =
        new RaterGuard(new RaterGuardSettings(false, 0.01, 8, 2, true))
            .apply(sourced(split), List.of());

    assertThat(clean.training()).isSameAs(training);
    assertThat(clean.examplesOutvoted()).isZero();
    assertThat(off.training()).hasSize(30);
    assertThat(off.examplesOutvoted()).isZero();
  }

  @Test
  void theTestIsTheBinomialTailAtOneHalf() {
    assertThat(RaterGuard.atLeast(10, 10)).isCloseTo(1.0 / 1024, within(1e-12));
    assertThat(RaterGuard.atLeast(9, 10)).isCloseTo(11.0 / 1024, within(1e-12));
    assertThat(RaterGuard.atLeast(0, 7)).isCloseTo(1.0, within(1e-12));
    assertThat(RaterGuard.atLeast(13, 15)).isCloseTo((1 + 15 + 105) / 32768.0, within(1e-12));
  }
}
