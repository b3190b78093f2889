package dev.perennial.trainer.plasticity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.model.plasticity.AdapterSpectrum;
import dev.perennial.schemas.v1.Plasticity;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlasticityRecordsTest {

  private static final AdapterSpectrum SPECTRUM = new AdapterSpectrum(List.of());

  @Test
  void audit_aRefreshIsDueOnlyOnARatioTheRecordKeeps() {
    // the loss after training was infinite: no gain, so no ratio, is recorded
    Plasticity measured =
        PlasticityRecords.of(
            5, Double.NEGATIVE_INFINITY, 1.0, PlasticitySettings.defaults(), SPECTRUM);

    assertThat(measured.getLearningGain()).isNull();
    assertThat(measured.getGainRatio()).isNull();
    assertThat(measured.getRefreshDue()).as("gainRatio fell below refresh.below").isFalse();
  }

  @Test
  void aRatioUnderTheThresholdIsRecordedWithTheRefreshItMakesDue() {
    Plasticity measured =
        PlasticityRecords.of(5, 0.2, 1.0, PlasticitySettings.defaults(), SPECTRUM);

    assertThat(measured.getGainRatio()).isEqualTo(0.2);
    assertThat(measured.getRefreshDue()).isTrue();
  }
}
