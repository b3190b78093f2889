package dev.perennial.cli.bench.continual;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.model.runtime.DeviceChoice;
import dev.perennial.model.world.UpdateStream;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.testing.TestConfigs;
import dev.perennial.trainer.worker.JobRecipe;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContinualReportFilesTest {

  @TempDir Path folder;

  @Test
  void theJsonRecordsTheRecipesSeedAndThreadsTheFiguresDependOn() throws Exception {
    Map<String, String> values = TestConfigs.tinyRecipe(folder);
    values.put(TrainerConfig.RECIPE_SEED_CONFIG, "11");
    values.put(TrainerConfig.RECIPE_THREADS_CONFIG, "3");
    ContinualReport report =
        new ContinualReport(
            new ContinualBenchmark.Settings(
                new UpdateStream.Shape(2, 1, 1, 1, 2),
                3,
                1,
                List.of(Variant.PRODUCTION),
                false,
                DeviceChoice.CPU,
                FeedbackMix.BENCH),
            "perennial-tiny",
            JobRecipe.from(new TrainerConfig(values)),
            32,
            List.of(),
            1.0,
            2);

    JsonNode root = new ObjectMapper().readTree(ContinualReportFiles.json(report));
    JsonNode recipe = root.path("recipe");

    // figures are deterministic for a seed and thread count (README): both must be on record
    assertThat(recipe.path("seed").asLong(-1)).as("%s", recipe).isEqualTo(11);
    assertThat(recipe.path("threads").asInt(-1)).as("%s", recipe).isEqualTo(3);
    // and for the thread count the rows were scored at
    assertThat(root.path("scoringThreads").asInt(-1)).isEqualTo(2);
  }
}
