package dev.perennial.cli;

import java.util.List;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Option values a command reads itself (a label of a fixed set, a number within bounds): a wrong
 * one is a usage error naming the option (exit status 2), as picocli reports a value it cannot
 * convert, never an exception with a stack trace.
 */
final class OptionValues {

  private OptionValues() {}

  /**
   * {@code value} read by {@code parse}, whose {@link IllegalArgumentException} (naming the allowed
   * values) becomes a usage error of {@code option}.
   */
  static <T> T parse(CommandSpec spec, String option, String value, Function<String, T> parse) {
    try {
      return parse.apply(value);
    } catch (IllegalArgumentException e) {
      throw invalid(spec, option, e.getMessage());
    }
  }

  /** Each of {@code values} read by {@code parse}, as {@link #parse} reads one. */
  static <T> List<T> parseEach(
      CommandSpec spec, String option, List<String> values, Function<String, T> parse) {
    return values.stream().map(value -> parse(spec, option, value, parse)).toList();
  }

  /** A usage error of {@code option} unless {@code valid}; {@code rule} says what is allowed. */
  static void require(CommandSpec spec, boolean valid, String option, Object value, String rule) {
    if (!valid) {
      throw invalid(spec, option, value + " (" + rule + ")");
    }
  }

  private static ParameterException invalid(CommandSpec spec, String option, String message) {
    return new ParameterException(
        spec.commandLine(), "Invalid value for option '" + option + "': " + message);
  }
}
