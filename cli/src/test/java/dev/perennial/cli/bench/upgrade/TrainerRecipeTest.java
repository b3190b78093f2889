package dev.perennial.cli.bench.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.config.PerennialConfig;
import dev.perennial.model.bench.AdapterRecipe;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.tiny.TinyModel;
import dev.perennial.model.train.LoraTrainingRequest;
import dev.perennial.model.train.TrainingExample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerRecipeTest {

  private static BaseModel base;

  @TempDir Path folder;

  @BeforeAll
  static void openBase() {
    base = TinyModel.open();
  }

  private static final Map<String, String> CLUSTER =
      Map.of(
          PerennialConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092",
          PerennialConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://127.0.0.1:8081");

  private static List<TrainingExample> questions(int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> TrainingExample.completion("Question " + i + "?", " answer " + i))
        .toList();
  }

  private static List<TrainingExample> replay() {
    List<TrainingExample> replay = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      replay.add(TrainingExample.text("general text " + i));
    }
    return replay;
  }

  @Test
  void aJobSizedByTheTrainersEpochsReplayAndRateWithATenthSetAsideForEarlyStopping() {
    List<TrainingExample> data = questions(165);

    LoraTrainingRequest request =
        new TrainerRecipe(CLUSTER)
            .request(base, data, replay(), null, 60, 7, 1, folder.resolve("out"));

    // the service's defaults: 8 epochs of 3 new rows a step (13 of 16 replay), lr 2e-3
    int trained = request.examples().size();
    assertThat(request.validation()).isNotEmpty().doesNotContainAnyElementsOf(request.examples());
    assertThat(trained + request.validation().size()).isEqualTo(165);
    assertThat(request.recipe().steps()).isEqualTo(8 * ((trained + 2) / 3));
    assertThat(request.recipe().learningRate()).isEqualTo(2e-3);
    assertThat(request.recipe().replayFraction()).isEqualTo(0.8125);
    assertThat(request.recipe().seed()).isEqualTo(7);
    assertThat(request.stopsEarly()).isTrue();
  }

  @Test
  void configuredTrainerKeysOverrideTheDefaultsAndTheFixedRecipeKeepsTheBenchsSteps() {
    Map<String, String> configured = new HashMap<>(CLUSTER);
    configured.put("perennial.trainer.recipe.max.steps", "100");
    configured.put("perennial.trainer.recipe.learning.rate", "0.001");

    LoraTrainingRequest capped =
        new TrainerRecipe(configured)
            .request(base, questions(165), replay(), null, 60, 7, 1, folder.resolve("capped"));
    LoraTrainingRequest fixed =
        AdapterRecipe.FIXED.request(
            base, questions(165), replay(), null, 60, 7, 1, folder.resolve("fixed"));

    assertThat(capped.recipe().steps()).isEqualTo(100);
    assertThat(capped.recipe().learningRate()).isEqualTo(0.001);
    assertThat(fixed.recipe().steps()).isEqualTo(60);
    assertThat(fixed.recipe().learningRate()).isEqualTo(3e-3);
    assertThat(fixed.validation()).isEmpty();
    assertThat(fixed.examples()).hasSize(165);
  }
}
