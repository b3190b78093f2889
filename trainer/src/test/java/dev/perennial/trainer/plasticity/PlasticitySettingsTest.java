package dev.perennial.trainer.plasticity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.trainer.TrainerException;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.testing.TestConfigs;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlasticitySettingsTest {

  @TempDir Path folder;

  private final PlasticitySettings settings = new PlasticitySettings(5, 0.5, 0.99, 0, 64);

  @Test
  void aControlComesOnEveryNthUpdateOfAContinuedAdapterOnly() {
    assertThat(settings.controlDue(5, true)).isTrue();
    assertThat(settings.controlDue(10, true)).isTrue();
    assertThat(settings.controlDue(4, true)).isFalse();
    assertThat(settings.controlDue(5, false)).as("a fresh adapter is its own control").isFalse();
    assertThat(new PlasticitySettings(0, 0.5, 0.99, 0, 64).controlDue(5, true))
        .as("0: never")
        .isFalse();
  }

  @Test
  void aRefreshIsDueOnlyWhenTheGainFellBelowTheShareOfAControlThatGained() {
    assertThat(settings.refreshDue(PlasticitySettings.gainRatio(0.2, 1.0))).isTrue();
    assertThat(settings.refreshDue(PlasticitySettings.gainRatio(-0.1, 1.0))).isTrue();
    assertThat(settings.refreshDue(PlasticitySettings.gainRatio(0.5, 1.0))).isFalse();
    assertThat(PlasticitySettings.gainRatio(0.2, 0.0)).as("a control that gained nothing").isNull();
    assertThat(PlasticitySettings.gainRatio(0.2, null)).as("no control on this update").isNull();
    assertThat(PlasticitySettings.gainRatio(null, 1.0)).as("nothing to measure").isNull();
    assertThat(settings.refreshDue(null)).isFalse();
    assertThat(new PlasticitySettings(5, 0, 0.99, 0, 64).refreshDue(0.01)).as("0: never").isFalse();
  }

  @Test
  void aRefreshFreesHalfTheRankUnlessTheConfigurationSaysHowMuch() {
    assertThat(settings.refresh(8).orElseThrow().freeRank()).isEqualTo(4);
    assertThat(settings.refresh(8).orElseThrow().energy()).isEqualTo(0.99);
    assertThat(settings.refresh(2).orElseThrow().freeRank()).isEqualTo(1);
    assertThat(settings.refresh(1)).as("rank 1 has no rank to free").isEmpty();
    assertThat(new PlasticitySettings(5, 0.5, 0.9, 2, 64).refresh(8).orElseThrow().freeRank())
        .isEqualTo(2);
    assertThat(new PlasticitySettings(5, 0.5, 0.9, 8, 64).refresh(8).orElseThrow().freeRank())
        .as("all but one rank at most")
        .isEqualTo(7);
    assertThat(PlasticitySettings.defaults().refresh(8).orElseThrow().freeRank())
        .as("the default frees one rank: half lost too much of what the adapter knew")
        .isEqualTo(1);
  }

  @Test
  void theSettingsComeFromTheTrainersKeysAndOutOfRangeValuesAreRefused() {
    Map<String, String> values = TestConfigs.tinyRecipe(folder);
    values.put(TrainerConfig.PLASTICITY_CONTROL_EVERY_CONFIG, "3");
    values.put(TrainerConfig.PLASTICITY_REFRESH_BELOW_CONFIG, "0.7");

    PlasticitySettings configured = PlasticitySettings.from(new TrainerConfig(values));

    assertThat(configured).isEqualTo(new PlasticitySettings(3, 0.7, 0.99, 1, 64));
    assertThat(PlasticitySettings.from(new TrainerConfig(TestConfigs.tinyRecipe(folder))))
        .isEqualTo(PlasticitySettings.defaults());
    assertThatThrownBy(() -> new PlasticitySettings(5, 1.5, 0.99, 0, 64))
        .isInstanceOf(TrainerException.class)
        .hasMessageContaining("1.5");
  }
}
