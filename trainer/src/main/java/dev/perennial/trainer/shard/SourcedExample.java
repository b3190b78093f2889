package dev.perennial.trainer.shard;

import dev.perennial.schemas.v1.TrainingExample;

/** A training example and the {@code examples.v1} record it was read from. */
public record SourcedExample(SourcePosition position, TrainingExample example) {}
