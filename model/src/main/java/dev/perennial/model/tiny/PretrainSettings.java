package dev.perennial.model.tiny;

import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.train.TrainingRecipe;
import dev.perennial.model.world.WorldSize;

/**
 * Everything that determines the pretrained weights: same settings (thread count included) give the
 * same digest on the same CPU build of the engine.
 *
 * @param name the model's name (what adapters record)
 * @param config the architecture
 * @param worldSeed the world generator's seed
 * @param worldSize the general world's size
 * @param worldEpoch which epoch of the world the corpus is (1: as generated; 2: some general facts
 *     changed, see {@link dev.perennial.model.world.World#nextEpoch()})
 * @param initSeed the seed of the weight initialisation (unused when continuing)
 * @param initFrom the bundled base whose weights pretraining continues from, or null for a seeded
 *     initialisation
 * @param recipe steps, batch rows, sequence length, schedule, data-order seed and threads
 */
public record PretrainSettings(
    String name,
    LlamaConfig config,
    long worldSeed,
    WorldSize worldSize,
    int worldEpoch,
    long initSeed,
    BundledBase initFrom,
    TrainingRecipe recipe) {

  /** From a seeded initialisation on the first epoch of the world, named perennial-tiny. */
  public PretrainSettings(
      LlamaConfig config,
      long worldSeed,
      WorldSize worldSize,
      long initSeed,
      TrainingRecipe recipe) {
    this(TinyModel.NAME, config, worldSeed, worldSize, 1, initSeed, null, recipe);
  }

  /** Rows of {@code recipe.maxSequenceLength()} tokens per micro-batch. */
  public int rows() {
    return recipe.batchSize();
  }

  /** This setting with fewer steps (a short reproducibility check). */
  public PretrainSettings withSteps(int steps) {
    return new PretrainSettings(
        name,
        config,
        worldSeed,
        worldSize,
        worldEpoch,
        initSeed,
        initFrom,
        recipe.withSteps(steps));
  }
}
