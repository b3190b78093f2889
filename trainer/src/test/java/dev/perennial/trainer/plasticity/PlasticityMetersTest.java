package dev.perennial.trainer.plasticity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.AdapterRefreshDetails;
import dev.perennial.schemas.v1.Lineage;
import dev.perennial.schemas.v1.LineageMethod;
import dev.perennial.schemas.v1.ModulePlasticity;
import dev.perennial.schemas.v1.Plasticity;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlasticityMetersTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final PlasticityMeters meters = new PlasticityMeters(registry);

  @Test
  void eachKeysLatestFiguresAreGaugesTaggedWithTheKeyAndRefreshesAreCounted() {
    meters.record(candidate("acme/support", 2, 0.4, 1.0, null));
    meters.record(candidate("globex/help", 1, 0.9, null, null));
    meters.record(
        candidate("acme/support", 3, 0.8, null, new AdapterRefreshDetails(0.99, 4, 0.995, "r")));

    assertThat(gauge("learning.gain", "acme/support")).isEqualTo(0.8);
    assertThat(gauge("control.gain", "acme/support")).as("no control on update 3").isNaN();
    assertThat(gauge("update", "acme/support")).isEqualTo(3);
    assertThat(gauge("learning.gain", "globex/help")).isEqualTo(0.9);
    assertThat(
            registry
                .get("perennial.trainer.plasticity.module.effective.rank")
                .tag("adapter_key", "acme/support")
                .tag("module", "layers.0.q_proj")
                .gauge()
                .value())
        .isEqualTo(3.0);
    assertThat(
            registry
                .get("perennial.trainer.plasticity.refreshes")
                .tag("adapter_key", "acme/support")
                .counter()
                .count())
        .isEqualTo(1);
  }

  private double gauge(String name, String key) {
    return registry
        .get("perennial.trainer.plasticity." + name)
        .tag("adapter_key", key)
        .gauge()
        .value();
  }

  private static AdapterCandidate candidate(
      String key, int update, double gain, Double control, AdapterRefreshDetails refresh) {
    Plasticity plasticity =
        Plasticity.newBuilder()
            .setUpdate(update)
            .setLearningGain(gain)
            .setControlGain(control)
            .setEffectiveRank(3.0)
            .setWeightNorm(1.0)
            .setProductNorm(0.5)
            .setModules(List.of(new ModulePlasticity("layers.0.q_proj", 1.0, 0.5, 0.5, 3.0)))
            .build();
    Lineage lineage =
        Lineage.newBuilder()
            .setMethod(LineageMethod.CONTINUED)
            .setPlasticity(plasticity)
            .setRefresh(refresh)
            .build();
    // only the key and the lineage are read
    AdapterCandidate candidate = new AdapterCandidate();
    candidate.setAdapterKey(key);
    candidate.setLineage(lineage);
    return candidate;
  }
}
