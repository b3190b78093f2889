package dev.perennial.evaluator.testing;

import dev.perennial.core.store.ArtifactStore;
import dev.perennial.core.store.FolderIndex;
import dev.perennial.model.lora.LoraConfig;
import dev.perennial.model.peft.PeftAdapter;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.train.LoraTrainer;
import dev.perennial.model.train.LoraTrainingRequest;
import dev.perennial.model.train.StepListener;
import dev.perennial.model.train.TrainingExample;
import dev.perennial.model.train.TrainingRecipe;
import java.nio.file.Path;
import java.util.List;

/** Tiny real adapters, trained with the model layer and stored as the trainer stores them. */
public final class TestAdapters {

  private TestAdapters() {}

  /** Trains a fresh rank-8 adapter for {@code steps} steps at {@code learningRate}. */
  public static Path train(
      BaseModel base,
      List<TrainingExample> examples,
      List<TrainingExample> replay,
      int steps,
      double learningRate,
      Path folder) {
    LoraTrainer.run(
        LoraTrainingRequest.fresh(
            base,
            examples,
            replay,
            LoraConfig.defaults(),
            recipe(replay, steps, learningRate),
            folder),
        StepListener.NONE);
    return folder;
  }

  /**
   * Trains the adapter in {@code parent} further for {@code steps} steps at {@code learningRate},
   * as an update of a release does.
   */
  public static Path continueTraining(
      BaseModel base,
      Path parent,
      List<TrainingExample> examples,
      List<TrainingExample> replay,
      int steps,
      double learningRate,
      Path folder) {
    LoraTrainer.run(
        LoraTrainingRequest.continuing(
            base,
            examples,
            replay,
            PeftAdapter.read(parent),
            recipe(replay, steps, learningRate),
            folder),
        StepListener.NONE);
    return folder;
  }

  private static TrainingRecipe recipe(
      List<TrainingExample> replay, int steps, double learningRate) {
    return new TrainingRecipe(
        steps,
        8,
        1,
        learningRate,
        Math.min(2, steps),
        0.1,
        0.0,
        1.0,
        128,
        replay.isEmpty() ? 0.0 : 0.25,
        42,
        1);
  }

  /** Stores every file of the folder and a folder index listing them, as the trainer does. */
  public static FolderIndex.StoredFolder store(ArtifactStore store, Path folder) {
    return FolderIndex.store(store, folder);
  }
}
