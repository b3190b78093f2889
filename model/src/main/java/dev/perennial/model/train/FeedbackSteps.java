package dev.perennial.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import dev.perennial.model.ModelException;
import dev.perennial.model.runtime.EngineArrays;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.runtime.ModelRuntime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The steps of a mixed job: the job's own rows (language-model examples and feedback examples,
 * drawn together epoch by epoch) plus replay rows in every micro-batch ({@link RowDraw}), and a
 * step loss in which every row counts by its share of the step's rows, weighted by kind ({@link
 * FeedbackObjectives}): the language-model rows' mean token loss, the preference pairs' {@link
 * PairLoss} and the corrections' pair loss each plus a language-model term on the chosen answer,
 * the ratings' KTO. A feedback row thus takes the place in the gradient that it takes in the batch,
 * and replay keeps its share (a kind's mean over its few rows, weighted like the whole
 * language-model term, let one or two feedback rows outweigh a batch of replay). Every row of a
 * micro-batch shares one forward pass; the reference's log-likelihoods come from {@link
 * ReferenceLikelihoods}, computed once before training.
 *
 * <p>With a replay KL weight ({@link FeedbackObjectives#replayKlWeight}) the replay rows also learn
 * the frozen reference's next-token distributions (its KL divergence from the policy's at every
 * counted position; the reference's pass runs each micro-batch, without gradients). The pair and
 * rating objectives push rejected answers down and move the general set's argmax tokens although
 * replay keeps its token loss; the anchor holds the replay rows' whole distributions where they
 * were. It counts like the replay rows' mean token loss, for their share of the step's rows.
 */
final class FeedbackSteps implements StepSource {

  private final List<TokenizedExample> examples;
  private final List<TokenizedExample> replay;
  private final List<TokenizedFeedback> feedback;
  private final ReferenceLikelihoods reference;
  private final LanguageModel anchor;
  private final FeedbackObjectives objectives;
  private final int accumulation;
  private final int padId;
  private final RowDraw draw;
  private final SmallLossSelection selection;

  FeedbackSteps(
      List<TokenizedExample> examples,
      List<TokenizedExample> replay,
      List<TokenizedFeedback> feedback,
      ReferenceLikelihoods reference,
      LanguageModel anchor,
      FeedbackObjectives objectives,
      TrainingRecipe recipe,
      int padId) {
    if (examples.isEmpty() && feedback.isEmpty()) {
      throw new ModelException("there are no training examples");
    }
    if (objectives.replayKlWeight() > 0 && !replay.isEmpty() && anchor == null) {
      throw new ModelException("a replay KL weight needs the frozen reference model");
    }
    this.anchor = objectives.replayKlWeight() > 0 ? anchor : null;
    this.examples = examples;
    this.replay = replay;
    this.feedback = feedback;
    this.reference = reference;
    this.objectives = objectives;
    this.accumulation = recipe.gradientAccumulation();
    this.padId = padId;
    this.draw = new RowDraw(examples.size() + feedback.size(), replay.size(), recipe);
    long pairs = feedback.stream().filter(f -> f.kind() == FeedbackExample.Kind.PREFERENCE).count();
    this.selection =
        objectives.preferenceDropShare() > 0
            ? new SmallLossSelection((int) pairs, objectives.preferenceDropShare())
            : null;
  }

  /** One micro-batch's rows, sorted by what scores them. */
  private final class MicroBatch {
    final List<TokenizedExample> languageModel = new ArrayList<>();
    final List<TokenizedExample> replayed = new ArrayList<>();
    final Map<FeedbackExample.Kind, List<Integer>> byKind =
        new EnumMap<>(FeedbackExample.Kind.class);

    MicroBatch(RowDraw.Rows rows) {
      for (FeedbackExample.Kind kind : FeedbackExample.Kind.values()) {
        byKind.put(kind, new ArrayList<>());
      }
      for (int index : rows.own()) {
        if (index < examples.size()) {
          languageModel.add(examples.get(index));
        } else {
          int item = index - examples.size();
          byKind.get(feedback.get(item).kind()).add(item);
        }
      }
      for (int index : rows.replay()) {
        replayed.add(replay.get(index));
      }
      // the replay rows come last among the language-model rows: the KL anchor takes them
      languageModel.addAll(replayed);
    }

    int countedTokens() {
      return languageModel.stream().mapToInt(TokenizedExample::countedTokens).sum();
    }

    int replayCountedTokens() {
      return replayed.stream().mapToInt(TokenizedExample::countedTokens).sum();
    }
  }

  @Override
  public Pass forwardBackward(LanguageModel model, NDManager stepManager) {
    List<MicroBatch> micro = new ArrayList<>(accumulation);
    for (int i = 0; i < accumulation; i++) {
      micro.add(new MicroBatch(draw.next()));
    }
    // Every row weighs by its share of the step's rows, whatever scores it, so that feedback rows
    // take the place in the gradient that their rows take in the batch and replay keeps its share:
    // the language-model rows' mean token loss counts for their share of the rows, and each
    // feedback row's objective is summed over the step and divided by the step's rows.
    int counted = micro.stream().mapToInt(MicroBatch::countedTokens).sum();
    int languageModelRows = micro.stream().mapToInt(m -> m.languageModel.size()).sum();
    int stepRows = languageModelRows;
    for (MicroBatch batch : micro) {
      stepRows += batch.byKind.values().stream().mapToInt(List::size).sum();
    }
    double languageModelScale =
        counted == 0
            ? 0
            : objectives.languageModelWeight() * languageModelRows / ((double) stepRows * counted);
    int replayCounted = micro.stream().mapToInt(MicroBatch::replayCountedTokens).sum();
    int replayRows = micro.stream().mapToInt(m -> m.replayed.size()).sum();
    double anchorScale =
        anchor == null || replayCounted == 0
            ? 0
            : objectives.replayKlWeight() * replayRows / ((double) stepRows * replayCounted);
    double loss = 0;
    long tokens = 0;
    for (MicroBatch batch : micro) {
      List<TokenizedExample> rows = new ArrayList<>(batch.languageModel);
      for (FeedbackExample.Kind kind : FeedbackExample.Kind.values()) {
        for (int item : batch.byKind.get(kind)) {
          rows.add(feedback.get(item).answer());
        }
        for (int item : batch.byKind.get(kind)) {
          TokenizedFeedback row = feedback.get(item);
          rows.add(row.rejected() != null ? row.rejected() : row.mismatched());
        }
      }
      Batch padded = Batch.of(rows, padId);
      tokens += padded.realTokens();
      try (NDManager pass = stepManager.newSubManager()) {
        Batch replayBatch =
            anchorScale > 0 && !batch.replayed.isEmpty() ? Batch.of(batch.replayed, padId) : null;
        // the reference's pass runs before the collector opens: nothing of it is recorded
        NDArray anchorLogits =
            replayBatch == null ? null : replayBatch.logits(anchor, pass, null, false);
        try (GradientCollector collector = ModelRuntime.engine().newGradientCollector()) {
          NDArray logits = padded.logits(model, pass, null, true);
          NDArray logLikelihoods =
              PreferenceLosses.sequenceLogLikelihoods(
                  logits, padded.targets(pass), padded.weights(pass));
          List<NDArray> terms = new ArrayList<>();
          int from = batch.languageModel.size();
          if (replayBatch != null) {
            // rows padded on the right: the replay rows' own width holds all their counted
            // positions
            NDIndex replayPositions =
                new NDIndex("{}:{}, 0:{}", from - batch.replayed.size(), from, replayBatch.width());
            terms.add(
                CausalLmLoss.weightedKl(
                        logits.get(replayPositions), anchorLogits, replayBatch.weights(pass))
                    .mul(EngineArrays.scalar(pass, (float) anchorScale)));
          }
          if (from > 0 && languageModelScale > 0) {
            terms.add(
                logLikelihoods
                    .get("0:" + from)
                    .sum()
                    .neg()
                    .mul(EngineArrays.scalar(pass, (float) languageModelScale)));
          }
          for (FeedbackExample.Kind kind : FeedbackExample.Kind.values()) {
            List<Integer> items = batch.byKind.get(kind);
            int n = items.size();
            if (n > 0) {
              NDArray answers = logLikelihoods.get(from + ":" + (from + n));
              NDArray others = logLikelihoods.get((from + n) + ":" + (from + 2 * n));
              double weight = objectives.weightOf(kind) / stepRows;
              terms.add(
                  losses(kind, items, answers, others, pass)
                      .sum()
                      .mul(EngineArrays.scalar(pass, (float) weight)));
              from += 2 * n;
            }
          }
          if (terms.isEmpty()) {
            continue;
          }
          NDArray total = terms.get(0);
          for (int i = 1; i < terms.size(); i++) {
            total = total.add(terms.get(i));
          }
          collector.backward(total);
          loss += total.getFloat();
        }
      }
    }
    return new Pass(loss, tokens);
  }

  /** Per-row losses of one kind's rows: their answers' and other rows' log-likelihoods. */
  private NDArray losses(
      FeedbackExample.Kind kind,
      List<Integer> items,
      NDArray answers,
      NDArray others,
      NDManager pass) {
    int n = items.size();
    float[] referenceAnswers = new float[n];
    float[] referenceOthers = new float[n];
    float[] desirable = new float[n];
    float[] answerTokens = new float[n];
    for (int i = 0; i < n; i++) {
      int item = items.get(i);
      TokenizedFeedback row = feedback.get(item);
      referenceAnswers[i] = reference.answer(item);
      referenceOthers[i] =
          kind == FeedbackExample.Kind.RATING
              ? reference.mismatched(item)
              : reference.rejected(item);
      desirable[i] = row.desirable() ? 1f : 0f;
      answerTokens[i] = Math.max(1, row.answer().countedTokens());
    }
    NDArray referenceAnswer = EngineArrays.of(pass, referenceAnswers);
    NDArray referenceOther = EngineArrays.of(pass, referenceOthers);
    return switch (kind) {
      case PREFERENCE -> {
        NDArray margins =
            PreferenceLosses.margins(answers, others, referenceAnswer, referenceOther);
        yield selected(
            items,
            margins,
            PreferenceLosses.correction(
                margins,
                answers,
                EngineArrays.of(pass, answerTokens),
                objectives.pairLoss(),
                objectives.beta(),
                objectives.labelSmoothing(),
                objectives.preferenceSftWeight()),
            pass);
      }
      case CORRECTION ->
          PreferenceLosses.correction(
              PreferenceLosses.margins(answers, others, referenceAnswer, referenceOther),
              answers,
              EngineArrays.of(pass, answerTokens),
              objectives.pairLoss(),
              objectives.beta(),
              objectives.labelSmoothing(),
              objectives.correctionSftWeight());
      case RATING ->
          PreferenceLosses.kto(
              answers,
              referenceAnswer,
              EngineArrays.of(pass, desirable),
              PreferenceLosses.referencePoint(others, referenceOther),
              objectives.ktoBeta(),
              objectives.ktoDesirableWeight(),
              objectives.ktoUndesirableWeight());
    };
  }

  /**
   * The pairs' losses with those the small-loss selection leaves out weighed 0 (the pairs' losses
   * as they are without a drop share). A left-out pair still counts among the step's rows. Pairs
   * are ranked by their pair loss alone: the RPO term's token loss varies with the chosen answer's
   * tokens far more than with its label (ranked by the whole loss, the selection cost preferred
   * facts at 30 % noise instead of saving them, README).
   */
  private NDArray selected(List<Integer> items, NDArray margins, NDArray losses, NDManager pass) {
    if (selection == null) {
      return losses;
    }
    float[] pairLosses =
        objectives
            .pairLoss()
            .losses(margins.stopGradient(), objectives.beta(), objectives.labelSmoothing())
            .toFloatArray();
    return losses.mul(EngineArrays.of(pass, selection.keep(items, pairLosses)));
  }
}
