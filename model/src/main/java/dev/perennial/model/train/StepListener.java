package dev.perennial.model.train;

/**
 * Hears every optimizer step of a training run: progress bars, metrics, loss curves. Called on the
 * training thread; keep it quick.
 */
@FunctionalInterface
public interface StepListener {

  StepListener NONE = metrics -> {};

  void onStep(StepMetrics metrics);

  /** Both listeners, in order. */
  default StepListener andThen(StepListener next) {
    return metrics -> {
      onStep(metrics);
      next.onStep(metrics);
    };
  }
}
