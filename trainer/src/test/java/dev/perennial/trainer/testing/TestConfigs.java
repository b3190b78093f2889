package dev.perennial.trainer.testing;

import dev.perennial.core.config.MasterKeySettings;
import dev.perennial.core.testing.TestConfig;
import dev.perennial.trainer.config.TrainerConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Trainer configuration values for tests: a tiny recipe on the bundled base, on CPU. */
public final class TestConfigs {

  private TestConfigs() {}

  /**
   * Placeholder broker and registry (for tests without Kafka), the store, work and base folders
   * under {@code folder} (a {@link TestBase}), and a recipe of a few short steps.
   */
  public static Map<String, String> tinyRecipe(Path folder) {
    Map<String, String> values = new HashMap<>();
    values.put("bootstrap.servers", "127.0.0.1:9");
    values.put("schema.registry.url", "http://127.0.0.1:9");
    values.put(MasterKeySettings.MASTER_KEYS_CONFIG, TestConfig.MASTER_KEYS);
    values.put(TrainerConfig.ARTIFACT_STORE_PATH_CONFIG, folder.resolve("store").toString());
    values.put(TrainerConfig.WORKER_WORK_DIR_CONFIG, folder.resolve("work").toString());
    values.put(TrainerConfig.WORKER_DEVICE_CONFIG, "cpu");
    values.put(TrainerConfig.RECIPE_EPOCHS_CONFIG, "2");
    values.put(TrainerConfig.RECIPE_MAX_STEPS_CONFIG, "6");
    values.put(TrainerConfig.RECIPE_BATCH_SIZE_CONFIG, "4");
    values.put(TrainerConfig.RECIPE_WARMUP_STEPS_CONFIG, "1");
    values.put(TrainerConfig.RECIPE_MAX_SEQUENCE_LENGTH_CONFIG, "64");
    values.put(TrainerConfig.RECIPE_THREADS_CONFIG, "1");
    values.put(TrainerConfig.LORA_RANK_CONFIG, "4");
    values.put(TrainerConfig.LORA_TARGET_MODULES_CONFIG, "q,v");
    values.put(TrainerConfig.REPLAY_POOL_SIZE_CONFIG, "16");
    values.put(TrainerConfig.HTTP_PORT_CONFIG, "0");
    values.put(
        TrainerConfig.BASE_MODEL_PATH_CONFIG, TestBase.write(folder.resolve("base")).toString());
    values.put(TrainerConfig.BASE_MODEL_NAME_CONFIG, TestBase.NAME);
    return values;
  }
}
