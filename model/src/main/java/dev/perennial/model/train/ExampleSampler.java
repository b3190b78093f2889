package dev.perennial.model.train;

import dev.perennial.model.ModelException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Draws padded micro-batches from training examples, epoch by epoch in a seeded shuffled order,
 * with a fixed share of every micro-batch drawn from replay examples (continual learning keeps
 * earlier knowledge by rehearsing it).
 */
public final class ExampleSampler implements BatchSource {

  private final List<TokenizedExample> examples;
  private final List<TokenizedExample> replay;
  private final int batchSize;
  private final int accumulation;
  private final int replayPerBatch;
  private final int padId;
  private final Random orderRandom;
  private final Random replayRandom;
  private final List<Integer> order = new ArrayList<>();
  private int cursor;

  public ExampleSampler(
      List<TokenizedExample> examples,
      List<TokenizedExample> replay,
      TrainingRecipe recipe,
      int padId) {
    if (examples.isEmpty()) {
      throw new ModelException("there are no training examples");
    }
    this.examples = examples;
    this.replay = replay;
    this.batchSize = recipe.batchSize();
    this.accumulation = recipe.gradientAccumulation();
    this.replayPerBatch = recipe.replayRows(replay.size());
    this.padId = padId;
    this.orderRandom = new Random(recipe.seed());
    this.replayRandom = new Random(recipe.seed() ^ 0x5DEECE66DL);
    this.cursor = examples.size();
  }

  /** Replay rows in each micro-batch. */
  public int replayPerBatch() {
    return replayPerBatch;
  }

  @Override
  public List<Batch> nextStep() {
    List<Batch> batches = new ArrayList<>(accumulation);
    for (int micro = 0; micro < accumulation; micro++) {
      List<TokenizedExample> rows = new ArrayList<>(batchSize);
      for (int i = 0; i < batchSize - replayPerBatch; i++) {
        rows.add(examples.get(nextIndex()));
      }
      for (int i = 0; i < replayPerBatch; i++) {
        rows.add(replay.get(replayRandom.nextInt(replay.size())));
      }
      batches.add(Batch.of(rows, padId));
    }
    return batches;
  }

  private int nextIndex() {
    if (cursor == order.size() || order.isEmpty()) {
      order.clear();
      for (int i = 0; i < examples.size(); i++) {
        order.add(i);
      }
      Collections.shuffle(order, orderRandom);
      cursor = 0;
    }
    return order.get(cursor++);
  }
}
