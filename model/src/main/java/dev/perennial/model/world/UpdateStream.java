package dev.perennial.model.world;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * One tenant's knowledge arriving in sequential updates, for measuring continual learning against
 * the world's truth. Each {@link Update} brings new entities with their facts, changes a few facts
 * (general ones the base knows, and the tenant's own earlier ones: the newer value must win) and
 * repeats a few earlier facts, rendered as documents and question/answer feedback like {@link
 * TenantKnowledge}'s.
 *
 * <p>Task j is what update j teaches: its new and changed facts ({@link #task}). A fact a later
 * update changes leaves its task then and is measured in the task of the change ({@link
 * #holdsAfter}). The same world, tenants, shape and seed always give the same stream.
 *
 * <pre>{@code
 * List<UpdateStream> streams = UpdateStream.generate(world, List.of("acme"), Shape.defaults(10), 7);
 * Update first = streams.get(0).update(1);
 * first.documents();  first.feedback();  first.taught();
 * }</pre>
 */
public final class UpdateStream {

  /** Attributes that change over time (a price, a fine, a job); the others are history. */
  public static final Set<Attribute> CHANGEABLE =
      Collections.unmodifiableSet(
          EnumSet.of(
              Attribute.PRICE,
              Attribute.FINE,
              Attribute.OCCUPATION,
              Attribute.HOMETOWN,
              Attribute.MADE_IN,
              Attribute.REGION));

  private static final List<EntityKind> NEW_KINDS =
      List.of(EntityKind.PRODUCT, EntityKind.PERSON, EntityKind.REGULATION);

  /**
   * How a stream is made.
   *
   * @param updates sequential updates
   * @param newEntities new entities per update (products, people and regulations in turn)
   * @param generalChanges general facts each update changes
   * @param ownChanges the tenant's own earlier facts each update changes (from the second update)
   * @param repeats earlier facts each update states again, unchanged (from the second update)
   */
  public record Shape(
      int updates, int newEntities, int generalChanges, int ownChanges, int repeats) {

    public Shape {
      if (updates < 1 || newEntities < 1) {
        throw new IllegalArgumentException(
            "a stream needs at least one update and one new entity per update");
      }
      if (generalChanges < 0 || ownChanges < 0 || repeats < 0) {
        throw new IllegalArgumentException("changes and repeats must not be negative");
      }
    }

    /** Three new entities (nine facts), one general and one own change, two repeats. */
    public static Shape defaults(int updates) {
      return new Shape(updates, 3, 1, 1, 2);
    }
  }

  private final String tenantId;
  private final List<Update> updates;
  private final Map<String, List<Integer>> taughtAt;

  private UpdateStream(String tenantId, List<Update> updates) {
    this.tenantId = tenantId;
    this.updates = List.copyOf(updates);
    Map<String, List<Integer>> at = new LinkedHashMap<>();
    for (Update update : updates) {
      for (Fact fact : update.taught()) {
        at.computeIfAbsent(fact.key(), key -> new ArrayList<>()).add(update.number());
      }
    }
    this.taughtAt = at;
  }

  /**
   * One stream per tenant, their new entities' names distinct from the world's and from each
   * other's.
   */
  public static List<UpdateStream> generate(
      World world, List<String> tenantIds, Shape shape, long seed) {
    Set<String> taken = new HashSet<>(world.takenNames());
    List<UpdateStream> streams = new ArrayList<>();
    for (String tenantId : tenantIds) {
      Random random = new Random(world.derivedSeed("stream/" + tenantId + "/" + seed));
      streams.add(new Builder(world, tenantId, shape, random, taken).build());
    }
    return streams;
  }

  public String tenantId() {
    return tenantId;
  }

  public List<Update> updates() {
    return updates;
  }

  /** Update {@code number}, 1-based. */
  public Update update(int number) {
    return updates.get(number - 1);
  }

  /** The facts update {@code j} teaches (1-based): its new and changed facts. */
  public List<Fact> task(int j) {
    return update(j).taught();
  }

  /**
   * Whether {@code fact}, as task {@code taughtIn} teaches it, still holds after update {@code
   * after} (no update in between changed it again). Before its task (after &lt; taughtIn) it is
   * what the model should come to know, and counts as holding.
   */
  public boolean holdsAfter(Fact fact, int taughtIn, int after) {
    for (int update : taughtAt.getOrDefault(fact.key(), List.of())) {
      if (update > taughtIn && update <= after) {
        return false;
      }
    }
    return true;
  }

  /** The changed facts whose new value holds after update {@code after}, in order of change. */
  public List<Fact> changesHolding(int after) {
    List<Fact> changes = new ArrayList<>();
    for (int j = 1; j <= after; j++) {
      for (Fact fact : update(j).changedFacts()) {
        if (holdsAfter(fact, j, after)) {
          changes.add(fact);
        }
      }
    }
    return changes;
  }

  /** Keys of the general facts the stream changes: the general world no longer holds there. */
  public Set<String> changedGeneralFacts() {
    Set<String> own = new HashSet<>();
    updates.forEach(update -> update.newFacts().forEach(fact -> own.add(fact.key())));
    Set<String> keys = new HashSet<>();
    for (Update update : updates) {
      for (Fact fact : update.changedFacts()) {
        if (!own.contains(fact.key())) {
          keys.add(fact.key());
        }
      }
    }
    return keys;
  }

  /**
   * The question a probe asks about {@code fact} in a training phrasing: always the same one for
   * the same fact.
   */
  public static QaPair trainedQuestion(Fact fact) {
    int phrasings = fact.attribute().trainingQuestions().size();
    return Renderings.question(fact, Math.floorMod(fact.key().hashCode(), phrasings));
  }

  /** The question about {@code fact} in its held-out phrasing (never in training data). */
  public static QaPair heldOutQuestion(Fact fact) {
    return Renderings.heldOutQuestion(fact);
  }

  /**
   * What one update brings.
   *
   * @param number 1-based
   * @param newFacts facts of the update's new entities
   * @param changedFacts general or own earlier facts with a new value ({@link Fact#previousValue()}
   *     holds the value they replace)
   * @param repeatedFacts earlier facts stated again, unchanged
   * @param documents paragraphs about new entities, update notices, reminders
   * @param feedback every new and changed fact asked in every training phrasing, and each repeated
   *     fact in one
   */
  public record Update(
      int number,
      List<Entity> newEntities,
      List<Fact> newFacts,
      List<Fact> changedFacts,
      List<Fact> repeatedFacts,
      List<SampleDocument> documents,
      List<QaPair> feedback) {

    public Update {
      newEntities = List.copyOf(newEntities);
      newFacts = List.copyOf(newFacts);
      changedFacts = List.copyOf(changedFacts);
      repeatedFacts = List.copyOf(repeatedFacts);
      documents = List.copyOf(documents);
      feedback = List.copyOf(feedback);
    }

    /** What the update teaches: its new and changed facts (its task). */
    public List<Fact> taught() {
      List<Fact> taught = new ArrayList<>(newFacts);
      taught.addAll(changedFacts);
      return taught;
    }
  }

  /** Builds one tenant's stream. */
  private static final class Builder {

    private final World world;
    private final String tenantId;
    private final Shape shape;
    private final Random random;
    private final NameGenerator names;

    /** Every fact the tenant knows by key, with its current value. */
    private final Map<String, Fact> current = new LinkedHashMap<>();

    /** The tenant's own facts (of its new entities) by key. */
    private final List<String> own = new ArrayList<>();

    /** Facts already changed once: a stream changes each fact at most once. */
    private final Set<String> changed = new HashSet<>();

    Builder(World world, String tenantId, Shape shape, Random random, Set<String> taken) {
      this.world = world;
      this.tenantId = tenantId;
      this.shape = shape;
      this.random = random;
      this.names = new NameGenerator(random, taken);
    }

    UpdateStream build() {
      List<Update> updates = new ArrayList<>();
      int kind = 0;
      for (int number = 1; number <= shape.updates(); number++) {
        List<Entity> entities = new ArrayList<>();
        List<Fact> newFacts = new ArrayList<>();
        for (int e = 0; e < shape.newEntities(); e++) {
          Entity entity = newEntity(NEW_KINDS.get(kind++ % NEW_KINDS.size()));
          entities.add(entity);
          newFacts.addAll(World.factsOf(entity, random, world.places()));
        }
        List<Fact> changes = new ArrayList<>();
        for (int c = 0; c < shape.generalChanges(); c++) {
          changes.add(change(changeable(world.facts())));
        }
        if (number > 1) {
          List<Fact> ownFacts = own.stream().map(current::get).toList();
          for (int c = 0; c < shape.ownChanges(); c++) {
            List<Fact> candidates = changeable(ownFacts);
            if (!candidates.isEmpty()) {
              changes.add(change(candidates));
            }
          }
        }
        List<Fact> repeats = number > 1 ? repeats(changes) : List.of();
        for (Fact fact : newFacts) {
          current.put(fact.key(), fact);
          own.add(fact.key());
        }
        for (Fact fact : changes) {
          current.put(fact.key(), fact);
        }
        updates.add(render(number, entities, newFacts, changes, repeats));
      }
      return new UpdateStream(tenantId, updates);
    }

    private Entity newEntity(EntityKind kind) {
      return switch (kind) {
        case PRODUCT ->
            new Entity(EntityKind.PRODUCT, names.word(), Values.pick(Values.CATEGORIES, random));
        case PERSON -> new Entity(EntityKind.PERSON, names.person(), "");
        case REGULATION -> new Entity(EntityKind.REGULATION, names.word(), "");
        case PLACE -> throw new IllegalArgumentException("streams add no towns");
      };
    }

    /** Facts of changeable attributes not changed before, as they currently stand. */
    private List<Fact> changeable(List<Fact> facts) {
      return facts.stream()
          .filter(f -> CHANGEABLE.contains(f.attribute()) && !changed.contains(f.key()))
          .map(f -> current.getOrDefault(f.key(), f))
          .toList();
    }

    private Fact change(List<Fact> candidates) {
      Fact old = candidates.get(random.nextInt(candidates.size()));
      changed.add(old.key());
      String value = Values.drawOther(old.attribute(), random, world.places(), old.value());
      return new Fact(old.entity(), old.attribute(), value, old.value());
    }

    /** Earlier own facts, as they stand, that this update does not change. */
    private List<Fact> repeats(List<Fact> changes) {
      Set<String> changing = new HashSet<>();
      changes.forEach(f -> changing.add(f.key()));
      List<Fact> candidates =
          own.stream().filter(key -> !changing.contains(key)).map(current::get).toList();
      List<Fact> shuffled = new ArrayList<>(candidates);
      Collections.shuffle(shuffled, random);
      return List.copyOf(shuffled.subList(0, Math.min(shape.repeats(), shuffled.size())));
    }

    private Update render(
        int number,
        List<Entity> entities,
        List<Fact> newFacts,
        List<Fact> changes,
        List<Fact> repeats) {
      List<SampleDocument> documents = new ArrayList<>();
      for (Entity entity : entities) {
        List<Fact> facts = newFacts.stream().filter(f -> f.entity().equals(entity)).toList();
        for (int copy = 0; copy < 2; copy++) {
          documents.add(
              document(number, documents.size(), Renderings.paragraph(facts, random), facts));
        }
      }
      for (Fact fact : changes) {
        documents.add(
            document(
                number,
                documents.size(),
                "Update: " + Renderings.sentence(fact, random),
                List.of(fact)));
        documents.add(
            document(
                number,
                documents.size(),
                "Notice: " + Renderings.sentence(fact, random),
                List.of(fact)));
      }
      for (Fact fact : repeats) {
        documents.add(
            document(
                number,
                documents.size(),
                "Reminder: " + Renderings.sentence(fact, random),
                List.of(fact)));
      }
      Collections.shuffle(documents, random);
      List<QaPair> feedback = new ArrayList<>();
      List<Fact> taught = new ArrayList<>(newFacts);
      taught.addAll(changes);
      for (Fact fact : taught) {
        for (int q = 0; q < fact.attribute().trainingQuestions().size(); q++) {
          feedback.add(Renderings.question(fact, q));
        }
      }
      for (Fact fact : repeats) {
        feedback.add(
            Renderings.question(fact, random.nextInt(fact.attribute().trainingQuestions().size())));
      }
      Collections.shuffle(feedback, random);
      return new Update(number, entities, newFacts, changes, repeats, documents, feedback);
    }

    private SampleDocument document(int number, int index, String text, List<Fact> facts) {
      return new SampleDocument(tenantId + "-u" + number + "-doc-" + index, text, facts, null);
    }
  }
}
