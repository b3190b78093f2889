package dev.perennial.model.world;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** Turns facts into sentences, paragraphs and question/answer pairs. */
final class Renderings {

  private Renderings() {}

  /** A sentence stating the fact with a random training template. */
  static String sentence(Fact fact, Random random) {
    List<String> templates = fact.attribute().trainingSentences();
    return Attribute.render(templates.get(random.nextInt(templates.size())), fact);
  }

  /** The fact in the held-out sentence template. */
  static String heldOutSentence(Fact fact) {
    return Attribute.render(fact.attribute().heldOutSentence(), fact);
  }

  /** The facts as one paragraph, in random order, each with a random training template. */
  static String paragraph(List<Fact> facts, Random random) {
    List<Fact> shuffled = new ArrayList<>(facts);
    Collections.shuffle(shuffled, random);
    StringBuilder text = new StringBuilder();
    for (Fact fact : shuffled) {
      if (text.length() > 0) {
        text.append(' ');
      }
      text.append(sentence(fact, random));
    }
    return text.toString();
  }

  /** The question of training template {@code index} about the fact. */
  static QaPair question(Fact fact, int index) {
    return new QaPair(
        Attribute.render(fact.attribute().trainingQuestions().get(index), fact),
        fact.value(),
        fact,
        false);
  }

  /** The fact asked in the held-out question template. */
  static QaPair heldOutQuestion(Fact fact) {
    return new QaPair(
        Attribute.render(fact.attribute().heldOutQuestion(), fact), fact.value(), fact, true);
  }
}
