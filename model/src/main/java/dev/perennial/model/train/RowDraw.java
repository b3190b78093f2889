package dev.perennial.model.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Which rows each micro-batch takes: the job's own rows epoch by epoch in a seeded shuffled order,
 * and a fixed number of replay rows drawn at random (continual learning keeps earlier knowledge by
 * rehearsing it). Indices only, so that language-model and feedback rows share one draw.
 */
final class RowDraw {

  /** One micro-batch's rows: indices of own rows and of replay rows. */
  record Rows(int[] own, int[] replay) {}

  private final int ownCount;
  private final int replayCount;
  private final int ownPerBatch;
  private final int replayPerBatch;
  private final Random orderRandom;
  private final Random replayRandom;
  private final List<Integer> order = new ArrayList<>();
  private int cursor;

  RowDraw(int ownCount, int replayCount, TrainingRecipe recipe) {
    this.ownCount = ownCount;
    this.replayCount = replayCount;
    this.replayPerBatch = recipe.replayRows(replayCount);
    this.ownPerBatch = recipe.batchSize() - replayPerBatch;
    this.orderRandom = new Random(recipe.seed());
    this.replayRandom = new Random(recipe.seed() ^ 0x5DEECE66DL);
    this.cursor = ownCount;
  }

  int replayPerBatch() {
    return replayPerBatch;
  }

  Rows next() {
    int[] own = new int[ownPerBatch];
    for (int i = 0; i < ownPerBatch; i++) {
      own[i] = nextIndex();
    }
    int[] replay = new int[replayPerBatch];
    for (int i = 0; i < replayPerBatch; i++) {
      replay[i] = replayRandom.nextInt(replayCount);
    }
    return new Rows(own, replay);
  }

  private int nextIndex() {
    if (cursor == order.size() || order.isEmpty()) {
      order.clear();
      for (int i = 0; i < ownCount; i++) {
        order.add(i);
      }
      Collections.shuffle(order, orderRandom);
      cursor = 0;
    }
    return order.get(cursor++);
  }
}
