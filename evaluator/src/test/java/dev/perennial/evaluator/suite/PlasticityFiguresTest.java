package dev.perennial.evaluator.suite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.Lineage;
import dev.perennial.schemas.v1.LineageMethod;
import dev.perennial.schemas.v1.Plasticity;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlasticityFiguresTest {

  @Test
  void theMonitorsFiguresBecomeVerdictMetricsAndAMissingControlIsLeftOut() {
    Plasticity plasticity =
        Plasticity.newBuilder()
            .setUpdate(4)
            .setLearningGain(0.3)
            .setRefreshDue(false)
            .setEffectiveRank(2.5)
            .setWeightNorm(1.25)
            .setProductNorm(0.5)
            .setModules(List.of())
            .build();
    AdapterCandidate candidate = new AdapterCandidate();
    candidate.setLineage(
        Lineage.newBuilder().setMethod(LineageMethod.CONTINUED).setPlasticity(plasticity).build());
    Measurements measurements = new Measurements();

    PlasticityFigures.put(candidate, measurements);

    assertThat(measurements.metrics())
        .containsEntry("plasticity.update", 4.0)
        .containsEntry("plasticity.learning.gain", 0.3)
        .containsEntry("plasticity.refresh.due", 0.0)
        .containsEntry("plasticity.refreshed", 0.0)
        .containsEntry("plasticity.effective.rank", 2.5)
        .doesNotContainKeys("plasticity.control.gain", "plasticity.gain.ratio");
  }

  @Test
  void aCandidateWithoutTheMonitorsRecordAddsNoMetric() {
    AdapterCandidate candidate = new AdapterCandidate();
    Measurements measurements = new Measurements();

    PlasticityFigures.put(candidate, measurements);

    assertThat(measurements.metrics()).isEmpty();
  }
}
