package dev.perennial.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.evaluator.config.EvaluatorConfig;
import dev.perennial.trainer.config.TrainerConfig;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base models (Hugging Face folders, gigabytes each) come from a volume the operator provides,
 * mounted read-only into the trainer's workers and the evaluators, the two stages that load them;
 * the chart points both at the same folder, so candidates are evaluated on the base they were
 * trained on.
 */
class BaseModelsChartTest {

  @TempDir Path folder;

  private static final Map<String, Object> MODELS =
      Map.of("persistentVolumeClaim", Map.of("claimName", "base-models"));

  @Test
  void theWorkersAndEvaluatorsLoadTheBaseFromTheReadOnlyModelVolume() {
    RenderedChart chart =
        Chart.withRequiredValues()
            .with("baseModels.volume", MODELS)
            .with("baseModels.folder", "llama-3.2-1b")
            .render();

    Path trainerBase =
        ((TrainerConfig) chart.config(Component.TRAINER_WORKER, folder)).baseModelPath().get();
    Path evaluatorBase =
        ((EvaluatorConfig) chart.config(Component.EVALUATOR, folder)).baseModelPath().get();
    assertThat(trainerBase).isEqualTo(evaluatorBase);
    assertThat(trainerBase.getFileName().toString()).isEqualTo("llama-3.2-1b");
    for (Component component : List.of(Component.TRAINER_WORKER, Component.EVALUATOR)) {
      Workload workload = chart.workload(component);
      VolumeMount mount = workload.mountOf(trainerBase.resolve("config.json"));
      assertThat(mount.getReadOnly()).as("base models mounted read-only").isTrue();
      Volume volume = workload.volume(mount.getName());
      assertThat(volume.getPersistentVolumeClaim().getClaimName()).isEqualTo("base-models");
    }
    for (Component component :
        List.of(Component.INGEST, Component.TRAINER_ACCUMULATOR, Component.PUBLISHER)) {
      assertThat(chart.workload(component).pod().getVolumes())
          .as("volumes of %s", component)
          .noneMatch(
              v ->
                  v.getPersistentVolumeClaim() != null
                      && v.getPersistentVolumeClaim().getClaimName().equals("base-models"));
    }
  }

  @Test
  void aBaseFolderWithoutAModelVolumeIsRefused() {
    Chart chart = Chart.withRequiredValues().with("baseModels.folder", "llama-3.2-1b");

    assertThatThrownBy(chart::render)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("baseModels.volume");
  }
}
