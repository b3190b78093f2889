package dev.perennial.trainer.plasticity;

import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.Lineage;
import dev.perennial.schemas.v1.ModulePlasticity;
import dev.perennial.schemas.v1.Plasticity;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The plasticity monitor's figures of each adapter key's latest candidate, as gauges tagged with
 * the key ({@code perennial_trainer_plasticity_*}): learning gain, the control's gain and the ratio
 * (NaN on updates without a control), mean effective rank, weight and change norms, and per module
 * the effective rank and norm of B·A; and a counter of refreshed candidates per key.
 */
public final class PlasticityMeters {

  private static final String PREFIX = "perennial.trainer.plasticity.";
  private static final String KEY = "adapter_key";

  private final MeterRegistry meters;
  private final Map<String, Plasticity> latest = new ConcurrentHashMap<>();
  private final Map<String, ModulePlasticity> modules = new ConcurrentHashMap<>();

  public PlasticityMeters(MeterRegistry meters) {
    this.meters = meters;
  }

  /** Records the monitor's figures of a committed candidate (nothing when it has none). */
  public void record(AdapterCandidate candidate) {
    Lineage lineage = candidate.getLineage();
    if (lineage == null || lineage.getPlasticity() == null) {
      return;
    }
    String key = candidate.getAdapterKey();
    Plasticity plasticity = lineage.getPlasticity();
    boolean first = latest.put(key, plasticity) == null;
    if (first) {
      gauge(
          key,
          "learning.gain",
          "Learning gain (nats) of the key's last update",
          p -> value(p.getLearningGain()));
      gauge(
          key,
          "control.gain",
          "Learning gain of the last fresh-adapter control",
          p -> value(p.getControlGain()));
      gauge(
          key, "gain.ratio", "Last learning gain over its control's", p -> value(p.getGainRatio()));
      gauge(key, "effective.rank", "Mean effective rank of B*A", Plasticity::getEffectiveRank);
      gauge(key, "weight.norm", "Norm of every A and B", Plasticity::getWeightNorm);
      gauge(key, "product.norm", "Norm of every module's change", Plasticity::getProductNorm);
      gauge(key, "update", "The key's update number", p -> p.getUpdate());
    }
    for (ModulePlasticity module : plasticity.getModules()) {
      String id = key + "\u0000" + module.getPath();
      if (modules.put(id, module) == null) {
        Gauge.builder(PREFIX + "module.effective.rank", modules, m -> m.get(id).getEffectiveRank())
            .description("Effective rank of one module's B*A")
            .tag(KEY, key)
            .tag("module", module.getPath())
            .register(meters);
        Gauge.builder(PREFIX + "module.product.norm", modules, m -> m.get(id).getProductNorm())
            .description("Norm of one module's change scaling*B*A")
            .tag(KEY, key)
            .tag("module", module.getPath())
            .register(meters);
      }
    }
    if (lineage.getRefresh() != null) {
      Counter.builder(PREFIX + "refreshes")
          .description("Candidates trained from a refreshed adapter")
          .tag(KEY, key)
          .register(meters)
          .increment();
    }
  }

  private void gauge(String key, String name, String description, ToDoubleFunction<Plasticity> f) {
    Gauge.builder(PREFIX + name, latest, l -> f.applyAsDouble(l.get(key)))
        .description(description)
        .tag(KEY, key)
        .register(meters);
  }

  private static double value(Double value) {
    return value == null ? Double.NaN : value;
  }
}
