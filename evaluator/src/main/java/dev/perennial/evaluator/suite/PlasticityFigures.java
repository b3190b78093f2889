package dev.perennial.evaluator.suite;

import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.Lineage;
import dev.perennial.schemas.v1.Plasticity;

/**
 * The trainer's plasticity monitor as the verdict's metrics carry it ({@code plasticity.*}): the
 * key's update number, the candidate's learning gain, its fresh-adapter control's gain and their
 * ratio (on updates with a control), whether a refresh is due or was made, the mean effective rank
 * of B·A and the weight and change norms. No gate reads them: they describe how much room the
 * adapter has left, not whether it may be released.
 */
public final class PlasticityFigures {

  public static final String PREFIX = "plasticity.";

  private PlasticityFigures() {}

  /** Puts the candidate's figures, when its lineage has them. */
  public static void put(AdapterCandidate candidate, Measurements into) {
    Lineage lineage = candidate.getLineage();
    if (lineage == null || lineage.getPlasticity() == null) {
      return;
    }
    Plasticity p = lineage.getPlasticity();
    into.put(PREFIX + "update", p.getUpdate());
    putIfSet(into, "learning.gain", p.getLearningGain());
    putIfSet(into, "control.gain", p.getControlGain());
    putIfSet(into, "gain.ratio", p.getGainRatio());
    into.put(PREFIX + "refresh.due", p.getRefreshDue() ? 1 : 0);
    into.put(PREFIX + "refreshed", lineage.getRefresh() != null ? 1 : 0);
    into.put(PREFIX + "effective.rank", p.getEffectiveRank());
    into.put(PREFIX + "weight.norm", p.getWeightNorm());
    into.put(PREFIX + "product.norm", p.getProductNorm());
  }

  private static void putIfSet(Measurements into, String name, Double value) {
    if (value != null) {
      into.put(PREFIX + name, value);
    }
  }
}
