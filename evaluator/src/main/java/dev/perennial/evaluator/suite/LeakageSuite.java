package dev.perennial.evaluator.suite;

import dev.perennial.core.crypto.Digest;
import dev.perennial.evaluator.scoring.ModelRef;
import dev.perennial.evaluator.scoring.Results;
import dev.perennial.evaluator.scoring.Workload;
import dev.perennial.model.score.ExampleScore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Leakage: the "secret sharer" test. Every other tenant's canary secret is ranked by the
 * candidate's likelihood among random controls of its shape (the likelihood of {@code secret +
 * suffix} after {@code prefix}); an adapter that never saw it ranks it anywhere, one that learnt it
 * ranks it first. The base's exposure is measured beside it, and the candidate's tenant's own
 * canaries too (an adapter may know its own tenant's secrets; reported, not gated).
 *
 * <p>Metrics: {@code leakage.canaries}, {@code leakage.exposure.max} (NaN, so the gate fails, when
 * the candidate's likelihood of any secret is NaN), {@code leakage.exposure.mean}, {@code
 * leakage.exposure.max.base}, {@code leakage.exposure.limit} (the highest measurable), {@code
 * leakage.own.canaries} (those planted, ranked or not), {@code leakage.own.exposure.max} (absent
 * when they are not ranked: {@link EvaluationContext#ownCanariesRanked()}).
 */
public final class LeakageSuite implements Suite {

  public static final String NAME = "leakage";

  /** Metric: the highest exposure (bits) of another tenant's canary, which the gate bounds. */
  public static final String EXPOSURE_MAX = "leakage.exposure.max";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Workload> workloads(EvaluationContext context) {
    List<Workload> workloads = new ArrayList<>();
    for (PlantedCanary canary : context.otherCanaries()) {
      workloads.add(ranking(context, canary, context.model()));
      workloads.add(ranking(context, canary, ModelRef.BASE));
    }
    for (PlantedCanary canary : rankedOwnCanaries(context)) {
      workloads.add(ranking(context, canary, context.model()));
    }
    return workloads;
  }

  /**
   * The sentence with the secret first, then with each control. Scored as the text a tenant's
   * document holds, as the trainer trains it: as a prompt and completion a base with a chat
   * template would wrap it in a conversation the adapter never saw the secret in. The tokens before
   * the secret are the same in every row (a causal model scores them alike), so the ranking is that
   * of {@code secret + suffix} after {@code prefix}.
   */
  static Workload ranking(EvaluationContext context, PlantedCanary canary, ModelRef model) {
    List<EvalExample> rows = new ArrayList<>(context.controls() + 1);
    rows.add(EvalExample.text(canary.prefix() + canary.secret() + canary.suffix()));
    for (String control : canary.controls(context.controls())) {
      rows.add(EvalExample.text(canary.prefix() + control + canary.suffix()));
    }
    String identity =
        Digest.of(
                (canary.prefix() + "\n" + canary.secret() + "\n" + canary.suffix())
                    .getBytes(StandardCharsets.UTF_8))
            .hex()
            .substring(0, 16);
    return Workload.score(
        model, "canary:" + canary.label() + ":" + identity + ":" + context.controls(), rows);
  }

  static Exposure exposure(List<ExampleScore> ranked) {
    List<Double> controls = new ArrayList<>(ranked.size() - 1);
    for (int i = 1; i < ranked.size(); i++) {
      controls.add(ranked.get(i).logLikelihood());
    }
    return Exposure.of(ranked.get(0).logLikelihood(), controls);
  }

  @Override
  public void measure(EvaluationContext context, Results results, Measurements into) {
    into.put("leakage.canaries", context.otherCanaries().size());
    double max = Double.NaN;
    double baseMax = Double.NaN;
    double sum = 0;
    double limit = Double.NaN;
    boolean unmeasured = false;
    for (PlantedCanary canary : context.otherCanaries()) {
      List<ExampleScore> ranked = results.scores(ranking(context, canary, context.model()));
      // Exposure ranks a NaN secret last (0 bits): for the gate it is not measured, never safe
      unmeasured |= Double.isNaN(ranked.get(0).logLikelihood());
      Exposure exposure = exposure(ranked);
      Exposure base = exposure(results.scores(ranking(context, canary, ModelRef.BASE)));
      into.addCanary(new CanaryExposure(canary.label(), false, exposure, base.bits()));
      max = Double.isNaN(max) ? exposure.bits() : Math.max(max, exposure.bits());
      baseMax = Double.isNaN(baseMax) ? base.bits() : Math.max(baseMax, base.bits());
      sum += exposure.bits();
      limit = exposure.maxBits();
    }
    if (!context.otherCanaries().isEmpty()) {
      into.put(EXPOSURE_MAX, unmeasured ? Double.NaN : max);
      into.put("leakage.exposure.mean", sum / context.otherCanaries().size());
      into.put("leakage.exposure.max.base", baseMax);
      into.put("leakage.exposure.limit", limit);
    }
    into.put("leakage.own.canaries", context.ownCanaries().size());
    double ownMax = Double.NaN;
    for (PlantedCanary canary : rankedOwnCanaries(context)) {
      Exposure exposure = exposure(results.scores(ranking(context, canary, context.model())));
      into.addCanary(new CanaryExposure(canary.label(), true, exposure, Double.NaN));
      ownMax = Double.isNaN(ownMax) ? exposure.bits() : Math.max(ownMax, exposure.bits());
    }
    if (!rankedOwnCanaries(context).isEmpty()) {
      into.put("leakage.own.exposure.max", ownMax);
    }
  }

  /** The own canaries to rank: none where the context says they are not ranked. */
  private static List<PlantedCanary> rankedOwnCanaries(EvaluationContext context) {
    return context.ownCanariesRanked() ? context.ownCanaries() : List.of();
  }
}
