package dev.perennial.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The shared claim exists for the stages that mount it (every one but ingest): an install of ingest
 * alone creates none, which would otherwise wait for ReadWriteMany storage nothing uses and outlive
 * the release (it is kept on uninstall).
 */
class SharedClaimChartTest {

  private static final Map<String, Object> OFF = Map.of("enabled", false);

  @Test
  void ingestAloneCreatesNoSharedClaim() {
    RenderedChart chart =
        Chart.withRequiredValues()
            .with("trainer.accumulator", OFF)
            .with("trainer.worker", OFF)
            .with("evaluator", OFF)
            .with("publisher", OFF)
            .render();

    assertThat(chart.workloads())
        .extracting(Workload::name)
        .containsExactly("acme-perennial-ingest");
    assertThat(chart.all(PersistentVolumeClaim.class)).isEmpty();
  }

  @Test
  void anyStageThatMountsItCreatesTheSharedClaim() {
    RenderedChart chart =
        Chart.withRequiredValues()
            .with("trainer.accumulator", OFF)
            .with("trainer.worker", OFF)
            .with("publisher", OFF)
            .render();

    assertThat(chart.all(PersistentVolumeClaim.class)).hasSize(1);
  }
}
