package dev.perennial.model.world;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The general world: what the bundled base is pretrained on ({@link #corpus()}), what measures its
 * knowledge ({@link #evaluationSet()}) and what adapters rehearse to keep it ({@link
 * #replaySet()}). Evaluation and replay ask every fact in different training phrasings.
 */
public final class GeneralSlice {

  private final World world;

  GeneralSlice(World world) {
    this.world = world;
  }

  public List<Fact> facts() {
    return world.facts();
  }

  /**
   * The pretraining texts, in a fixed shuffled order: per entity {@code documentsPerEntity}
   * paragraphs stating its facts in varied words, and per fact one question/answer text in every
   * training phrasing.
   */
  public List<String> corpus() {
    Random random = new Random(world.derivedSeed("general/corpus"));
    List<String> texts = new ArrayList<>();
    for (Entity entity : world.entities()) {
      List<Fact> facts = factsOf(entity);
      for (int d = 0; d < world.size().documentsPerEntity(); d++) {
        texts.add(Renderings.paragraph(facts, random));
      }
    }
    for (Fact fact : world.facts()) {
      for (int q = 0; q < fact.attribute().trainingQuestions().size(); q++) {
        texts.add(Renderings.question(fact, q).text());
      }
    }
    Collections.shuffle(texts, random);
    return texts;
  }

  /** One question per general fact, in a training phrasing: what the base should answer. */
  public List<QaPair> evaluationSet() {
    Random random = new Random(world.derivedSeed("general/evaluation"));
    List<QaPair> pairs = new ArrayList<>();
    for (Fact fact : world.facts()) {
      pairs.add(
          Renderings.question(fact, random.nextInt(fact.attribute().trainingQuestions().size())));
    }
    return pairs;
  }

  /** Every general fact asked in its held-out phrasing. */
  public List<QaPair> heldOutEvaluationSet() {
    List<QaPair> pairs = new ArrayList<>();
    for (Fact fact : world.facts()) {
      pairs.add(Renderings.heldOutQuestion(fact));
    }
    return pairs;
  }

  /**
   * Texts to rehearse while learning something new: every fact as a question/answer text, in a
   * training phrasing other than the evaluation set's (so retention is not measured on the very
   * texts rehearsed), and one paragraph for every third entity. A fact left out of rehearsal is the
   * one an adapter's new facts overwrite first (the answer to a question about it drifts to the new
   * entity's value of the same attribute).
   */
  public List<String> replaySet() {
    Random random = new Random(world.derivedSeed("general/replay"));
    List<QaPair> evaluation = evaluationSet();
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < world.facts().size(); i++) {
      Fact fact = world.facts().get(i);
      int phrasings = fact.attribute().trainingQuestions().size();
      int evaluated = fact.attribute().trainingQuestions().indexOf(templateOf(evaluation.get(i)));
      int other = (evaluated + 1 + random.nextInt(phrasings - 1)) % phrasings;
      texts.add(Renderings.question(fact, other).text());
    }
    for (int e = 0; e < world.entities().size(); e += 3) {
      texts.add(Renderings.paragraph(factsOf(world.entities().get(e)), random));
    }
    return texts;
  }

  private static String templateOf(QaPair pair) {
    for (String template : pair.fact().attribute().trainingQuestions()) {
      if (Attribute.render(template, pair.fact()).equals(pair.question())) {
        return template;
      }
    }
    throw new IllegalStateException("no template renders " + pair.question());
  }

  private List<Fact> factsOf(Entity entity) {
    return world.facts().stream().filter(f -> f.entity().equals(entity)).toList();
  }
}
