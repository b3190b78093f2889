package dev.perennial.model.world;

/** The kinds of things the synthetic world is made of. */
public enum EntityKind {
  PRODUCT,
  PLACE,
  PERSON,
  REGULATION
}
