package dev.perennial.evaluator.scoring;

import java.util.Objects;

/**
 * A model an evaluation scores: the base alone, or the base with the adapter stored at a location
 * of the artifact store (a candidate's, or an incumbent release's).
 */
public record ModelRef(String location) {

  public static final ModelRef BASE = new ModelRef("base");

  public ModelRef {
    Objects.requireNonNull(location, "location");
  }

  public static ModelRef adapter(String location) {
    if (BASE.location().equals(location)) {
      throw new IllegalArgumentException("'base' is not an adapter location");
    }
    return new ModelRef(location);
  }

  public boolean isBase() {
    return equals(BASE);
  }

  @Override
  public String toString() {
    return location;
  }
}
