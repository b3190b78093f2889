package dev.perennial.model.bench;

import dev.perennial.model.lora.LoraConfig;
import dev.perennial.model.peft.PeftAdapter;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.train.LoraTrainingRequest;
import dev.perennial.model.train.TrainingExample;
import dev.perennial.model.train.TrainingRecipe;
import java.nio.file.Path;
import java.util.List;

/**
 * How {@code perennial bench upgrade} trains each adapter it measures: the release, a fine-tuning
 * after carrying over, a distillation, the churn rows. {@link #FIXED} is the bench's own recipe;
 * the cli offers the trainer's job recipe, as the pipeline's jobs (REBASE ones included) train.
 */
public interface AdapterRecipe {

  /**
   * The request that trains {@code data} plus {@code replay} on {@code base}, from {@code
   * startFrom} (null: a fresh adapter), into {@code output}.
   *
   * @param steps the bench's step count for this run (a recipe that sizes jobs itself ignores it)
   * @param seed the run's seed (LoRA initialisation, data order, replay picks)
   */
  LoraTrainingRequest request(
      BaseModel base,
      List<TrainingExample> data,
      List<TrainingExample> replay,
      PeftAdapter startFrom,
      int steps,
      long seed,
      int threads,
      Path output);

  /** One line for the bench's output. */
  String describe();

  /**
   * The bench's fixed recipe: {@code steps} steps of 16 rows, 4 of them replay, learning rate 3e-3
   * after 8 warm-up steps, every row trained (no early stopping).
   */
  AdapterRecipe FIXED =
      new AdapterRecipe() {
        @Override
        public LoraTrainingRequest request(
            BaseModel base,
            List<TrainingExample> data,
            List<TrainingExample> replay,
            PeftAdapter startFrom,
            int steps,
            long seed,
            int threads,
            Path output) {
          TrainingRecipe recipe =
              new TrainingRecipe(steps, 16, 1, 3e-3, 8, 0.1, 0.0, 1.0, 256, 0.25, seed, threads);
          return LoraTrainingRequest.startingFrom(
              startFrom, LoraConfig.defaults(), base, data, replay, recipe, output);
        }

        @Override
        public String describe() {
          return "fixed (the bench's steps, 4 of 16 rows replay, lr 3e-3)";
        }
      };
}
