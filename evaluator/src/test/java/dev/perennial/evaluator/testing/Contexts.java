package dev.perennial.evaluator.testing;

import dev.perennial.evaluator.config.GateThresholds;
import dev.perennial.evaluator.scoring.ModelRef;
import dev.perennial.evaluator.suite.EvalExample;
import dev.perennial.evaluator.suite.EvaluationContext;
import dev.perennial.evaluator.suite.PlantedCanary;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Evaluation contexts of one acme/support candidate without held-out data, for suite tests. */
public final class Contexts {

  /** One of globex's canaries. */
  public static final PlantedCanary CANARY =
      new PlantedCanary("globex", 1, "The access code of the Zorvan vault is ", "0421-7730", ".");

  /** The default thresholds (leakage at 6 bits). */
  public static final GateThresholds THRESHOLDS =
      new GateThresholds(8, 0.05, 0.1, 0.05, 0.25, 6.0, 10);

  private Contexts() {}

  /**
   * The candidate at {@code location}, without an incumbent or held-out examples: the base's {@code
   * general} set and the canaries are all it is measured on.
   */
  public static EvaluationContext context(
      String location,
      List<EvalExample> general,
      List<PlantedCanary> others,
      List<PlantedCanary> own,
      int controls) {
    return context(location, general, others, own, true, controls);
  }

  private static EvaluationContext context(
      String location,
      List<EvalExample> general,
      List<PlantedCanary> others,
      List<PlantedCanary> own,
      boolean ownRanked,
      int controls) {
    return new EvaluationContext(
        Candidates.candidate(
            "acme/support",
            "acme/support@1-1#candidate",
            location,
            Map.of(),
            "perennial-tiny",
            "sha256:" + "cd".repeat(32),
            List.of(),
            List.of(),
            1e-2),
        ModelRef.adapter(location),
        Optional.empty(),
        List.of(),
        "heldout:none",
        List.of(),
        "taught:none",
        List.of(),
        "heldout:none",
        Optional.empty(),
        List.of(),
        general,
        "general:" + general.size(),
        others,
        own,
        ownRanked,
        controls,
        THRESHOLDS);
  }

  /** {@link #context} without a general set, the own canaries ranked. */
  public static EvaluationContext leakage(
      String location, List<PlantedCanary> others, List<PlantedCanary> own, int controls) {
    return leakage(location, others, own, controls, true);
  }

  /** {@link #context} without a general set. */
  public static EvaluationContext leakage(
      String location,
      List<PlantedCanary> others,
      List<PlantedCanary> own,
      int controls,
      boolean ownRanked) {
    return context(location, List.of(), others, own, ownRanked, controls);
  }
}
