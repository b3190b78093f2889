package dev.perennial.model.plasticity;

import dev.perennial.model.lora.LoraWeights;
import java.util.ArrayList;
import java.util.List;

/**
 * The shape of an adapter's weight changes, per module: the norms of A, B and of the change {@code
 * scaling * B A}, and the change's effective rank. Rising norms and a falling effective rank across
 * a key's releases are what loss of plasticity looks like in its weights.
 */
public record AdapterSpectrum(List<Module> modules) {

  /** One module's figures. */
  public record Module(
      String path, double normA, double normB, double productNorm, double effectiveRank) {}

  /**
   * @throws dev.perennial.model.ModelException when a module's weights are not finite
   */
  public static AdapterSpectrum of(LoraWeights weights) {
    List<Module> modules = new ArrayList<>();
    weights
        .modules()
        .forEach(
            (path, pair) -> {
              LowRankProduct product = LowRankProduct.of(path, pair, weights.config().scaling());
              modules.add(
                  new Module(
                      path,
                      norm(pair.a().data()),
                      norm(pair.b().data()),
                      product.norm(),
                      product.effectiveRank()));
            });
    return new AdapterSpectrum(List.copyOf(modules));
  }

  /** Mean effective rank over the modules with a non-zero change (0 when none has one). */
  public double meanEffectiveRank() {
    return modules.stream()
        .filter(module -> module.productNorm() > 0)
        .mapToDouble(Module::effectiveRank)
        .average()
        .orElse(0);
  }

  /** Root of the summed squared norms of every module's change. */
  public double productNorm() {
    return Math.sqrt(modules.stream().mapToDouble(m -> m.productNorm() * m.productNorm()).sum());
  }

  /** Root of the summed squared norms of every A and B: the trainable weights' norm. */
  public double weightNorm() {
    return Math.sqrt(
        modules.stream().mapToDouble(m -> m.normA() * m.normA() + m.normB() * m.normB()).sum());
  }

  private static double norm(float[] values) {
    double sum = 0;
    for (float value : values) {
      sum += (double) value * value;
    }
    return Math.sqrt(sum);
  }
}
