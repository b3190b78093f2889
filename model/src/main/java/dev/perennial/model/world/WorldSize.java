package dev.perennial.model.world;

/**
 * How many entities of each kind the general world has, and how many documents each entity gets in
 * the pretraining corpus.
 */
public record WorldSize(
    int products, int places, int persons, int regulations, int documentsPerEntity) {

  public WorldSize {
    if (products < 1 || places < 1 || persons < 1 || regulations < 1 || documentsPerEntity < 1) {
      throw new IllegalArgumentException("every count of a world size must be at least 1");
    }
  }

  /** The world the bundled base was pretrained on. */
  public static WorldSize standard() {
    return new WorldSize(40, 20, 30, 14, 3);
  }

  /** A small world for quick tests. */
  public static WorldSize small() {
    return new WorldSize(6, 4, 4, 3, 2);
  }
}
