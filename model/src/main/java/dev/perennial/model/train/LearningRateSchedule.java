package dev.perennial.model.train;

/**
 * Linear warm-up from 0 to the peak, then cosine decay to {@code minRatio} of the peak; or, once
 * early stopping ends training sooner, a cosine wind-down from the rate of that moment to the same
 * floor ({@link #windingDown}).
 *
 * <p>{@code StrictMath}, not {@code Math}: the JIT's intrinsics may round differently from the
 * interpreter, and the moment a method gets compiled varies from run to run, which would make
 * same-seed training differ in the last bit.
 */
public record LearningRateSchedule(double peak, int warmupSteps, int totalSteps, double minRatio) {

  /** The rate for optimizer step {@code step} (0-based). */
  public double at(int step) {
    if (warmupSteps > 0 && step < warmupSteps) {
      return peak * (step + 1) / warmupSteps;
    }
    int decaySteps = Math.max(1, totalSteps - warmupSteps);
    double progress = Math.min(1.0, (double) (step - warmupSteps) / decaySteps);
    double cosine = 0.5 * (1 + StrictMath.cos(Math.PI * progress));
    return peak * (minRatio + (1 - minRatio) * cosine);
  }

  /**
   * The rate for step {@code step} of a wind-down that began at step {@code start} from {@code
   * fromRate} and reaches {@code minRatio} of the peak at its last step, {@code start + steps - 1}.
   */
  public double windingDown(int step, int start, int steps, double fromRate) {
    double progress = Math.min(1.0, (double) (step - start + 1) / Math.max(1, steps));
    double cosine = 0.5 * (1 + StrictMath.cos(Math.PI * progress));
    double floor = peak * minRatio;
    return floor + (fromRate - floor) * cosine;
  }
}
