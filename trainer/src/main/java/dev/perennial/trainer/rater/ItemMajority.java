package dev.perennial.trainer.rater;

import dev.perennial.schemas.v1.TrainingExample;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The labels each item's majority votes against. On an item ({@link RaterAgreement}) every subject
 * has one vote, the sign of the sum of their own votes there, so that one subject repeating a label
 * cannot outvote several others; the item's majority is the sign of the sum of those votes. A
 * feedback example is outvoted where its own vote is not that majority, and every example of an
 * item is where the majority is a tie. With one subject on an item, its majority is that subject's
 * most frequent label. Where all of an item's labels agree nothing is outvoted.
 */
final class ItemMajority {

  private ItemMajority() {}

  /** The feedback examples among {@code examples} that their item's majority votes against. */
  static Set<TrainingExample> outvoted(List<TrainingExample> examples) {
    Map<String, Integer> majority = new HashMap<>();
    RaterAgreement.votesByItem(examples)
        .forEach(
            (item, bySubject) ->
                majority.put(
                    item,
                    Integer.signum(bySubject.values().stream().mapToInt(Integer::signum).sum())));
    Set<TrainingExample> outvoted = new HashSet<>();
    for (TrainingExample example : examples) {
      Optional<RaterAgreement.Vote> vote = RaterAgreement.voteOf(example);
      if (vote.isPresent() && majority.get(vote.get().item()) != vote.get().sign()) {
        outvoted.add(example);
      }
    }
    return outvoted;
  }
}
