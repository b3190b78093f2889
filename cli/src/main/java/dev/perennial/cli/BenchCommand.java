package dev.perennial.cli;

import dev.perennial.core.config.ConfigLoader;
import dev.perennial.core.config.PerennialConfig;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code perennial bench}: benchmarks that print figures. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks that print figures (nothing is asserted).",
    subcommands = {
      BenchModelCommand.class,
      BenchIngestCommand.class,
      BenchPiiCommand.class,
      BenchTrainerCommand.class,
      BenchEvaluatorCommand.class,
      BenchUpgradeCommand.class,
      BenchContinualCommand.class
    })
public final class BenchCommand extends GroupCommand {

  /**
   * The configuration a benchmark reads ({@code configFile}, may be null, then the environment),
   * with stand-in broker and registry addresses: benchmarks talk to neither, the addresses only
   * satisfy validation.
   */
  static Map<String, String> offlineValues(Path configFile) {
    Map<String, String> values = ConfigLoader.load(configFile);
    values.putIfAbsent(PerennialConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
    values.putIfAbsent(PerennialConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://127.0.0.1:8081");
    return values;
  }
}
