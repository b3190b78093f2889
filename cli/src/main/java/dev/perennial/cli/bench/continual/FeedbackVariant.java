package dev.perennial.cli.bench.continual;

import dev.perennial.schemas.v1.ExampleKind;
import dev.perennial.trainer.config.TrainerConfig;
import java.util.Locale;
import java.util.Map;

/**
 * How {@code perennial bench feedback} trains the same feedback: which kind of example the users'
 * labels arrive as, and the trainer's objective for it (the recipe keys it sets).
 */
public enum FeedbackVariant {
  /** Preference pairs trained as SFT on the chosen answer: what the trainer did before issue 14. */
  SFT("sft", ExampleKind.PREFERENCE, "preference pairs, SFT on the chosen answer"),
  /** Preference pairs by DPO. */
  DPO("dpo", ExampleKind.PREFERENCE, "preference pairs, DPO"),
  /** Preference pairs by IPO. */
  IPO("ipo", ExampleKind.PREFERENCE, "preference pairs, IPO"),
  /** Preference pairs by conservative DPO (label smoothing). */
  CONSERVATIVE(
      "conservative", ExampleKind.PREFERENCE, "preference pairs, conservative DPO (smoothing)"),
  /** Preference pairs by robust DPO (unbiased under the assumed share of flipped labels). */
  ROBUST("robust", ExampleKind.PREFERENCE, "preference pairs, robust DPO"),
  /**
   * Preference pairs by DPO leaving out of each step the assumed share of pairs of highest loss
   * (the small-loss trick).
   */
  SMALL_LOSS(
      "small-loss", ExampleKind.PREFERENCE, "preference pairs, DPO without the highest-loss share"),
  /** Ratings of the right answer (thumbs up) and of a wrong one (thumbs down), by KTO. */
  KTO("kto", ExampleKind.RATING, "ratings, KTO"),
  /** Corrections of a wrong answer: the pair loss plus SFT on the correction (RPO). */
  CORRECTION("correction", ExampleKind.CORRECTION, "corrections, DPO pair + SFT (RPO)");

  private final String label;
  private final ExampleKind kind;
  private final String description;

  FeedbackVariant(String label, ExampleKind kind, String description) {
    this.label = label;
    this.kind = kind;
    this.description = description;
  }

  public String label() {
    return label;
  }

  /** The kind of example the variant's feedback arrives as. */
  public ExampleKind kind() {
    return kind;
  }

  public String description() {
    return description;
  }

  /**
   * The trainer configuration of this variant: the configured one with its objective set, and
   * {@code labelSmoothing} as the share of flipped labels the conservative and robust losses assume
   * and the share of pairs the small-loss variant leaves out (the others leave none out).
   */
  public Map<String, String> configure(Map<String, String> values, double labelSmoothing) {
    values.put(TrainerConfig.PLASTICITY_CONTROL_EVERY_CONFIG, "0");
    values.put(TrainerConfig.RECIPE_FEEDBACK_OBJECTIVE_CONFIG, this == SFT ? "sft" : "preference");
    String loss =
        switch (this) {
          case IPO -> "ipo";
          case CONSERVATIVE -> "conservative";
          case ROBUST -> "robust";
          default -> "dpo";
        };
    values.put(TrainerConfig.RECIPE_PREFERENCE_LOSS_CONFIG, loss);
    values.put(
        TrainerConfig.RECIPE_PREFERENCE_LABEL_SMOOTHING_CONFIG, Double.toString(labelSmoothing));
    values.put(
        TrainerConfig.RECIPE_PREFERENCE_DROP_SHARE_CONFIG,
        this == SMALL_LOSS ? Double.toString(labelSmoothing) : "0");
    return values;
  }

  /** {@code sft}, {@code dpo}, ... */
  public static FeedbackVariant parse(String label) {
    for (FeedbackVariant variant : values()) {
      if (variant.label.equals(label.trim().toLowerCase(Locale.ROOT))) {
        return variant;
      }
    }
    throw new IllegalArgumentException(
        "Unknown feedback variant "
            + label
            + " (sft, dpo, ipo, conservative, robust, small-loss, kto, correction)");
  }
}
