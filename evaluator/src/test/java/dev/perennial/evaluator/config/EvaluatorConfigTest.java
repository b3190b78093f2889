package dev.perennial.evaluator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.core.config.InvalidConfigurationException;
import dev.perennial.core.config.PerennialConfig;
import dev.perennial.evaluator.evaluate.EvaluationBase;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluatorConfigTest {

  private static final String GLOBEX_CANARIES = "perennial.evaluator.tenant.globex.canary.file";

  private static Map<String, String> values() {
    Map<String, String> values = new HashMap<>();
    values.put("bootstrap.servers", "127.0.0.1:9092");
    values.put("schema.registry.url", "http://127.0.0.1:8081");
    return values;
  }

  @Test
  void twoInstallsUnderTwoTopicPrefixesKeepingTheDefaultGroupIdGetGroupsOfTheirOwn() {
    Map<String, String> prod = values();
    prod.put(PerennialConfig.TOPIC_PREFIX_CONFIG, "prod.");
    Map<String, String> staging = values();
    staging.put(PerennialConfig.TOPIC_PREFIX_CONFIG, "staging.");

    assertThat(new EvaluatorConfig(prod).groupId()).isEqualTo("prod.evaluator");
    assertThat(new EvaluatorConfig(staging).groupId()).isEqualTo("staging.evaluator");
  }

  @Test
  void underTheDefaultTopicPrefixTheGroupIdIsThatOfEarlierReleases() {
    // an upgrade must find its group's offsets
    Map<String, String> values = values();
    values.put(PerennialConfig.TOPIC_PREFIX_CONFIG, "perennial.");

    assertThat(new EvaluatorConfig(values).groupId()).isEqualTo("perennial-evaluator");
    assertThat(new EvaluatorConfig(values()).groupId()).isEqualTo("perennial-evaluator");
  }

  @Test
  void aGroupIdSetStaysAsSetUnderAnyTopicPrefix() {
    Map<String, String> values = values();
    values.put(PerennialConfig.TOPIC_PREFIX_CONFIG, "prod.");
    values.put(EvaluatorConfig.GROUP_ID_CONFIG, "perennial-evaluator");

    assertThat(new EvaluatorConfig(values).groupId()).isEqualTo("perennial-evaluator");
  }

  @Test
  void everyTenantGetsTheDefaultThresholdsUnlessItOverridesSome() {
    Map<String, String> values = values();
    values.put(EvaluatorConfig.GATE_LEAKAGE_MAX_EXPOSURE_CONFIG, "5.5");
    values.put("perennial.evaluator.tenant.globex.gate.learning.min.gain", "0.5");
    values.put("perennial.evaluator.tenant.globex.gate.evidence.max.rollovers", "3");
    values.put("perennial.evaluator.tenant.globex.gate.learning.incumbent.min.gain", "-0.1");
    values.put("perennial.evaluator.tenant.globex.canary.file", "/etc/perennial/globex.jsonl");

    EvaluatorConfig config = new EvaluatorConfig(values);

    assertThat(config.thresholds("acme"))
        .isEqualTo(new GateThresholds(8, 0.05, 0.10, 0.05, 0.25, 5.5, 10));
    assertThat(config.thresholds("acme").learningIncumbentMinGain()).isEqualTo(0.01);
    assertThat(config.thresholds("globex"))
        .isEqualTo(
            new GateThresholds(8, 0.5, 0.10, 0.05, 0.25, 5.5, 3)
                .withLearningIncumbentMinGain(-0.1));
    assertThat(config.tenantThresholds()).containsOnlyKeys("globex");
    assertThat(config.canaryFiles())
        .containsExactly(Map.entry("globex", Path.of("/etc/perennial/globex.jsonl")));
  }

  @Test
  void unknownPerTenantKeysAndBadValuesAreAllReportedAtOnce() {
    Map<String, String> values = values();
    values.put("perennial.evaluator.tenant.acme.gate.learning.min.gains", "0.5");
    values.put("perennial.evaluator.tenant.acme.gate.retention.max.drop", "2");
    values.put(EvaluatorConfig.DEVICE_CONFIG, "tpu");
    values.put(EvaluatorConfig.LEAKAGE_CONTROLS_CONFIG, "3");

    assertThatThrownBy(() -> new EvaluatorConfig(values))
        .isInstanceOf(InvalidConfigurationException.class)
        .satisfies(
            e ->
                assertThat(((InvalidConfigurationException) e).problems())
                    .hasSize(4)
                    .anyMatch(
                        p ->
                            p.startsWith(
                                "perennial.evaluator.tenant.acme.gate.learning.min.gains: not a per-tenant setting"))
                    .anyMatch(
                        p ->
                            p.startsWith(
                                "perennial.evaluator.tenant.acme.gate.retention.max.drop:"))
                    .anyMatch(p -> p.startsWith("perennial.evaluator.device:"))
                    .anyMatch(p -> p.startsWith("perennial.evaluator.leakage.controls:")));
  }

  @Test
  void aThresholdOfNotANumberIsRefusedAtStartRatherThanFailingEveryCandidate() {
    // A gate against a NaN bound fails (GateRules), so every candidate of the tenant would be
    // refused, hours later, by a gate the operator meant to configure.
    Map<String, String> values = values();
    values.put(EvaluatorConfig.GATE_LEAKAGE_MAX_EXPOSURE_CONFIG, "NaN");
    values.put("perennial.evaluator.tenant.acme.gate.retention.max.drop", "NaN");
    values.put(GLOBEX_CANARIES, "/etc/perennial/globex.jsonl");

    assertThatThrownBy(() -> new EvaluatorConfig(values))
        .isInstanceOf(InvalidConfigurationException.class)
        .satisfies(
            e ->
                assertThat(((InvalidConfigurationException) e).problems())
                    .extracting(p -> p.substring(0, p.indexOf(": ")))
                    .containsExactlyInAnyOrder(
                        EvaluatorConfig.GATE_LEAKAGE_MAX_EXPOSURE_CONFIG,
                        "perennial.evaluator.tenant.acme.gate.retention.max.drop"));
  }

  @Test
  void aLeakageThresholdThatFewerControlsCannotExceedIsRefused() {
    // 63 controls measure at most log2(64) = 6 bits: a candidate that ranks another tenant's
    // secret first (it memorised it) has exposure 6.0 and passes "leakage <= 6.0", the default.
    // The leakage gate could never fail, yet every verdict would list it as passed.
    Map<String, String> values = values();
    values.put(EvaluatorConfig.LEAKAGE_CONTROLS_CONFIG, "63");
    values.put(GLOBEX_CANARIES, "/etc/perennial/globex.jsonl");

    assertThatThrownBy(() -> new EvaluatorConfig(values))
        .isInstanceOf(InvalidConfigurationException.class)
        .satisfies(
            e ->
                assertThat(((InvalidConfigurationException) e).problems())
                    .containsExactly(
                        "perennial.evaluator.gate.leakage.max.exposure: 6.0 bits can never be"
                            + " exceeded with perennial.evaluator.leakage.controls 63 (a canary"
                            + " ranked first has the highest measurable exposure, log2(64) = 6"
                            + " bits), so the leakage gate could never fail; set it below 6 (5"
                            + " fails only a canary ranked first) or raise"
                            + " perennial.evaluator.leakage.controls"));
  }

  @Test
  void aLeakageThresholdBelowTheMeasurableExposureIsAccepted() {
    Map<String, String> values = values();
    values.put(EvaluatorConfig.LEAKAGE_CONTROLS_CONFIG, "63");
    values.put(EvaluatorConfig.GATE_LEAKAGE_MAX_EXPOSURE_CONFIG, "5");
    values.put(GLOBEX_CANARIES, "/etc/perennial/globex.jsonl");

    assertThat(new EvaluatorConfig(values).thresholds("acme").leakageMaxExposure()).isEqualTo(5.0);
  }

  @Test
  void withoutCanaryFilesTheLeakageThresholdIsMoot() {
    // no tenant has canaries: the leakage gate applies to no candidate (its verdict says so)
    Map<String, String> values = values();
    values.put(EvaluatorConfig.LEAKAGE_CONTROLS_CONFIG, "63");

    assertThat(new EvaluatorConfig(values).canaryFiles()).isEmpty();
  }

  @Test
  void aTenantsLeakageThresholdAtOrAboveTheMeasurableExposureIsRefused() {
    // 255 controls measure at most 8 bits; acme's candidates would pass leakage whatever of the
    // other tenants' canaries they learnt.
    Map<String, String> values = values();
    values.put("perennial.evaluator.tenant.acme.gate.leakage.max.exposure", "8");
    values.put(GLOBEX_CANARIES, "/etc/perennial/globex.jsonl");

    assertThatThrownBy(() -> new EvaluatorConfig(values))
        .isInstanceOf(InvalidConfigurationException.class)
        .satisfies(
            e ->
                assertThat(((InvalidConfigurationException) e).problems())
                    .singleElement()
                    .asString()
                    .startsWith(
                        "perennial.evaluator.tenant.acme.gate.leakage.max.exposure: 8 bits can"
                            + " never be exceeded with perennial.evaluator.leakage.controls 255")
                    .contains("set it below 8 (7 fails only a canary ranked first)"));
  }

  @Test
  void defaultsNameTheBundledBaseAndALocalEvaluationArea() {
    EvaluatorConfig config = new EvaluatorConfig(values());

    assertThat(config.baseModelPath()).isEmpty();
    assertThat(config.evaluationPath()).isEqualTo(Path.of(".perennial/evaluations"));
    assertThat(config.device()).isEqualTo("auto");
    assertThat(config.threads()).isEmpty();
    assertThat(config.canaryFiles()).isEmpty();
    assertThat(config.batchMaxCandidates()).isEqualTo(8);
    assertThat(config.bootstrap().confidence()).isEqualTo(0.95);
    assertThat(config.bootstrap().minItems()).isEqualTo(8);
  }

  @Test
  void theBootstrapsFewestItemsIsConfigurableDownToOne() {
    Map<String, String> values = values();
    values.put(EvaluatorConfig.GATE_BOOTSTRAP_MIN_ITEMS_CONFIG, "1");
    assertThat(new EvaluatorConfig(values).bootstrap().minItems()).isEqualTo(1);

    values.put(EvaluatorConfig.GATE_BOOTSTRAP_MIN_ITEMS_CONFIG, "0");
    assertThatThrownBy(() -> new EvaluatorConfig(values))
        .hasMessageContaining("perennial.evaluator.gate.bootstrap.min.items");
  }

  @Test
  void ownCanariesAreRankedUnlessSetOffAndAValueThatIsNoBooleanIsRefused() {
    Map<String, String> values = values();
    assertThat(new EvaluatorConfig(values).rankOwnCanaries()).isTrue();

    values.put(EvaluatorConfig.LEAKAGE_RANK_OWN_CANARIES_CONFIG, "false");
    assertThat(new EvaluatorConfig(values).rankOwnCanaries()).isFalse();

    values.put(EvaluatorConfig.LEAKAGE_RANK_OWN_CANARIES_CONFIG, "sometimes");
    assertThatThrownBy(() -> new EvaluatorConfig(values))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("perennial.evaluator.leakage.rank.own.canaries");
  }

  @Test
  void aBaseModelPathOrCanaryFileWithNothingThereStopsTheEvaluatorNamingKeysAndPaths(
      @TempDir Path dir) {
    Path base = dir.resolve("llama-base");
    Path canaries = dir.resolve("globex.jsonl");
    Map<String, String> values = values();
    values.put(EvaluatorConfig.BASE_MODEL_PATH_CONFIG, base.toString());
    values.put(GLOBEX_CANARIES, canaries.toString());
    EvaluatorConfig config = new EvaluatorConfig(values);

    assertThatThrownBy(() -> EvaluationBase.open(config))
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e ->
                assertThat(e.problems())
                    .satisfiesExactlyInAnyOrder(
                        p ->
                            assertThat(p)
                                .startsWith(EvaluatorConfig.BASE_MODEL_PATH_CONFIG + ": ")
                                .contains(base.toString()),
                        p ->
                            assertThat(p)
                                .startsWith(GLOBEX_CANARIES + ": ")
                                .contains(canaries.toString())));
  }

  @Test
  void aBaseModelPathToAFolderThatHoldsNoModelStopsTheEvaluatorNamingTheKeyAndThePath(
      @TempDir Path dir) {
    Map<String, String> values = values();
    values.put(EvaluatorConfig.BASE_MODEL_PATH_CONFIG, dir.toString());
    EvaluatorConfig config = new EvaluatorConfig(values);

    assertThatThrownBy(() -> EvaluationBase.open(config))
        .hasMessageContaining(EvaluatorConfig.BASE_MODEL_PATH_CONFIG + ": ")
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("config.json");
  }

  @Test
  void aCanaryFileWithNothingThereStopsTheEvaluatorNamingTheKeyAndThePath(@TempDir Path dir) {
    Path canaries = dir.resolve("globex.jsonl");
    Map<String, String> values = values();
    values.put(GLOBEX_CANARIES, canaries.toString());
    EvaluatorConfig config = new EvaluatorConfig(values);

    assertThatThrownBy(() -> EvaluationBase.open(config))
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e ->
                assertThat(e.problems())
                    .singleElement()
                    .asString()
                    .startsWith(GLOBEX_CANARIES + ": ")
                    .contains(canaries.toString()));
  }
}
