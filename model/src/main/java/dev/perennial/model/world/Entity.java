package dev.perennial.model.world;

/**
 * A thing in the world.
 *
 * @param kind product, place, person or regulation
 * @param name its proper name ({@code Velmora}, {@code Belport}, {@code Ada Kessel}, {@code
 *     Marlow})
 * @param category a product's type ({@code lamp}); empty for other kinds
 */
public record Entity(EntityKind kind, String name, String category) {

  /**
   * How sentences mention it: {@code the Velmora lamp}, {@code Belport}, {@code the Marlow Act}.
   */
  public String mention() {
    switch (kind) {
      case PRODUCT:
        return "the " + name + " " + category;
      case REGULATION:
        return "the " + name + " Act";
      default:
        return name;
    }
  }

  /** {@link #mention()} at the start of a sentence. */
  public String mentionCapitalized() {
    String mention = mention();
    return Character.toUpperCase(mention.charAt(0)) + mention.substring(1);
  }
}
