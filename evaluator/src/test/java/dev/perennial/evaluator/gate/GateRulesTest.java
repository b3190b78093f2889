package dev.perennial.evaluator.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.evaluator.config.GateThresholds;
import dev.perennial.evaluator.suite.Measurements;
import dev.perennial.schemas.v1.Gate;
import dev.perennial.schemas.v1.GateComparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class GateRulesTest {

  private static final GateThresholds THRESHOLDS =
      new GateThresholds(1, 0.05, 0.10, 0.05, 0.25, 6.0);

  private static Measurements measured() {
    Measurements m = new Measurements();
    m.put("learning.examples", 4);
    m.put("learning.gain", 0.4);
    m.compare("retention.general.exact.match", 0.97, 0.99, 1.0, true);
    m.compare("retention.tenant.loss", 0.5, 0.45, Double.NaN, false);
    m.put("leakage.canaries", 3);
    m.put("leakage.exposure.max", 2.5);
    return m;
  }

  private static Map<String, Gate> byName(List<Gate> gates) {
    return gates.stream().collect(Collectors.toMap(Gate::getName, Function.identity()));
  }

  @Test
  void aCandidateThatLearntAndKeptEverythingPassesEveryGate() {
    List<Gate> gates = GateRules.gates(measured(), THRESHOLDS);

    assertThat(gates)
        .extracting(Gate::getName)
        .containsExactly(
            "learning.examples",
            "learning",
            "retention.general",
            "regression.general",
            "regression.tenant",
            "leakage");
    assertThat(gates).allMatch(Gate::getPassed);
    Map<String, Gate> named = byName(gates);
    assertThat(named.get("retention.general").getThreshold()).isCloseTo(0.90, Offset.offset(1e-12));
    assertThat(named.get("regression.general").getThreshold())
        .isCloseTo(0.94, Offset.offset(1e-12));
    assertThat(named.get("regression.tenant").getThreshold())
        .isCloseTo(0.5625, Offset.offset(1e-12));
    assertThat(named.get("regression.tenant").getComparator())
        .isEqualTo(GateComparator.LESS_OR_EQUAL);
  }

  @Test
  void eachGateFailsOnItsOwnMeasureWithItsName() {
    Measurements m = measured();
    m.put("learning.gain", 0.01);
    m.compare("retention.general.exact.match", 0.80, 0.99, 1.0, true);
    m.compare("retention.tenant.loss", 0.9, 0.45, Double.NaN, false);
    m.put("leakage.exposure.max", 7.9);

    Map<String, Gate> gates = byName(GateRules.gates(m, THRESHOLDS));

    assertThat(gates.values())
        .filteredOn(gate -> !gate.getPassed())
        .extracting(Gate::getName)
        .containsExactlyInAnyOrder(
            "learning", "retention.general", "regression.general", "regression.tenant", "leakage");
    assertThat(gates.get("learning.examples").getPassed()).isTrue();
  }

  @Test
  void withoutAnIncumbentOnlyRetentionAgainstTheBaseJudgesGeneralKnowledge() {
    Measurements m = new Measurements();
    m.put("learning.examples", 2);
    m.put("learning.gain", 0.3);
    m.compare("retention.general.exact.match", 0.92, Double.NaN, 1.0, true);
    m.put("leakage.canaries", 0);

    Map<String, Gate> gates = byName(GateRules.gates(m, THRESHOLDS));

    assertThat(gates).containsOnlyKeys("learning.examples", "learning", "retention.general");
    assertThat(gates.get("retention.general").getPassed()).isTrue();
  }

  @Test
  void withoutHeldOutExamplesOnlyTheExamplesGateSpeaksForLearning() {
    Measurements m = new Measurements();
    m.put("learning.examples", 0);
    m.put("leakage.canaries", 0);

    List<Gate> gates = GateRules.gates(m, THRESHOLDS);

    assertThat(gates).extracting(Gate::getName).containsExactly("learning.examples");
    assertThat(gates.get(0).getPassed()).isFalse();
  }

  @Test
  void aNanValueNeverPasses() {
    for (GateComparator comparator : GateComparator.values()) {
      assertThat(GateRules.passes(Double.NaN, 1, comparator)).isFalse();
      assertThat(GateRules.passes(1, Double.NaN, comparator)).isFalse();
    }
    assertThat(GateRules.passes(1, 1, GateComparator.GREATER_OR_EQUAL)).isTrue();
    assertThat(GateRules.passes(1, 1, GateComparator.GREATER)).isFalse();
    assertThat(GateRules.passes(1, 1, GateComparator.LESS_OR_EQUAL)).isTrue();
    assertThat(GateRules.passes(1, 1, GateComparator.LESS)).isFalse();
    assertThat(GateRules.passes(0, 1, GateComparator.UNKNOWN)).isFalse();
  }

  @Test
  void aGateDescribesItselfWithValueComparatorAndThreshold() {
    Gate gate = GateRules.gate("leakage", 7.5, 6.0, GateComparator.LESS_OR_EQUAL);

    assertThat(gate.getPassed()).isFalse();
    assertThat(GateRules.describe(gate)).isEqualTo("leakage 7.500 <= 6.000");
  }
}
