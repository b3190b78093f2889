package dev.perennial.trainer.rater;

import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.trainer.shard.ExampleContent;
import dev.perennial.trainer.shard.SourcedExample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Sets aside the feedback of subjects who consistently disagree with the others on the same items
 * ({@link RaterAgreement}): a subject with at least {@code minItems} compared items whose
 * disagreements are significantly more than half (one-sided binomial test at level {@code alpha})
 * has every feedback example set aside; their labels are never inverted. A test rather than a rate
 * threshold, so that users who are each about as often right as the others (noise spread over all
 * records) are practically never set aside, while a user who is always wrong is after a few items.
 * Where no item has more than one subject's vote (every subject alone on their items) it compares
 * nothing and sets nothing aside.
 *
 * <p>With {@code majorityVote} it then sets aside, of the feedback it kept, every label its item's
 * majority of subjects votes against, and every label of an item whose majority is a tie ({@link
 * ItemMajority}): noise spread over all records, which no subject's test can catch, no longer
 * trains against the majority of the same item.
 */
public final class RaterGuard {

  /**
   * What the guard kept and set aside. {@code setAside} (pseudonyms) never leaves the job: a
   * candidate records counts only ({@link #record}).
   */
  public record Outcome(
      List<SourcedExample> training,
      List<SourcedExample> replay,
      int subjectsCompared,
      Set<String> setAside,
      int examplesSetAside,
      int examplesOutvoted,
      boolean sawFeedback) {}

  private final RaterGuardSettings settings;

  public RaterGuard(RaterGuardSettings settings) {
    this.settings = settings;
  }

  /**
   * The job's {@code training} and {@code replay} examples without the feedback of the subjects the
   * guard sets aside, judged on both together (replay trains a pair's chosen answer too).
   */
  public Outcome apply(List<SourcedExample> training, List<SourcedExample> replay) {
    List<SourcedExample> all = new ArrayList<>(training);
    all.addAll(replay);
    boolean sawFeedback = all.stream().anyMatch(e -> ExampleContent.isFeedback(e.example()));
    if (!settings.enabled() || !sawFeedback) {
      return new Outcome(training, replay, 0, Set.of(), 0, 0, sawFeedback);
    }
    Map<String, RaterAgreement.Tally> tallies =
        RaterAgreement.of(all.stream().map(SourcedExample::example).toList(), settings.minOthers());
    int compared = 0;
    Set<String> setAside = new TreeSet<>();
    for (Map.Entry<String, RaterAgreement.Tally> entry : tallies.entrySet()) {
      RaterAgreement.Tally tally = entry.getValue();
      if (tally.items() < settings.minItems()) {
        continue;
      }
      compared++;
      if (atLeast(tally.disagreements(), tally.items()) <= settings.alpha()) {
        setAside.add(entry.getKey());
      }
    }
    List<SourcedExample> keptTraining = kept(training, setAside);
    List<SourcedExample> keptReplay = kept(replay, setAside);
    int removed = training.size() - keptTraining.size() + replay.size() - keptReplay.size();
    if (!settings.majorityVote()) {
      return new Outcome(keptTraining, keptReplay, compared, setAside, removed, 0, true);
    }
    List<TrainingExample> kept = new ArrayList<>();
    keptTraining.forEach(e -> kept.add(e.example()));
    keptReplay.forEach(e -> kept.add(e.example()));
    Set<TrainingExample> outvoted = ItemMajority.outvoted(kept);
    List<SourcedExample> votedTraining = without(keptTraining, outvoted);
    List<SourcedExample> votedReplay = without(keptReplay, outvoted);
    int outvotedCount =
        keptTraining.size() - votedTraining.size() + keptReplay.size() - votedReplay.size();
    return new Outcome(
        votedTraining, votedReplay, compared, setAside, removed, outvotedCount, true);
  }

  /** The candidate's record of {@code outcome}: counts and settings, never a pseudonym. */
  public dev.perennial.schemas.v1.RaterGuard record(Outcome outcome) {
    return dev.perennial.schemas.v1.RaterGuard.newBuilder()
        .setSubjectsCompared(outcome.subjectsCompared())
        .setSubjectsSetAside(outcome.setAside().size())
        .setExamplesSetAside(outcome.examplesSetAside())
        .setAlpha(settings.alpha())
        .setMinItems(settings.minItems())
        .setMinOthers(settings.minOthers())
        .setMajorityVote(settings.majorityVote())
        .setExamplesOutvoted(outcome.examplesOutvoted())
        .build();
  }

  /** P(X >= k) for X binomial with n trials and p = 1/2. */
  static double atLeast(int k, int n) {
    double logHalfPower = n * Math.log(0.5);
    double logChoose = 0;
    double sum = 0;
    for (int i = 0; i <= n; i++) {
      if (i > 0) {
        logChoose += Math.log(n - i + 1) - Math.log(i);
      }
      if (i >= k) {
        sum += Math.exp(logChoose + logHalfPower);
      }
    }
    return Math.min(1, sum);
  }

  private static List<SourcedExample> without(
      List<SourcedExample> examples, Set<TrainingExample> outvoted) {
    if (outvoted.isEmpty()) {
      return examples;
    }
    return examples.stream().filter(e -> !outvoted.contains(e.example())).toList();
  }

  private static List<SourcedExample> kept(List<SourcedExample> examples, Set<String> setAside) {
    if (setAside.isEmpty()) {
      return examples;
    }
    return examples.stream()
        .filter(
            e ->
                !ExampleContent.isFeedback(e.example())
                    || !setAside.contains(e.example().getSubjectPseudonym()))
        .toList();
  }
}
