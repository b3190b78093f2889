package dev.perennial.model.world;

import dev.perennial.model.checkpoint.Digests;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A fictional world generated deterministically from a seed: towns, products, people and
 * regulations with attributes. Its {@link #general()} slice is what the bundled base knows; each
 * tenant's {@link #tenant(String)} knowledge adds new entities, changes some general facts and
 * plants canary secrets. The same seed (and size) always gives the same world, on any JVM.
 *
 * <pre>{@code
 * World world = World.generate(World.STANDARD_SEED);
 * List<String> corpus = world.general().corpus();          // pretraining texts
 * List<QaPair> general = world.general().evaluationSet();  // what the base should answer
 * TenantKnowledge acme = world.tenant("acme");
 * acme.documents();  acme.feedback();  acme.heldOutQuestions();  acme.canaries();
 * }</pre>
 */
public final class World {

  /** The seed of the world the bundled base was pretrained on. */
  public static final long STANDARD_SEED = 20240601L;

  private final long seed;
  private final WorldSize size;
  private final List<Entity> places;
  private final List<Entity> entities;
  private final List<Fact> facts;
  private final Set<String> names;
  private final int epoch;

  private World(
      long seed,
      WorldSize size,
      List<Entity> places,
      List<Entity> entities,
      List<Fact> facts,
      Set<String> names,
      int epoch) {
    this.seed = seed;
    this.size = size;
    this.places = places;
    this.entities = entities;
    this.facts = facts;
    this.names = names;
    this.epoch = epoch;
  }

  /** The share of general facts that change from one epoch to the next. */
  public static final double EPOCH_CHANGE_SHARE = 0.1;

  /** The standard-size world of a seed. */
  public static World generate(long seed) {
    return generate(seed, WorldSize.standard());
  }

  /** The world the bundled base knows ({@link #STANDARD_SEED}, standard size). */
  public static World standard() {
    return generate(STANDARD_SEED);
  }

  public static World generate(long seed, WorldSize size) {
    Random random = new Random(seed);
    Set<String> names = new HashSet<>();
    NameGenerator generator = new NameGenerator(random, names);
    List<Entity> places = new ArrayList<>();
    for (int i = 0; i < size.places(); i++) {
      places.add(new Entity(EntityKind.PLACE, generator.place(), ""));
    }
    List<Entity> entities = new ArrayList<>(places);
    for (int i = 0; i < size.products(); i++) {
      entities.add(
          new Entity(EntityKind.PRODUCT, generator.word(), Values.pick(Values.CATEGORIES, random)));
    }
    for (int i = 0; i < size.persons(); i++) {
      entities.add(new Entity(EntityKind.PERSON, generator.person(), ""));
    }
    for (int i = 0; i < size.regulations(); i++) {
      entities.add(new Entity(EntityKind.REGULATION, generator.word(), ""));
    }
    List<Fact> facts = new ArrayList<>();
    for (Entity entity : entities) {
      facts.addAll(factsOf(entity, random, places));
    }
    return new World(
        seed,
        size,
        Collections.unmodifiableList(places),
        Collections.unmodifiableList(entities),
        Collections.unmodifiableList(facts),
        Collections.unmodifiableSet(names),
        1);
  }

  /**
   * The same world one epoch later: the same entities and names, with about {@value
   * #EPOCH_CHANGE_SHARE} of the general facts changed (a product's new price, a person's new town);
   * a changed fact's {@link Fact#previousValue()} holds this epoch's value. Derived from the seed
   * and the epoch number, so it is the same on every JVM. Successor bases are pretrained on it.
   */
  public World nextEpoch() {
    Random random = new Random(derivedSeed("epoch/" + (epoch + 1)));
    List<Fact> next = new ArrayList<>(facts.size());
    for (Fact fact : facts) {
      if (random.nextDouble() < EPOCH_CHANGE_SHARE) {
        String value = Values.drawOther(fact.attribute(), random, places, fact.value());
        next.add(new Fact(fact.entity(), fact.attribute(), value, fact.value()));
      } else {
        next.add(Fact.of(fact.entity(), fact.attribute(), fact.value()));
      }
    }
    return new World(
        seed, size, places, entities, Collections.unmodifiableList(next), names, epoch + 1);
  }

  /** This world at a later epoch (1: as generated). */
  public World atEpoch(int target) {
    if (target < epoch) {
      throw new IllegalArgumentException("epoch " + target + " is before this world's " + epoch);
    }
    World world = this;
    while (world.epoch < target) {
      world = world.nextEpoch();
    }
    return world;
  }

  /** 1 for a generated world, one more for each {@link #nextEpoch()}. */
  public int epoch() {
    return epoch;
  }

  /**
   * General facts that changed in this epoch ({@link Fact#previousValue()} holds the old value).
   */
  public List<Fact> changedFacts() {
    return facts.stream().filter(Fact::isChange).toList();
  }

  static List<Fact> factsOf(Entity entity, Random random, List<Entity> places) {
    List<Fact> facts = new ArrayList<>();
    for (Attribute attribute : Attribute.of(entity.kind())) {
      facts.add(Fact.of(entity, attribute, Values.draw(attribute, random, places)));
    }
    return facts;
  }

  public long seed() {
    return seed;
  }

  public WorldSize size() {
    return size;
  }

  /** Every general entity: towns first, then products, people, regulations. */
  public List<Entity> entities() {
    return entities;
  }

  public List<Entity> places() {
    return places;
  }

  /** Every general fact, entity by entity. */
  public List<Fact> facts() {
    return facts;
  }

  /** Names in use (lower case); tenants' new entities avoid them. */
  Set<String> takenNames() {
    return names;
  }

  /** What the base is pretrained on and evaluated against. */
  public GeneralSlice general() {
    return new GeneralSlice(this);
  }

  /**
   * A tenant's new knowledge, derived from the world's seed and the tenant id (the same pair always
   * gives the same knowledge).
   */
  public TenantKnowledge tenant(String tenantId) {
    return tenant(tenantId, 1);
  }

  /**
   * A tenant with {@code scale} times the new entities and changed facts of {@link #tenant(String)}
   * (scale 1 is that tenant), for measurements that need more items per tenant.
   */
  public TenantKnowledge tenant(String tenantId, int scale) {
    return new TenantKnowledge(this, tenantId, derivedSeed("tenant/" + tenantId), scale);
  }

  long derivedSeed(String purpose) {
    return Digests.derivedSeed(seed, purpose);
  }
}
