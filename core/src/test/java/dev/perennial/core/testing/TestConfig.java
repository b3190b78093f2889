package dev.perennial.core.testing;

import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.crypto.MasterKeys;
import java.util.HashMap;
import java.util.Map;

/** Configuration values that point the code under test at the test broker and registry. */
public final class TestConfig {

  /**
   * Master keys for tests (perennial.privacy.master.keys): fixed and public, so never for real
   * data. The first wraps new data keys.
   */
  public static final String MASTER_KEYS =
      "test-1=dGVzdC1tYXN0ZXIta2V5LW9uZS0wMTIzNDU2Nzg5YWI=\n"
          + "test-0=dGVzdC1tYXN0ZXIta2V5LXplcm8tMDEyMzQ1Njc4OWE=";

  private TestConfig() {}

  /** {@link #MASTER_KEYS} parsed. */
  public static MasterKeys masterKeys() {
    return MasterKeys.parse(MASTER_KEYS);
  }

  /**
   * {@code bootstrap.servers} and {@code schema.registry.url} of the running extensions, in a
   * mutable map to add a test's own keys to (for example {@code perennial.topic.prefix}).
   */
  public static Map<String, String> values(
      KafkaClusterExtension kafka, SchemaRegistryExtension registry) {
    Map<String, String> values = new HashMap<>();
    values.put(PerennialConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    values.put(PerennialConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url());
    return values;
  }
}
