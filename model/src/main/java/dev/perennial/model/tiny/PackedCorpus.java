package dev.perennial.model.tiny;

import dev.perennial.model.tokenizer.TextTokenizer;
import dev.perennial.model.train.Batch;
import dev.perennial.model.train.BatchSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Pretraining batches: the corpus's texts as {@code <bos> text <eos>} streamed one after another,
 * reshuffled every epoch, and cut into rows of {@code length + 1} tokens with no padding.
 */
public final class PackedCorpus implements BatchSource {

  private final List<int[]> texts = new ArrayList<>();
  private final int rows;
  private final int length;
  private final int accumulation;
  private final Random random;
  private final List<Integer> order = new ArrayList<>();
  private int nextText;
  private int[] current = new int[0];
  private int offset;
  private int epochs;

  /**
   * @param rows rows per micro-batch
   * @param length input tokens per row
   */
  public PackedCorpus(
      List<String> corpus,
      TextTokenizer tokenizer,
      int rows,
      int length,
      int accumulation,
      long seed) {
    for (String text : corpus) {
      int[] encoded = tokenizer.encode(text);
      int[] wrapped = new int[encoded.length + 2];
      wrapped[0] = tokenizer.bosId();
      System.arraycopy(encoded, 0, wrapped, 1, encoded.length);
      wrapped[wrapped.length - 1] = tokenizer.eosId();
      texts.add(wrapped);
    }
    this.rows = rows;
    this.length = length;
    this.accumulation = accumulation;
    this.random = new Random(seed);
    for (int i = 0; i < texts.size(); i++) {
      order.add(i);
    }
    this.nextText = texts.size();
  }

  /** Corpus tokens per epoch. */
  public long tokensPerEpoch() {
    return texts.stream().mapToLong(t -> t.length).sum();
  }

  /** Epochs started so far. */
  public int epochs() {
    return epochs;
  }

  @Override
  public List<Batch> nextStep() {
    List<Batch> batches = new ArrayList<>(accumulation);
    for (int micro = 0; micro < accumulation; micro++) {
      int[][] block = new int[rows][];
      for (int r = 0; r < rows; r++) {
        block[r] = nextRow();
      }
      batches.add(Batch.packed(block));
    }
    return batches;
  }

  private int[] nextRow() {
    int[] row = new int[length + 1];
    int filled = 0;
    while (filled < row.length) {
      if (offset == current.length) {
        current = texts.get(nextTextIndex());
        offset = 0;
      }
      int take = Math.min(row.length - filled, current.length - offset);
      System.arraycopy(current, offset, row, filled, take);
      filled += take;
      offset += take;
    }
    return row;
  }

  private int nextTextIndex() {
    if (nextText == order.size()) {
      Collections.shuffle(order, random);
      nextText = 0;
      epochs++;
    }
    return order.get(nextText++);
  }
}
