package dev.perennial.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.trainer.config.RecordBudget;
import dev.perennial.trainer.config.TrainerConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The accumulator sizes each training job to its producer's {@code max.request.size}, and a worker
 * allowed smaller records stops at the first job it cannot answer with a candidate: the chart
 * renders both trainer stages with the same limit or refuses to render.
 */
class TrainerRecordSizeChartTest {

  @TempDir Path folder;

  @Test
  void theWorkerMayNotBeAllowedSmallerRecordsThanTheAccumulator() {
    Chart chart =
        Chart.withRequiredValues()
            .with("trainer.accumulator.config", Map.of("max.request.size", "4194304"))
            .with("trainer.worker.config", Map.of("max.request.size", "2097152"));

    assertThatThrownBy(chart::render)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("trainer.accumulator")
        .hasMessageContaining("trainer.worker")
        .hasMessageContaining("4194304")
        .hasMessageContaining("2097152");
  }

  @Test
  void theProducerPrefixedKeyIsTheOneThatCountsAsTheStagesReadIt() {
    Chart chart =
        Chart.withRequiredValues()
            .with("trainer.accumulator.config", Map.of("producer.max.request.size", "2097152"))
            .with("trainer.worker.config", Map.of("max.request.size", "1048576"));

    assertThatThrownBy(chart::render)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("2097152")
        .hasMessageContaining("1048576");
  }

  @Test
  void oneLimitInTheSharedConfigSizesBothStages() {
    RenderedChart chart =
        Chart.withRequiredValues().with("config", Map.of("max.request.size", "2097152")).render();

    for (Component stage :
        new Component[] {Component.TRAINER_ACCUMULATOR, Component.TRAINER_WORKER}) {
      TrainerConfig config = (TrainerConfig) chart.config(stage, folder);
      assertThat(RecordBudget.of(config).maxRequestSize()).as("%s", stage).isEqualTo(2097152);
    }
  }

  @Test
  void theSameLimitGivenToEachStageOrAWorkerAllowedMoreRenders() {
    RenderedChart same =
        Chart.withRequiredValues()
            .with("trainer.accumulator.config", Map.of("producer.max.request.size", "2097152"))
            .with("trainer.worker.config", Map.of("max.request.size", 2097152))
            .render();
    RenderedChart larger =
        Chart.withRequiredValues()
            .with("trainer.worker.config", Map.of("max.request.size", "2097152"))
            .render();

    assertThat(RecordBudget.of((TrainerConfig) same.config(Component.TRAINER_WORKER, folder)))
        .isEqualTo(new RecordBudget(2097152));
    assertThat(
            RecordBudget.of((TrainerConfig) larger.config(Component.TRAINER_ACCUMULATOR, folder)))
        .isEqualTo(new RecordBudget(1048576));
  }
}
