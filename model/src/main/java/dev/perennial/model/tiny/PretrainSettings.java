package dev.perennial.model.tiny;

import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.train.TrainingRecipe;
import dev.perennial.model.world.WorldSize;

/**
 * Everything that determines the pretrained weights: same settings (thread count included) give the
 * same digest on the same CPU build of the engine.
 *
 * @param config the architecture
 * @param worldSeed the world generator's seed
 * @param worldSize the general world's size
 * @param initSeed the seed of the weight initialisation
 * @param recipe steps, batch rows, sequence length, schedule, data-order seed and threads
 */
public record PretrainSettings(
    LlamaConfig config, long worldSeed, WorldSize worldSize, long initSeed, TrainingRecipe recipe) {

  /** Rows of {@code recipe.maxSequenceLength()} tokens per micro-batch. */
  public int rows() {
    return recipe.batchSize();
  }

  /** This setting with fewer steps (a short reproducibility check). */
  public PretrainSettings withSteps(int steps) {
    return new PretrainSettings(config, worldSeed, worldSize, initSeed, recipe.withSteps(steps));
  }
}
