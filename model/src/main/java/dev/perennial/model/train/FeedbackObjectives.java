package dev.perennial.model.train;

import dev.perennial.model.ModelException;
import java.util.ArrayList;
import java.util.List;

/**
 * How a mixed job's step loss is made: every row of the step counts by its share of the step's
 * rows, times its kind's weight. Language-model rows (TEXT and SFT examples, and replay) keep their
 * mean token loss; PREFERENCE pairs take {@link #pairLoss} at {@link #beta} plus {@link
 * #preferenceSftWeight} times the chosen answer's mean token loss (RPO); RATINGs take KTO;
 * CORRECTIONs the pair loss plus {@link #correctionSftWeight} times the correction's mean token
 * loss.
 *
 * @param pairLoss DPO, or the IPO, conservative or robust variant
 * @param beta the pair loss's temperature (DPO's beta, default 0.1)
 * @param labelSmoothing the label-flip rate CONSERVATIVE and ROBUST assume, in [0, 0.5)
 * @param ktoBeta KTO's temperature
 * @param ktoDesirableWeight KTO's weight of desirable answers
 * @param ktoUndesirableWeight KTO's weight of undesirable answers
 * @param preferenceSftWeight the weight of the language-model term on a pair's chosen answer (RPO)
 * @param correctionSftWeight the weight of the language-model term on a correction (RPO)
 * @param languageModelWeight weight of the language-model rows (their mean token loss, for their
 *     share of the step's rows)
 * @param preferenceWeight weight of a preference pair's loss against a language-model row's
 * @param ratingWeight weight of a rating's KTO loss against a language-model row's
 * @param correctionWeight weight of a correction's loss against a language-model row's
 * @param replayKlWeight weight of the replay rows' token-level KL divergence from the frozen
 *     reference's next-token distributions (a general-retention anchor, counted like the replay
 *     rows' mean token loss for their share of the step's rows); 0: none
 * @param preferenceDropShare the share of a job's preference pairs left out of each step, those of
 *     highest loss once every pair was seen ({@link SmallLossSelection}, the small-loss trick
 *     against flipped labels), in [0, 0.5); 0: none
 */
public record FeedbackObjectives(
    PairLoss pairLoss,
    double beta,
    double labelSmoothing,
    double ktoBeta,
    double ktoDesirableWeight,
    double ktoUndesirableWeight,
    double preferenceSftWeight,
    double correctionSftWeight,
    double languageModelWeight,
    double preferenceWeight,
    double ratingWeight,
    double correctionWeight,
    double replayKlWeight,
    double preferenceDropShare) {

  public FeedbackObjectives {
    List<String> problems = new ArrayList<>();
    if (pairLoss == null) {
      problems.add("a pair loss is needed");
    }
    positive("beta", beta, problems);
    positive("KTO beta", ktoBeta, problems);
    if (!(labelSmoothing >= 0 && labelSmoothing < 0.5)) {
      problems.add("label smoothing must be in [0, 0.5), was " + labelSmoothing);
    }
    notNegative("KTO desirable weight", ktoDesirableWeight, problems);
    notNegative("KTO undesirable weight", ktoUndesirableWeight, problems);
    notNegative("preference SFT weight", preferenceSftWeight, problems);
    notNegative("correction SFT weight", correctionSftWeight, problems);
    notNegative("language-model weight", languageModelWeight, problems);
    notNegative("preference weight", preferenceWeight, problems);
    notNegative("rating weight", ratingWeight, problems);
    notNegative("correction weight", correctionWeight, problems);
    notNegative("replay KL weight", replayKlWeight, problems);
    if (!(preferenceDropShare >= 0 && preferenceDropShare < 0.5)) {
      problems.add("the preference drop share must be in [0, 0.5), was " + preferenceDropShare);
    }
    if (!problems.isEmpty()) {
      throw new ModelException("invalid feedback objectives: " + String.join("; ", problems));
    }
  }

  /**
   * DPO at beta 0.1, KTO at beta 0.1 with equal weights, RPO weight 1 on corrections and none on
   * pairs, every kind weighted 1, no KL anchor on replay, every pair kept.
   */
  public static FeedbackObjectives defaults() {
    return new FeedbackObjectives(
        PairLoss.DPO, PairLoss.DEFAULT_BETA, 0.1, 0.1, 1, 1, 0, 1, 1, 1, 1, 1, 0, 0);
  }

  public FeedbackObjectives withPairLoss(PairLoss loss) {
    return new FeedbackObjectives(
        loss,
        beta,
        labelSmoothing,
        ktoBeta,
        ktoDesirableWeight,
        ktoUndesirableWeight,
        preferenceSftWeight,
        correctionSftWeight,
        languageModelWeight,
        preferenceWeight,
        ratingWeight,
        correctionWeight,
        replayKlWeight,
        preferenceDropShare);
  }

  /** The weight of a feedback kind's rows. */
  public double weightOf(FeedbackExample.Kind kind) {
    return switch (kind) {
      case PREFERENCE -> preferenceWeight;
      case RATING -> ratingWeight;
      case CORRECTION -> correctionWeight;
    };
  }

  private static void positive(String name, double value, List<String> problems) {
    if (!(value > 0) || !Double.isFinite(value)) {
      problems.add(name + " must be a positive number, was " + value);
    }
  }

  private static void notNegative(String name, double value, List<String> problems) {
    if (!(value >= 0) || !Double.isFinite(value)) {
      problems.add(name + " must not be negative, was " + value);
    }
  }
}
