package dev.perennial.publisher.config;

import java.util.regex.Pattern;

/** The aliases the publisher moves itself, and what any alias name may look like. */
public final class Aliases {

  /** What serving stacks load. */
  public static final String STABLE = "stable";

  /** Where a release waits for an operator when its tenant does not promote automatically. */
  public static final String CANARY = "canary";

  // "versions" is a path of the read API beside the aliases, so it cannot be an alias.
  private static final Pattern NAME = Pattern.compile("^[a-z][a-z0-9-]{0,62}$");
  private static final String RESERVED = "versions";

  private Aliases() {}

  /** Whether {@code name} can be an alias: lower-case letters, digits and '-', not "versions". */
  public static boolean isValid(String name) {
    return name != null && NAME.matcher(name).matches() && !RESERVED.equals(name);
  }

  /**
   * @throws IllegalArgumentException when {@code name} cannot be an alias
   */
  public static String require(String name) {
    if (!isValid(name)) {
      throw new IllegalArgumentException(
          "'"
              + name
              + "' is not an alias name: lower-case letters, digits and '-', starting with a"
              + " letter, and not '"
              + RESERVED
              + "'");
    }
    return name;
  }
}
