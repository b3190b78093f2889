package dev.perennial.model.llama;

/**
 * Decides what stands in each projection's place when a decoder is built: the base projection
 * itself, or a LoRA layer wrapping it.
 */
@FunctionalInterface
public interface ProjectionWrapper {

  /** Leaves every projection as it is. */
  ProjectionWrapper NONE = base -> base;

  LinearLayer wrap(Projection base);
}
