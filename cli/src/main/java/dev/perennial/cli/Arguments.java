package dev.perennial.cli;

import dev.perennial.publisher.config.PublisherConfig;
import dev.perennial.schemas.key.AdapterKey;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Parsing of the arguments the release commands share, with picocli's usage errors. */
final class Arguments {

  private static final Pattern VERSION = Pattern.compile("^v?([1-9][0-9]{0,8})$");

  private Arguments() {}

  static AdapterKey adapterKey(CommandSpec spec, String text) {
    try {
      return AdapterKey.parse(text);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** {@code 3} or {@code v3}; empty for anything else (an alias). */
  static Optional<Integer> version(String text) {
    Matcher matcher = VERSION.matcher(text);
    return matcher.matches() ? Optional.of(Integer.parseInt(matcher.group(1))) : Optional.empty();
  }

  /**
   * The release area: {@code option} ({@code --release-path}) when given, else {@value
   * PublisherConfig#RELEASE_PATH_CONFIG} from the configuration, checked as the publisher checks
   * it. A blank one is refused (a usage error for the option, a configuration problem naming the
   * key): {@code Path.of("")} would be the current folder.
   */
  static Path releasePath(CommandSpec spec, Path option, Map<String, String> values) {
    if (option == null) {
      return PublisherConfig.releasePathOf(values);
    }
    if (option.toString().isBlank()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--release-path must name a folder, not be blank");
    }
    return option;
  }

  static int requireVersion(CommandSpec spec, String text) {
    return version(text)
        .orElseThrow(
            () ->
                new CommandLine.ParameterException(
                    spec.commandLine(), "'" + text + "' is not a version number (3 or v3)"));
  }
}
