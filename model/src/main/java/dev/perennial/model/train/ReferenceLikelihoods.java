package dev.perennial.model.train;

import ai.djl.ndarray.NDManager;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.runtime.ModelRuntime;
import java.util.ArrayList;
import java.util.List;

/**
 * The frozen reference's log-likelihood of every row the feedback objectives score, computed once
 * per job before the first step, without gradients and without dropout. The reference is the model
 * as training starts: the incumbent adapter for a job continuing the key's release, and for a fresh
 * adapter the base alone (a fresh adapter's B matrices are zero, so it adds exactly nothing: the
 * adapter is as good as disabled).
 */
final class ReferenceLikelihoods {

  private final float[] answers;
  private final float[] rejected;
  private final float[] mismatched;
  private final int rows;

  private ReferenceLikelihoods(float[] answers, float[] rejected, float[] mismatched, int rows) {
    this.answers = answers;
    this.rejected = rejected;
    this.mismatched = mismatched;
    this.rows = rows;
  }

  /** Scores every row of {@code feedback} under {@code model} as it is now. */
  static ReferenceLikelihoods compute(
      LanguageModel model, List<TokenizedFeedback> feedback, int batchSize, int padId) {
    int n = feedback.size();
    float[] answers = new float[n];
    float[] rejected = new float[n];
    float[] mismatched = new float[n];
    List<TokenizedExample> rows = new ArrayList<>();
    List<float[]> into = new ArrayList<>();
    List<Integer> at = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      TokenizedFeedback item = feedback.get(i);
      add(rows, into, at, item.answer(), answers, i);
      if (item.rejected() != null) {
        add(rows, into, at, item.rejected(), rejected, i);
      }
      if (item.mismatched() != null) {
        add(rows, into, at, item.mismatched(), mismatched, i);
      }
    }
    try (ModelRuntime.GradMode off = ModelRuntime.gradModeOff()) {
      for (int from = 0; from < rows.size(); from += batchSize) {
        int to = Math.min(rows.size(), from + batchSize);
        Batch batch = Batch.of(rows.subList(from, to), padId);
        float[] scores;
        try (NDManager pass = model.manager().newSubManager()) {
          scores =
              PreferenceLosses.sequenceLogLikelihoods(
                      batch.logits(model, pass, null, false),
                      batch.targets(pass),
                      batch.weights(pass))
                  .toFloatArray();
        }
        for (int r = from; r < to; r++) {
          into.get(r)[at.get(r)] = scores[r - from];
        }
      }
    }
    return new ReferenceLikelihoods(answers, rejected, mismatched, rows.size());
  }

  private static void add(
      List<TokenizedExample> rows,
      List<float[]> into,
      List<Integer> at,
      TokenizedExample row,
      float[] target,
      int index) {
    rows.add(row);
    into.add(target);
    at.add(index);
  }

  /** The reference's log-likelihood of item {@code i}'s answer. */
  float answer(int i) {
    return answers[i];
  }

  /** Of item {@code i}'s rejected answer (pairs). */
  float rejected(int i) {
    return rejected[i];
  }

  /** Of item {@code i}'s mismatched row (ratings). */
  float mismatched(int i) {
    return mismatched[i];
  }

  /** How many rows the reference scored. */
  int rows() {
    return rows;
  }
}
