package dev.perennial.model.train;

import dev.perennial.model.ModelException;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws padded micro-batches from training examples, epoch by epoch in a seeded shuffled order,
 * with a fixed share of every micro-batch drawn from replay examples ({@link RowDraw}).
 */
public final class ExampleSampler implements BatchSource {

  private final List<TokenizedExample> examples;
  private final List<TokenizedExample> replay;
  private final int accumulation;
  private final int padId;
  private final RowDraw draw;

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
    this.accumulation = recipe.gradientAccumulation();
    this.padId = padId;
    this.draw = new RowDraw(examples.size(), replay.size(), recipe);
  }

  /** Replay rows in each micro-batch. */
  public int replayPerBatch() {
    return draw.replayPerBatch();
  }

  @Override
  public List<Batch> nextStep() {
    List<Batch> batches = new ArrayList<>(accumulation);
    for (int micro = 0; micro < accumulation; micro++) {
      RowDraw.Rows drawn = draw.next();
      List<TokenizedExample> rows = new ArrayList<>(drawn.own().length + drawn.replay().length);
      for (int index : drawn.own()) {
        rows.add(examples.get(index));
      }
      for (int index : drawn.replay()) {
        rows.add(replay.get(index));
      }
      batches.add(Batch.of(rows, padId));
    }
    return batches;
  }
}
