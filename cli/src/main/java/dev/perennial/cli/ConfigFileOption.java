package dev.perennial.cli;

import dev.perennial.core.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** The {@code --config} option of the commands that read Perennial's configuration as it is. */
final class ConfigFileOption {

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Properties file; PERENNIAL_* environment variables override it.")
  Path file;

  /** The configuration's values: the file, if given, under the environment's overrides. */
  Map<String, String> values() {
    return ConfigLoader.load(file);
  }
}
