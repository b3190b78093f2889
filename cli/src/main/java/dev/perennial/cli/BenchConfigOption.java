package dev.perennial.cli;

import dev.perennial.core.config.ConfigLoader;
import dev.perennial.core.config.PerennialConfig;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** The {@code --config} option of the benchmarks that measure a service's settings. */
final class BenchConfigOption {

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Properties file with the settings to measure (the services' keys: perennial.trainer.*"
              + " for the base model and recipe, perennial.evaluator.* for the evaluator's); the"
              + " services' defaults otherwise.")
  Path file;

  /**
   * The configuration a benchmark reads (the file, if given, under the environment's overrides),
   * with stand-in broker and registry addresses: benchmarks talk to neither, the addresses only
   * satisfy validation.
   */
  Map<String, String> offlineValues() {
    Map<String, String> values = ConfigLoader.load(file);
    values.putIfAbsent(PerennialConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
    values.putIfAbsent(PerennialConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://127.0.0.1:8081");
    return values;
  }
}
