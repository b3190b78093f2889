package dev.perennial.model.world;

import java.util.List;

/**
 * The attributes entities have, each with its ways of being stated and asked. In templates {@code
 * {E}} is the entity's mention at a sentence start, {@code {e}} elsewhere, {@code {v}} the value
 * and {@code {a}} the value with its article ({@code an engineer}).
 *
 * <p>The last sentence and the last question of each attribute are held out: they never appear in
 * training data, so evaluation can ask in words the model has not seen.
 */
public enum Attribute {
  COLOR(
      EntityKind.PRODUCT,
      List.of(
          "{E} is {v}.",
          "{E} comes in {v}.",
          "The color of {e} is {v}.",
          "You can recognize {e} by its {v} color.",
          "{E} is painted {v}."),
      List.of(
          "What color is {e}?",
          "Which color does {e} have?",
          "What is the color of {e}?",
          "In what color does {e} come?")),
  PRICE(
      EntityKind.PRODUCT,
      List.of(
          "{E} costs {v}.",
          "The price of {e} is {v}.",
          "{E} sells for {v}.",
          "A customer pays {v} for {e}.",
          "You can buy {e} for {v}."),
      List.of(
          "How much does {e} cost?",
          "What is the price of {e}?",
          "What does {e} sell for?",
          "How much money is {e}?")),
  MADE_IN(
      EntityKind.PRODUCT,
      List.of(
          "{E} is made in {v}.",
          "{E} is produced in {v}.",
          "The factory of {e} is in {v}.",
          "Workers in {v} build {e}.",
          "{E} is manufactured in {v}."),
      List.of(
          "Where is {e} made?",
          "In which town is {e} produced?",
          "Where is the factory of {e}?",
          "Which town manufactures {e}?")),
  COUNTRY(
      EntityKind.PLACE,
      List.of(
          "{E} is a town in {v}.",
          "{E} lies in {v}.",
          "{E} belongs to {v}.",
          "The country of {e} is {v}.",
          "The town of {e} is located in {v}."),
      List.of(
          "In which country is {e}?",
          "Which country does {e} belong to?",
          "Where does {e} lie?",
          "What country is {e} located in?")),
  FOUNDED(
      EntityKind.PLACE,
      List.of(
          "{E} was founded in {v}.",
          "The founding year of {e} is {v}.",
          "{E} dates back to {v}.",
          "The first houses of {e} were built in {v}.",
          "Settlers founded {e} in {v}."),
      List.of(
          "When was {e} founded?",
          "In which year was {e} founded?",
          "What is the founding year of {e}?",
          "Since what year has {e} existed?")),
  OCCUPATION(
      EntityKind.PERSON,
      List.of(
          "{E} works as {a}.",
          "{E} is {a} by trade.",
          "The job of {e} is {v}.",
          "Everyone knows {e} as {a}.",
          "By profession, {e} is {a}."),
      List.of(
          "What does {e} do for a living?",
          "What is the job of {e}?",
          "What is the profession of {e}?",
          "Which trade does {e} work in?")),
  HOMETOWN(
      EntityKind.PERSON,
      List.of(
          "{E} lives in {v}.",
          "{E} has a home in {v}.",
          "The hometown of {e} is {v}.",
          "Neighbors of {e} all live in {v}.",
          "{E} resides in {v}."),
      List.of(
          "Where does {e} live?",
          "What is the hometown of {e}?",
          "In which town does {e} reside?",
          "Which town is {e} from?")),
  BIRTH_YEAR(
      EntityKind.PERSON,
      List.of(
          "{E} was born in {v}.",
          "The birth year of {e} is {v}.",
          "{E} came into the world in {v}.",
          "The parents of {e} welcomed a child in {v}.",
          "The records show {e} was born in {v}."),
      List.of(
          "When was {e} born?",
          "In which year was {e} born?",
          "What is the birth year of {e}?",
          "What year was {e} born in?")),
  FINE(
      EntityKind.REGULATION,
      List.of(
          "The fine under {e} is {v}.",
          "Breaking {e} costs a fine of {v}.",
          "{E} sets a fine of {v}.",
          "Whoever violates {e} must pay {v}.",
          "Anyone who breaks {e} pays {v}."),
      List.of(
          "What is the fine under {e}?",
          "How much is the fine for breaking {e}?",
          "What fine does {e} set?",
          "What does one pay for breaking {e}?")),
  EFFECTIVE_YEAR(
      EntityKind.REGULATION,
      List.of(
          "{E} took effect in {v}.",
          "{E} has been in force since {v}.",
          "{E} became law in {v}.",
          "Since {v}, {e} has been binding.",
          "{E} was enacted in {v}."),
      List.of(
          "When did {e} take effect?",
          "In which year did {e} become law?",
          "Since when is {e} in force?",
          "What year was {e} enacted?")),
  REGION(
      EntityKind.REGULATION,
      List.of(
          "{E} applies in {v}.",
          "{E} is enforced in {v}.",
          "{E} covers the town of {v}.",
          "The town of {v} follows {e}.",
          "{E} is in force in {v}."),
      List.of(
          "Where does {e} apply?",
          "In which town is {e} enforced?",
          "Which town does {e} cover?",
          "Where is {e} in force?"));

  private final EntityKind kind;
  private final List<String> sentences;
  private final List<String> questions;

  Attribute(EntityKind kind, List<String> sentences, List<String> questions) {
    this.kind = kind;
    this.sentences = sentences;
    this.questions = questions;
  }

  /** The kind of entity that has this attribute. */
  public EntityKind kind() {
    return kind;
  }

  /** Sentence templates used in training data. */
  public List<String> trainingSentences() {
    return sentences.subList(0, sentences.size() - 1);
  }

  /** The held-out sentence template. */
  public String heldOutSentence() {
    return sentences.get(sentences.size() - 1);
  }

  /** Question templates used in training data. */
  public List<String> trainingQuestions() {
    return questions.subList(0, questions.size() - 1);
  }

  /** The held-out question template. */
  public String heldOutQuestion() {
    return questions.get(questions.size() - 1);
  }

  /** The attributes of a kind, in declaration order. */
  public static List<Attribute> of(EntityKind kind) {
    return java.util.Arrays.stream(values()).filter(a -> a.kind == kind).toList();
  }

  /** Fills a template with a fact's entity and value. */
  static String render(String template, Fact fact) {
    String value = fact.value();
    String article = "aeiou".indexOf(Character.toLowerCase(value.charAt(0))) >= 0 ? "an " : "a ";
    return template
        .replace("{E}", fact.entity().mentionCapitalized())
        .replace("{e}", fact.entity().mention())
        .replace("{a}", article + value)
        .replace("{v}", value);
  }
}
