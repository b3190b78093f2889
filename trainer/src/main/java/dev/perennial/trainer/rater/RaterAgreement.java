package dev.perennial.trainer.rater;

import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.trainer.shard.ExampleContent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How often each subject's feedback agrees with other subjects' on the same items. An item is a
 * PREFERENCE's or CORRECTION's prompt and unordered answer pair (the orientation is the vote: the
 * chosen or corrected answer over the other), or a RATING's prompt and answer (desirable or not is
 * the vote). A subject's vote on an item is the sign of the sum of their votes there (none at 0).
 * An item counts for a subject when at least {@code minOthers} other subjects voted on it and the
 * others' majority is not a tie (leave-one-out): the subject agrees when their vote is that
 * majority's.
 */
public final class RaterAgreement {

  /** One subject's compared items. */
  public record Tally(int agreements, int disagreements) {

    public int items() {
      return agreements + disagreements;
    }
  }

  private RaterAgreement() {}

  /**
   * The tally of every subject that gave feedback among {@code examples} (others are skipped), by
   * pseudonym; a subject with no compared item has a tally of 0 and 0.
   */
  public static Map<String, Tally> of(List<TrainingExample> examples, int minOthers) {
    Map<String, Map<String, Integer>> votes = votesByItem(examples);
    Map<String, int[]> counts = new TreeMap<>();
    for (Map<String, Integer> bySubject : votes.values()) {
      int total = 0;
      int voters = 0;
      for (int sum : bySubject.values()) {
        total += Integer.signum(sum);
        voters += sum == 0 ? 0 : 1;
      }
      for (Map.Entry<String, Integer> entry : bySubject.entrySet()) {
        int[] count = counts.computeIfAbsent(entry.getKey(), s -> new int[2]);
        int own = Integer.signum(entry.getValue());
        int others = own == 0 ? voters : voters - 1;
        int majority = Integer.signum(total - own);
        if (own == 0 || others < minOthers || majority == 0) {
          continue;
        }
        count[own == majority ? 0 : 1]++;
      }
    }
    Map<String, Tally> tallies = new TreeMap<>();
    counts.forEach((subject, count) -> tallies.put(subject, new Tally(count[0], count[1])));
    return tallies;
  }

  /**
   * A feedback example's vote: its item (the kind, prompt and answers that identify it) and the
   * orientation it votes for there, +1 or -1.
   */
  record Vote(String item, int sign) {}

  /**
   * {@code example}'s vote, or empty when it is not feedback or is a pair of two equal answers
   * (which orients nothing).
   */
  static Optional<Vote> voteOf(TrainingExample example) {
    if (!ExampleContent.isFeedback(example)) {
      return Optional.empty();
    }
    return switch (example.getKind()) {
      case PREFERENCE, CORRECTION -> {
        String chosen = example.getChosen();
        String rejected = example.getRejected();
        if (chosen.equals(rejected)) {
          yield Optional.empty();
        }
        boolean ordered = chosen.compareTo(rejected) < 0;
        yield Optional.of(
            new Vote(
                "pair\u0000"
                    + example.getPrompt()
                    + "\u0000"
                    + (ordered ? chosen : rejected)
                    + "\u0000"
                    + (ordered ? rejected : chosen),
                ordered ? 1 : -1));
      }
      default ->
          Optional.of(
              new Vote(
                  "rating\u0000" + example.getPrompt() + "\u0000" + example.getCompletion(),
                  Boolean.TRUE.equals(example.getDesirable()) ? 1 : -1));
    };
  }

  /** Item -> subject -> the sum of that subject's votes on it, over {@code examples}' feedback. */
  static Map<String, Map<String, Integer>> votesByItem(List<TrainingExample> examples) {
    Map<String, Map<String, Integer>> votes = new HashMap<>();
    for (TrainingExample example : examples) {
      voteOf(example)
          .ifPresent(
              vote ->
                  votes
                      .computeIfAbsent(vote.item(), i -> new HashMap<>())
                      .merge(example.getSubjectPseudonym(), vote.sign(), Integer::sum));
    }
    return votes;
  }
}
