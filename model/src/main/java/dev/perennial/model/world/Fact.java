package dev.perennial.model.world;

/**
 * One attribute of one entity.
 *
 * @param previousValue for a changed fact, what the general world said before; null otherwise
 */
public record Fact(Entity entity, Attribute attribute, String value, String previousValue) {

  public static Fact of(Entity entity, Attribute attribute, String value) {
    return new Fact(entity, attribute, value, null);
  }

  /** Whether this fact overrides one of the general world. */
  public boolean isChange() {
    return previousValue != null;
  }

  /** A stable identifier: {@code PRODUCT/Velmora/COLOR}. */
  public String key() {
    return entity.kind() + "/" + entity.name() + "/" + attribute;
  }
}
