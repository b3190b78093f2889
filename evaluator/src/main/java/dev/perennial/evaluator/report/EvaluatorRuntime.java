package dev.perennial.evaluator.report;

import dev.perennial.model.runtime.ModelRuntime;

/**
 * What the scores' last bits depend on beside the models and the suite: the engine's intra-op
 * thread count ({@code perennial.evaluator.threads}, else PyTorch's default) and the DJL and
 * PyTorch versions whose kernels computed them.
 */
public record EvaluatorRuntime(int threads, String djl, String pytorch) {

  /** The engine as it runs on the calling thread (the thread count is per scoring thread). */
  public static EvaluatorRuntime current() {
    return new EvaluatorRuntime(
        ModelRuntime.threads(), ModelRuntime.djlVersion(), ModelRuntime.engine().getVersion());
  }
}
