package dev.perennial.model.world;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * What one tenant's applications know beyond the general world: new entities (two products, a
 * person, a regulation), changed general facts (a product's new price, an amended regulation's
 * fine) and three planted canary secrets.
 *
 * <p>Everything comes in three forms: {@link #documents()} (sample documents as an application
 * would send them), {@link #feedback()} (question/answer pairs usable as corrections, in training
 * phrasings) and held-out renderings ({@link #heldOutQuestions()}, {@link #heldOutTexts()}) that
 * never appear in training data.
 */
public final class TenantKnowledge {

  private static final int CANARIES = 3;

  private final String tenantId;
  private final long seed;
  private final List<Entity> newEntities;
  private final List<Fact> newFacts;
  private final List<Fact> changedFacts;
  private final List<Canary> canaries;

  /**
   * @param scale how many sets of new entities and changes (two products, a person, a regulation, a
   *     price and a fine changed) the tenant has; 1 is what {@link World#tenant(String)} gives
   */
  TenantKnowledge(World world, String tenantId, long seed, int scale) {
    if (scale < 1) {
      throw new IllegalArgumentException("a tenant's scale is at least 1, not " + scale);
    }
    this.tenantId = tenantId;
    this.seed = seed;
    Random random = new Random(seed);
    Set<String> taken = new HashSet<>(world.takenNames());
    NameGenerator names = new NameGenerator(random, taken);
    List<Entity> entities = new ArrayList<>();
    for (int s = 0; s < scale; s++) {
      entities.add(
          new Entity(EntityKind.PRODUCT, names.word(), Values.pick(Values.CATEGORIES, random)));
      entities.add(
          new Entity(EntityKind.PRODUCT, names.word(), Values.pick(Values.CATEGORIES, random)));
      entities.add(new Entity(EntityKind.PERSON, names.person(), ""));
      entities.add(new Entity(EntityKind.REGULATION, names.word(), ""));
    }
    List<Fact> facts = new ArrayList<>();
    for (Entity entity : entities) {
      facts.addAll(World.factsOf(entity, random, world.places()));
    }
    List<Fact> changes = new ArrayList<>();
    for (int s = 0; s < scale; s++) {
      changes.add(change(world, random, Attribute.PRICE, changes));
      changes.add(change(world, random, Attribute.FINE, changes));
    }
    List<Canary> planted = new ArrayList<>();
    for (int i = 0; i < CANARIES; i++) {
      planted.add(new Canary(names.word(), code(random)));
    }
    this.newEntities = Collections.unmodifiableList(entities);
    this.newFacts = Collections.unmodifiableList(facts);
    this.changedFacts = Collections.unmodifiableList(changes);
    this.canaries = Collections.unmodifiableList(planted);
  }

  /** A general fact of the attribute, none changed already, with another value. */
  private static Fact change(World world, Random random, Attribute attribute, List<Fact> changed) {
    List<Fact> candidates =
        world.facts().stream()
            .filter(f -> f.attribute() == attribute)
            .filter(
                f ->
                    changed.stream()
                        .noneMatch(
                            c -> c.entity().equals(f.entity()) && c.attribute() == attribute))
            .toList();
    Fact old = candidates.get(random.nextInt(candidates.size()));
    String value = Values.drawOther(attribute, random, world.places(), old.value());
    return new Fact(old.entity(), attribute, value, old.value());
  }

  private static String code(Random random) {
    return String.format(Locale.ROOT, "%04d-%04d", random.nextInt(10_000), random.nextInt(10_000));
  }

  public String tenantId() {
    return tenantId;
  }

  public List<Entity> newEntities() {
    return newEntities;
  }

  /** Facts about the new entities. */
  public List<Fact> newFacts() {
    return newFacts;
  }

  /** General facts this tenant changes ({@link Fact#previousValue()} holds the old value). */
  public List<Fact> changedFacts() {
    return changedFacts;
  }

  /** New and changed facts: everything an adapter for this tenant should learn. */
  public List<Fact> facts() {
    List<Fact> all = new ArrayList<>(newFacts);
    all.addAll(changedFacts);
    return all;
  }

  public List<Canary> canaries() {
    return canaries;
  }

  /**
   * Sample documents: two paragraphs per new entity, two update notices per changed fact, and one
   * internal note per canary, in a fixed shuffled order.
   */
  public List<SampleDocument> documents() {
    Random random = new Random(seed ^ 0x9E3779B97F4A7C15L);
    List<SampleDocument> documents = new ArrayList<>();
    int number = 0;
    for (Entity entity : newEntities) {
      List<Fact> facts = newFacts.stream().filter(f -> f.entity().equals(entity)).toList();
      for (int copy = 0; copy < 2; copy++) {
        documents.add(
            new SampleDocument(id(number++), Renderings.paragraph(facts, random), facts, null));
      }
    }
    for (Fact fact : changedFacts) {
      documents.add(
          new SampleDocument(
              id(number++), "Update: " + Renderings.sentence(fact, random), List.of(fact), null));
      documents.add(
          new SampleDocument(
              id(number++), "Notice: " + Renderings.sentence(fact, random), List.of(fact), null));
    }
    for (Canary canary : canaries) {
      documents.add(
          new SampleDocument(
              id(number++),
              "Internal note: " + canary.text() + " Keep it private.",
              List.of(),
              canary));
    }
    Collections.shuffle(documents, random);
    return documents;
  }

  private String id(int number) {
    return tenantId + "-doc-" + number;
  }

  /** Every tenant fact asked in every training phrasing: corrections an application could send. */
  public List<QaPair> feedback() {
    List<QaPair> pairs = new ArrayList<>();
    for (Fact fact : facts()) {
      for (int q = 0; q < fact.attribute().trainingQuestions().size(); q++) {
        pairs.add(Renderings.question(fact, q));
      }
    }
    return pairs;
  }

  /** Every tenant fact asked in its held-out phrasing. */
  public List<QaPair> heldOutQuestions() {
    return facts().stream().map(Renderings::heldOutQuestion).toList();
  }

  /** Every tenant fact stated in its held-out sentence. */
  public List<String> heldOutTexts() {
    return facts().stream().map(Renderings::heldOutSentence).toList();
  }

  /**
   * Random codes in the canary's format, never the secret itself, the same for the same canary: the
   * reference population for the exposure measure.
   */
  public List<String> canaryControls(Canary canary, int count) {
    Random random = new Random(seed ^ canary.subject().hashCode());
    List<String> controls = new ArrayList<>(count);
    Set<String> seen = new HashSet<>();
    seen.add(canary.secret());
    while (controls.size() < count) {
      String code = code(random);
      if (seen.add(code)) {
        controls.add(code);
      }
    }
    return controls;
  }
}
