package dev.perennial.cli;

import dev.perennial.schemas.key.AdapterKey;
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

  static int requireVersion(CommandSpec spec, String text) {
    return version(text)
        .orElseThrow(
            () ->
                new CommandLine.ParameterException(
                    spec.commandLine(), "'" + text + "' is not a version number (3 or v3)"));
  }
}
