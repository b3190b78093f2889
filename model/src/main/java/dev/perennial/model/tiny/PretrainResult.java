package dev.perennial.model.tiny;

import dev.perennial.model.runtime.EngineSetup;
import dev.perennial.model.train.StepMetrics;
import java.nio.file.Path;
import java.util.List;

/**
 * What pretraining produced.
 *
 * @param folder the model folder written
 * @param digest its digest ({@code sha256:...})
 * @param parameters base parameter count
 * @param steps the loss curve
 * @param tokens tokens trained on
 * @param epochs passes over the corpus (started)
 * @param seconds training time
 * @param generalExactMatch exact-match on the general evaluation set after training
 * @param device the device trained on ({@code cpu()}, {@code gpu(0)})
 * @param engine the engine, CPU and environment the weights were computed with
 */
public record PretrainResult(
    Path folder,
    String digest,
    long parameters,
    List<StepMetrics> steps,
    long tokens,
    int epochs,
    double seconds,
    double generalExactMatch,
    String device,
    EngineSetup engine) {

  /** Mean loss of the last 50 steps (single steps are noisy). */
  public double finalLoss() {
    int window = Math.min(50, steps.size());
    return steps.subList(steps.size() - window, steps.size()).stream()
        .mapToDouble(StepMetrics::loss)
        .average()
        .orElse(Double.NaN);
  }
}
