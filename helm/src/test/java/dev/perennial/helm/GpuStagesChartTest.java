package dev.perennial.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Only the stages that load DJL and PyTorch (the trainer's workers and the evaluator) run on GPUs;
 * a GPU asked for another stage would be held and never used. GPU pods get a writable HOME: CUDA's
 * JIT cache ($HOME/.nv) and PyTorch's kernel cache ($HOME/.cache/torch) live under it, and the
 * image's user has none (/nonexistent) on a read-only root filesystem.
 */
class GpuStagesChartTest {

  @Test
  void aGpuForAStageThatNeverLoadsPyTorchIsRefusedByName() {
    for (Component component :
        List.of(Component.INGEST, Component.TRAINER_ACCUMULATOR, Component.PUBLISHER)) {
      Chart chart = Chart.withRequiredValues().with(component.valuesPath() + ".gpu.enabled", true);

      assertThatThrownBy(chart::render)
          .as(component.valuesPath())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(component.valuesPath() + ".gpu.enabled")
          .hasMessageContaining("trainer.worker and evaluator");
    }
  }

  @Test
  void gpuPodsHaveAWritableHome() {
    RenderedChart chart = Scenarios.gpu().render();

    for (Component component : List.of(Component.TRAINER_WORKER, Component.EVALUATOR)) {
      Workload workload = chart.workload(component);
      String home =
          workload.container().getEnv().stream()
              .filter(v -> v.getName().equals("HOME"))
              .map(EnvVar::getValue)
              .findFirst()
              .orElseThrow(() -> new AssertionError("no HOME in " + workload.name()));
      VolumeMount mount = workload.mountOf(Path.of(home, ".cache"));
      assertThat(mount.getReadOnly()).as("%s mounted read-only", home).isNotEqualTo(true);
      assertThat(workload.volume(mount.getName()).getEmptyDir())
          .as("HOME %s of %s on an emptyDir", home, component)
          .isNotNull();
    }
  }
}
