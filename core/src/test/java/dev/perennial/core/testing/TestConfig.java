package dev.perennial.core.testing;

import dev.perennial.core.config.PerennialConfig;
import java.util.HashMap;
import java.util.Map;

/** Configuration values that point the code under test at the test broker and registry. */
public final class TestConfig {

  private TestConfig() {}

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
