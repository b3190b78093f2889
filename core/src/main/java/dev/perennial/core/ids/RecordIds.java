package dev.perennial.core.ids;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Whether an id a record carries (an example id, an erasure request id, a job id, a record key) is
 * fit to be logged and recorded: one line of letters, digits and {@code ._@:/#-}, at most {@value
 * #MAX_LENGTH} characters. Every id Perennial makes is one (hex digests, {@code
 * erasure-<topic>-<partition>@<offset>}, {@code tenant/adapter}, a candidate id {@code <job
 * id>#candidate} and its verdict id {@code <candidate id>#verdict}); anything else on a topic (a
 * line break forging a log line of its own, a megabyte flooding the log) was written by someone
 * else, and is shown as {@value #NOT_SHOWN}, never repeated.
 */
public final class RecordIds {

  /** Longer than any {@code erasure-<topic>-<partition>@<offset>} (a topic name: 249 at most). */
  public static final int MAX_LENGTH = 300;

  /** What a log line or record says in place of an id that is not fit to be shown. */
  public static final String NOT_SHOWN = "(not shown: not an id)";

  public static final String PUNCTUATION = "._@:/#-";

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._@:/#-]+");

  private RecordIds() {}

  /** Whether {@code value} is an id fit to be logged and recorded. */
  public static boolean isValid(String value) {
    return problem("id", value).isEmpty();
  }

  /** {@code value} when it is an id, else {@value #NOT_SHOWN}: for log lines. */
  public static String shown(String value) {
    return isValid(value) ? value : NOT_SHOWN;
  }

  /**
   * What is wrong with {@code value} as an id, naming it {@code what} and never repeating it; empty
   * when it is an id.
   */
  public static Optional<String> problem(String what, String value) {
    if (value == null || value.isEmpty()) {
      return Optional.of("its " + what + " is missing or empty");
    }
    if (value.length() > MAX_LENGTH) {
      return Optional.of(
          "its " + what + " has " + value.length() + " characters, more than " + MAX_LENGTH);
    }
    if (!ID.matcher(value).matches()) {
      return Optional.of(
          "its " + what + " holds characters other than letters, digits and " + PUNCTUATION);
    }
    return Optional.empty();
  }
}
