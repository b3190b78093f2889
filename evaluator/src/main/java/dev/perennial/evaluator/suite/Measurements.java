package dev.perennial.evaluator.suite;

import dev.perennial.evaluator.stats.PairedItems;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the suites measured for one candidate: metrics by name, comparisons, canary exposures, the
 * held-out preference pairs' reward margins, and the paired items the statistical gates decide on
 * (by name).
 */
public final class Measurements {

  private final SortedMap<String, Double> metrics = new TreeMap<>();
  private final List<Comparison> comparisons = new ArrayList<>();
  private final List<CanaryExposure> canaries = new ArrayList<>();
  private final Map<String, PairedItems> paired = new HashMap<>();
  private double[] rewardMargins = new double[0];

  public void put(String metric, double value) {
    metrics.put(metric, value);
  }

  /** The metric, or NaN when it was not measured. */
  public double get(String metric) {
    Double value = metrics.get(metric);
    return value == null ? Double.NaN : value;
  }

  public boolean has(String metric) {
    return metrics.containsKey(metric);
  }

  /** Records the three values (under {@code metric}, {@code .incumbent} and {@code .base}). */
  public void compare(
      String metric, double candidate, double incumbent, double base, boolean higherIsBetter) {
    put(metric, candidate);
    if (!Double.isNaN(incumbent)) {
      put(metric + ".incumbent", incumbent);
    }
    if (!Double.isNaN(base)) {
      put(metric + ".base", base);
    }
    comparisons.add(new Comparison(metric, candidate, incumbent, base, higherIsBetter));
  }

  /** Item by item values of the candidate and of the model it is compared with. */
  public void putPaired(String name, PairedItems items) {
    paired.put(name, items);
  }

  public boolean hasPaired(String name) {
    return paired.containsKey(name);
  }

  /**
   * @throws IllegalArgumentException when no such items were recorded
   */
  public PairedItems paired(String name) {
    PairedItems items = paired.get(name);
    if (items == null) {
      throw new IllegalArgumentException("no paired items " + name);
    }
    return items;
  }

  /** The implicit reward margin of each held-out preference pair (the feedback suite's). */
  public void putRewardMargins(double[] margins) {
    rewardMargins = margins.clone();
  }

  /** The held-out pairs' reward margins; empty when none were measured. */
  public List<Double> rewardMargins() {
    return Arrays.stream(rewardMargins).boxed().toList();
  }

  public void addCanary(CanaryExposure canary) {
    canaries.add(canary);
  }

  /** Every metric, NaN ones included, by name. */
  public SortedMap<String, Double> metrics() {
    return Collections.unmodifiableSortedMap(metrics);
  }

  public List<Comparison> comparisons() {
    return Collections.unmodifiableList(comparisons);
  }

  public List<CanaryExposure> canaries() {
    return Collections.unmodifiableList(canaries);
  }
}
