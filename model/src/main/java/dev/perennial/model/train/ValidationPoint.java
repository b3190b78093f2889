package dev.perennial.model.train;

/**
 * The loss on a training run's validation examples after {@code step} optimizer steps (0: before
 * training).
 */
public record ValidationPoint(int step, double loss) {}
