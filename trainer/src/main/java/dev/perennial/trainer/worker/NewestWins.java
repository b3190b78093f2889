package dev.perennial.trainer.worker;

import dev.perennial.model.train.TrainingExample;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Replay never rehearses an answer that newer data contradicts. A question with an answer (a
 * COMPLETION example) supersedes every older example that asks the same question, that is whose
 * text starts with the same prompt, with another answer: the key's earlier correction of a price
 * that has changed since, or the general replay set's answer to a question a tenant now answers
 * differently. Older examples that give the same answer stay, and so does every text that does not
 * begin with a question (a document stating an old value cannot be recognised without knowing the
 * world; the newer data outweighs it in training).
 */
public final class NewestWins {

  private NewestWins() {}

  /**
   * The examples of {@code older} (oldest first) that neither a later example of {@code older} nor
   * one of {@code newer} supersedes, in their order.
   */
  public static List<TrainingExample> filter(
      List<TrainingExample> older, List<TrainingExample> newer) {
    List<TrainingExample> answers = new ArrayList<>(questions(newer));
    List<TrainingExample> kept = new ArrayList<>();
    for (int i = older.size() - 1; i >= 0; i--) {
      TrainingExample example = older.get(i);
      if (!supersededBy(example, answers)) {
        kept.add(example);
        if (example.kind() == TrainingExample.Kind.COMPLETION) {
          answers.add(example);
        }
      }
    }
    Collections.reverse(kept);
    return kept;
  }

  private static List<TrainingExample> questions(List<TrainingExample> examples) {
    return examples.stream().filter(e -> e.kind() == TrainingExample.Kind.COMPLETION).toList();
  }

  private static boolean supersededBy(TrainingExample example, List<TrainingExample> answers) {
    String text = example.fullText();
    for (TrainingExample answer : answers) {
      if (text.startsWith(answer.prompt()) && !text.equals(answer.fullText())) {
        return true;
      }
    }
    return false;
  }
}
