package dev.perennial.model.train;

import dev.perennial.model.TestBases;
import dev.perennial.model.TestModels;
import dev.perennial.model.lora.LoraConfig;
import dev.perennial.model.runtime.BaseModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One fixed LoRA training, run in this process or (through {@link #main}) in another one: a test
 * base written from a seed, a few examples, dropout and two threads.
 */
final class ReproducibleTraining {

  private static final List<TrainingExample> EXAMPLES =
      List.of(
          TrainingExample.completion("Question: What color is the Zix lamp?\nAnswer:", " teal"),
          TrainingExample.completion("Question: Where is the Zix lamp made?\nAnswer:", " Quorn"),
          TrainingExample.text("The Zix lamp is teal. It is made in Quorn."));
  private static final List<TrainingExample> REPLAY =
      List.of(TrainingExample.text("Old news stays known."));
  private static final TrainingRecipe RECIPE =
      new TrainingRecipe(10, 4, 2, 5e-3, 2, 0.1, 0.01, 1.0, 48, 0.25, 31, 2);

  private ReproducibleTraining() {}

  /** Trains into {@code output}, writing the base first under {@code baseFolder} if missing. */
  static void run(Path baseFolder, Path output) {
    BaseModel base =
        Files.isDirectory(baseFolder)
            ? BaseModel.open(baseFolder, "test-base")
            : TestBases.write(baseFolder, TestModels.tinyLlama(true), 5);
    LoraConfig lora = new LoraConfig(4, 8, 0.1, LoraConfig.defaults().targetModules());
    LoraTrainer.run(
        LoraTrainingRequest.fresh(base, EXAMPLES, REPLAY, lora, RECIPE, output), StepListener.NONE);
  }

  /** {@code <base folder> <output folder>}. */
  public static void main(String[] args) {
    run(Path.of(args[0]), Path.of(args[1]));
  }
}
