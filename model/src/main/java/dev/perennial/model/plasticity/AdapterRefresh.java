package dev.perennial.model.plasticity;

import dev.perennial.model.ModelException;
import dev.perennial.model.checkpoint.HostTensor;
import dev.perennial.model.lora.LoraWeights;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gives an adapter back room to learn while it keeps what it knows. Each module's weight change
 * {@code scaling * B A} is cut by its SVD to the fewest directions that hold {@code energy} of its
 * squared norm (never more than {@code rank - freeRank}), stored as balanced factors (B = U
 * sqrt(S), A = sqrt(S) V^T, divided by the scaling); the freed rank gets a pair initialised like a
 * new adapter's (A uniform, B zero), so the refresh changes the module only by the energy it drops.
 *
 * <p>Why this method: loss of plasticity comes with growing weight norms and collapsing effective
 * rank (Lyle et al. 2024; Dohare et al. 2024, where continual backprop reinitialises the least
 * useful units). Here the least useful units are the product's smallest singular directions: they
 * are reinitialised as a fresh LoRA pair starts (continual backprop's move, in the adapter's own
 * coordinates), and the kept directions get balanced, smaller factors instead of whatever norms
 * training left. Unlike shrink-and-perturb (Ash and Adams 2020) the kept function is exact up to
 * the dropped energy, which the result reports per module.
 */
public final class AdapterRefresh {

  /**
   * @param energy share of each module's squared norm to keep, in (0, 1]
   * @param freeRank rank to free in every module at least, in [1, rank - 1]
   */
  public record Settings(double energy, int freeRank) {

    public Settings {
      if (!(energy > 0 && energy <= 1)) {
        throw new ModelException("refresh energy must be in (0, 1], was " + energy);
      }
      if (freeRank < 1) {
        throw new ModelException("refresh free rank must be at least 1, was " + freeRank);
      }
    }
  }

  /** What the refresh did to one module: directions kept and the share of energy they hold. */
  public record ModuleRefresh(String path, int keptRank, double keptEnergy) {}

  /** The refreshed weights and what each module kept. */
  public record Result(LoraWeights weights, List<ModuleRefresh> modules) {

    /** The smallest share of energy any module kept: how close to the old function it stays. */
    public double minKeptEnergy() {
      return modules.stream().mapToDouble(ModuleRefresh::keptEnergy).min().orElse(1);
    }
  }

  private AdapterRefresh() {}

  /**
   * @param seed seeds the fresh pairs (per module path, as {@link LoraWeights#initialize} does)
   * @throws ModelException when a module's weights are not finite (nothing of them can be kept)
   */
  public static Result refresh(LoraWeights weights, Settings settings, long seed) {
    int rank = weights.config().rank();
    if (settings.freeRank() >= rank) {
      throw new ModelException(
          "refresh cannot free rank " + settings.freeRank() + " of an adapter of rank " + rank);
    }
    double scaling = weights.config().scaling();
    Map<String, LoraWeights.Pair> refreshed = new LinkedHashMap<>();
    List<ModuleRefresh> modules = new ArrayList<>();
    weights
        .modules()
        .forEach(
            (path, pair) -> {
              LowRankProduct product = LowRankProduct.of(path, pair, scaling);
              int kept = keptRank(product, settings, rank);
              refreshed.put(path, refreshedPair(pair, product, kept, scaling, seed, path));
              modules.add(new ModuleRefresh(path, kept, product.energyOfFirst(kept)));
            });
    return new Result(new LoraWeights(weights.config(), refreshed), modules);
  }

  private static int keptRank(LowRankProduct product, Settings settings, int rank) {
    int most = Math.min(product.rank(), rank - settings.freeRank());
    int kept = 0;
    while (kept < most && product.energyOfFirst(kept) < settings.energy()) {
      kept++;
    }
    return kept;
  }

  private static LoraWeights.Pair refreshedPair(
      LoraWeights.Pair pair,
      LowRankProduct product,
      int kept,
      double scaling,
      long seed,
      String path) {
    int rank = (int) pair.a().shape()[0];
    int in = (int) pair.a().shape()[1];
    int out = (int) pair.b().shape()[0];
    float[] a = LoraWeights.freshA(rank, in, seed, path).data();
    float[] b = new float[out * rank];
    for (int s = 0; s < kept; s++) {
      double root = Math.sqrt(product.sigma()[s] / scaling);
      for (int i = 0; i < in; i++) {
        a[s * in + i] = (float) (root * product.v()[i][s]);
      }
      for (int o = 0; o < out; o++) {
        b[o * rank + s] = (float) (root * product.u()[o][s]);
      }
    }
    return new LoraWeights.Pair(
        new HostTensor(pair.a().shape(), a), new HostTensor(pair.b().shape(), b));
  }
}
