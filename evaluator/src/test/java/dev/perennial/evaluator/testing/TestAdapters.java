package dev.perennial.evaluator.testing;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.model.lora.LoraConfig;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.train.LoraTrainer;
import dev.perennial.model.train.LoraTrainingRequest;
import dev.perennial.model.train.StepListener;
import dev.perennial.model.train.TrainingExample;
import dev.perennial.model.train.TrainingRecipe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Tiny real adapters, trained with the model layer and stored as the trainer stores them. */
public final class TestAdapters {

  private TestAdapters() {}

  /** Where an adapter lies: its folder index and its files' digests (hex). */
  public record Stored(String location, SortedMap<String, String> fileDigests) {}

  /** Trains a fresh rank-8 adapter for {@code steps} steps at {@code learningRate}. */
  public static Path train(
      BaseModel base,
      List<TrainingExample> examples,
      List<TrainingExample> replay,
      int steps,
      double learningRate,
      Path folder) {
    TrainingRecipe recipe =
        new TrainingRecipe(
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
    LoraTrainer.run(
        LoraTrainingRequest.fresh(base, examples, replay, LoraConfig.defaults(), recipe, folder),
        StepListener.NONE);
    return folder;
  }

  /** Stores every file of the folder and a folder index listing them. */
  public static Stored store(ArtifactStore store, Path folder) {
    SortedMap<String, String> digests = new TreeMap<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        digests.put(file.getFileName().toString(), store.putFile(file).hex());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    StringBuilder index = new StringBuilder("{\"files\":{");
    String separator = "";
    for (var file : digests.entrySet()) {
      index.append(separator).append('"').append(file.getKey()).append("\":\"sha256:");
      index.append(file.getValue()).append('"');
      separator = ",";
    }
    index.append("}}\n");
    Digest location = store.put(index.toString().getBytes(StandardCharsets.UTF_8));
    return new Stored(location.toString(), digests);
  }
}
