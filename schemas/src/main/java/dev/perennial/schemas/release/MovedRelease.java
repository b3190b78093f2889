package dev.perennial.schemas.release;

import dev.perennial.schemas.v1.Lineage;
import dev.perennial.schemas.v1.LineageRelease;

/**
 * The old base's release a re-based adapter moved, as its lineage names it: the source release of a
 * carried-over adapter, the teacher of a distilled one. The worker writes it; the evaluator judges
 * the transfer against it and the trainer's accumulator learns which release moved.
 */
public final class MovedRelease {

  private MovedRelease() {}

  /** The release {@code lineage} moved, or null when it names none (or is null). */
  public static LineageRelease of(Lineage lineage) {
    if (lineage == null) {
      return null;
    }
    return lineage.getSourceRelease() != null ? lineage.getSourceRelease() : lineage.getTeacher();
  }
}
