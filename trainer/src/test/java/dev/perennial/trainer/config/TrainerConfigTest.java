package dev.perennial.trainer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.core.config.InvalidConfigurationException;
import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.config.StreamsSettings;
import dev.perennial.trainer.worker.BaseModelSource;
import dev.perennial.trainer.worker.JobRecipe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerConfigTest {

  private static Map<String, String> values() {
    Map<String, String> values = new HashMap<>();
    values.put("bootstrap.servers", "localhost:9092");
    values.put("schema.registry.url", "http://localhost:8081");
    return values;
  }

  @Test
  void twoInstallsUnderTwoTopicPrefixesKeepingTheDefaultIdsGetIdsOfTheirOwn() {
    Map<String, String> prod = values();
    prod.put(PerennialConfig.TOPIC_PREFIX_CONFIG, "prod.");
    Map<String, String> staging = values();
    staging.put(PerennialConfig.TOPIC_PREFIX_CONFIG, "staging.");

    assertThat(new TrainerConfig(prod).accumulatorApplicationId())
        .isEqualTo("prod.trainer-accumulator");
    assertThat(new TrainerConfig(prod).workerGroupId()).isEqualTo("prod.trainer-worker");
    assertThat(new TrainerConfig(staging).accumulatorApplicationId())
        .isEqualTo("staging.trainer-accumulator");
    assertThat(new TrainerConfig(staging).workerGroupId()).isEqualTo("staging.trainer-worker");
  }

  @Test
  void underTheDefaultTopicPrefixTheIdsAreThoseOfEarlierReleases() {
    // an upgrade must find its groups' offsets and the accumulator's state stores
    Map<String, String> values = values();
    values.put(PerennialConfig.TOPIC_PREFIX_CONFIG, "perennial.");

    for (TrainerConfig config : List.of(new TrainerConfig(values), new TrainerConfig(values()))) {
      assertThat(config.accumulatorApplicationId()).isEqualTo("perennial-trainer-accumulator");
      assertThat(config.workerGroupId()).isEqualTo("perennial-trainer-worker");
    }
  }

  @Test
  void idsSetStayAsSetUnderAnyTopicPrefix() {
    Map<String, String> values = values();
    values.put(PerennialConfig.TOPIC_PREFIX_CONFIG, "prod.");
    values.put(TrainerConfig.ACCUMULATOR_APPLICATION_ID_CONFIG, "perennial-trainer-accumulator");
    values.put(TrainerConfig.WORKER_GROUP_ID_CONFIG, "acme-workers");

    TrainerConfig config = new TrainerConfig(values);

    assertThat(config.accumulatorApplicationId()).isEqualTo("perennial-trainer-accumulator");
    assertThat(config.workerGroupId()).isEqualTo("acme-workers");
  }

  @Test
  void tenantsWithoutOverridesGetTheDefaultTriggers() {
    TrainerConfig config = new TrainerConfig(values());

    assertThat(config.triggers("acme"))
        .isEqualTo(new TriggerSettings(64, 32_768, Duration.ofHours(1)));
    assertThat(config.heldOutFraction()).isEqualTo(0.1);
  }

  @Test
  void aTenantOverridesSomeTriggersAndKeepsTheDefaultsForTheRest() {
    Map<String, String> values = values();
    values.put("perennial.trainer.trigger.min.examples", "10");
    values.put("perennial.trainer.tenant.acme.trigger.min.tokens", "500");
    values.put("perennial.trainer.tenant.acme.corp.trigger.max.wait.ms", "2000");

    TrainerConfig config = new TrainerConfig(values);

    assertThat(config.triggers("acme"))
        .isEqualTo(new TriggerSettings(10, 500, Duration.ofHours(1)));
    assertThat(config.triggers("acme.corp"))
        .isEqualTo(new TriggerSettings(10, 32_768, Duration.ofSeconds(2)));
    assertThat(config.triggers("globex")).isEqualTo(config.defaultTriggers());
    assertThat(config.tenantTriggers()).containsOnlyKeys("acme", "acme.corp");
  }

  @Test
  void aProducerRequestSizeThatIsNoNumberIsAProblemNamingItsKey() {
    // The accumulator sizes its events from the producer's max.request.size (AccumulatorSettings),
    // which Streams reads producer-prefixed first.
    Map<String, String> values = values();
    values.put("max.request.size", "1mb");
    values.put("producer.max.request.size", "2MiB");

    assertThatThrownBy(() -> new TrainerConfig(values))
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e ->
                assertThat(e.problems())
                    .extracting(p -> p.substring(0, p.indexOf(": ")))
                    .containsExactlyInAnyOrder("max.request.size", "producer.max.request.size"));
  }

  @Test
  void audit_aRequestSizeThatLeavesARecordNoRoomBeyondItsOverheadIsAProblemNamingItsKey() {
    // Both stages size their records from it less 1 KiB of overhead (RecordBudget): at 1000 (a
    // size meant in KiB, say) every example would be skipped as too large and every job stop the
    // worker, instead of the configuration being refused at start.
    Map<String, String> values = values();
    values.put("producer.max.request.size", "1000");

    assertThatThrownBy(() -> new TrainerConfig(values))
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e ->
                assertThat(e.problems())
                    .singleElement()
                    .satisfies(
                        p ->
                            assertThat(p)
                                .startsWith("producer.max.request.size: ")
                                .contains("1024")));
  }

  @Test
  void everyBadValueAndUnknownTenantKeyIsReportedAtOnce() {
    Map<String, String> values = values();
    values.put("perennial.trainer.trigger.min.examples", "0");
    values.put("perennial.trainer.held.out.fraction", "0.9");
    values.put("perennial.trainer.tenant.acme.trigger.min.tokens", "lots");
    values.put("perennial.trainer.tenant.acme.trigger.min.exampels", "5");

    assertThatThrownBy(() -> new TrainerConfig(values))
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e ->
                assertThat(e.problems())
                    .hasSize(4)
                    .anySatisfy(
                        p -> assertThat(p).startsWith("perennial.trainer.trigger.min.examples"))
                    .anySatisfy(
                        p -> assertThat(p).startsWith("perennial.trainer.held.out.fraction"))
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .startsWith("perennial.trainer.tenant.acme.trigger.min.tokens"))
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .startsWith("perennial.trainer.tenant.acme.trigger.min.exampels")
                                .contains("not a per-tenant setting")));
  }

  @Test
  void theAccumulatorsFailedStreamsClientIsGivenFiveSecondsToCloseUnlessConfigured() {
    assertThat(StreamsSettings.failedCloseTimeout(new TrainerConfig(values())))
        .isEqualTo(Duration.ofSeconds(5));
    Map<String, String> values = values();
    values.put("perennial.streams.failed.close.timeout.ms", "-1");

    assertThatThrownBy(() -> new TrainerConfig(values))
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e ->
                assertThat(e.problems())
                    .singleElement()
                    .asString()
                    .startsWith("perennial.streams.failed.close.timeout.ms: "));
  }

  /**
   * "1e400" parses as a DOUBLE to Infinity, which passes an open-ended range ({@code atLeast}): an
   * infinite LoRA scale or weight decay would turn the first job's weights to NaN hours later, an
   * infinite retry growth would never re-plan a REBASE job, instead of the worker failing at start.
   */
  @Test
  void anInfiniteDecimalIsAProblemNamingItsKeyThoughItPassesTheKeysRange() {
    Map<String, String> values = values();
    values.put(TrainerConfig.LORA_ALPHA_CONFIG, "1e400");
    values.put(TrainerConfig.RECIPE_WEIGHT_DECAY_CONFIG, "Infinity");
    values.put(TrainerConfig.REBASE_RETRY_GROWTH_CONFIG, "+1E400");

    assertThatThrownBy(() -> new TrainerConfig(values))
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e ->
                assertThat(e.problems())
                    .satisfiesExactlyInAnyOrder(
                        p ->
                            assertThat(p)
                                .startsWith(TrainerConfig.LORA_ALPHA_CONFIG + ": ")
                                .contains("1e400")
                                .contains("finite"),
                        p ->
                            assertThat(p)
                                .startsWith(TrainerConfig.RECIPE_WEIGHT_DECAY_CONFIG + ": ")
                                .contains("Infinity"),
                        p ->
                            assertThat(p)
                                .startsWith(TrainerConfig.REBASE_RETRY_GROWTH_CONFIG + ": ")
                                .contains("+1E400")));
  }

  @Test
  void aBaseModelPathWithNoFolderThereStopsTheWorkerNamingTheKeyAndThePath(@TempDir Path dir) {
    Path missing = dir.resolve("llama-base");
    Map<String, String> values = values();
    values.put(TrainerConfig.BASE_MODEL_PATH_CONFIG, missing.toString());
    TrainerConfig config = new TrainerConfig(values);

    assertThatThrownBy(() -> BaseModelSource.openBase(config))
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e ->
                assertThat(e.problems())
                    .singleElement()
                    .asString()
                    .startsWith(TrainerConfig.BASE_MODEL_PATH_CONFIG + ": ")
                    .contains(missing.toString()));
  }

  @Test
  void aBaseModelPathToAFolderThatHoldsNoModelStopsTheWorkerNamingTheKeyAndThePath(
      @TempDir Path dir) {
    Map<String, String> values = values();
    values.put(TrainerConfig.BASE_MODEL_PATH_CONFIG, dir.toString());
    TrainerConfig config = new TrainerConfig(values);

    assertThatThrownBy(() -> BaseModelSource.openBase(config))
        .hasMessageContaining(TrainerConfig.BASE_MODEL_PATH_CONFIG + ": ")
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("config.json");
  }

  /**
   * vLLM refuses an adapter whose r exceeds its --max-lora-rank ({@code PEFTHelper.validate_legal},
   * vllm-project/vllm {@code vllm/lora/peft_helper.py}), and the largest --max-lora-rank it takes
   * is 512 ({@code MaxLoRARanks = Literal[1, 8, 16, 32, 64, 128, 256, 320, 512]}, {@code
   * vllm/config/lora.py}): a fresh adapter of a larger rank would be released and never load there.
   */
  @Test
  void aLoraRankAboveVllmsLargestMaxLoraRankIsAProblemNamingItsKey() {
    Map<String, String> values = values();
    values.put(TrainerConfig.LORA_RANK_CONFIG, "512");
    assertThat(new TrainerConfig(values).getInt(TrainerConfig.LORA_RANK_CONFIG)).isEqualTo(512);
    values.put(TrainerConfig.LORA_RANK_CONFIG, "513");

    assertThatThrownBy(() -> new TrainerConfig(values))
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e ->
                assertThat(e.problems())
                    .singleElement()
                    .asString()
                    .startsWith(TrainerConfig.LORA_RANK_CONFIG + ": "));
  }

  @Test
  void noLoraTargetModuleIsAProblemNamingItsKey() {
    Map<String, String> values = values();
    values.put(TrainerConfig.LORA_TARGET_MODULES_CONFIG, "");

    // before the fix the worker stopped building its recipe with "invalid LoRA config"
    assertThatThrownBy(() -> JobRecipe.from(new TrainerConfig(values)))
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e ->
                assertThat(e.problems())
                    .singleElement()
                    .asString()
                    .startsWith(TrainerConfig.LORA_TARGET_MODULES_CONFIG + ": "));
  }
}
