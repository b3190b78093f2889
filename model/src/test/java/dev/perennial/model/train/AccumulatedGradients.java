package dev.perennial.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;

/**
 * Two passes' gradients compared through accumulation: the parameters' gradients after a first
 * pass, then after a second pass added its own to them.
 */
final class AccumulatedGradients {

  private final List<Parameter> parameters;
  private final List<float[]> first;

  /** Reads the gradients the first pass left in {@code parameters}. */
  AccumulatedGradients(List<Parameter> parameters) {
    this.parameters = parameters;
    this.first = read(parameters);
  }

  /**
   * Asserts that the second pass (already run) added the first pass's gradient again, every value
   * within {@code tolerance}, and that the gradients are not all near zero (or the comparison would
   * prove nothing).
   */
  void assertSecondPassAddedTheSame(float tolerance) {
    List<float[]> accumulated = read(parameters);
    double largest = 0;
    for (int p = 0; p < first.size(); p++) {
      float[] once = first.get(p);
      float[] both = accumulated.get(p);
      for (int i = 0; i < once.length; i++) {
        largest = Math.max(largest, Math.abs(once[i]));
        assertThat(both[i] - once[i]).isCloseTo(once[i], within(tolerance));
      }
    }
    assertThat(largest).isGreaterThan(1e-3);
  }

  private static List<float[]> read(List<Parameter> parameters) {
    List<float[]> values = new ArrayList<>();
    for (Parameter parameter : parameters) {
      values.add(parameter.getArray().getGradient().toFloatArray());
    }
    return values;
  }
}
