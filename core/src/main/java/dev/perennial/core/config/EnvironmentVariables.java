package dev.perennial.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Maps environment variables to configuration keys, so a container can be configured without a
 * file.
 *
 * <ul>
 *   <li>{@code PERENNIAL_TOPIC_PREFIX} sets Perennial's own key {@code perennial.topic.prefix}.
 *   <li>{@code PERENNIAL_CLIENT_SASL_JAAS_CONFIG} sets {@code sasl.jaas.config}: the {@code
 *       PERENNIAL_CLIENT_} prefix passes any key through to the Kafka clients and serdes ({@code
 *       bootstrap.servers}, {@code security.protocol}, {@code schema.registry.url}, ...).
 * </ul>
 *
 * <p>The rest of the name is lower-cased and underscores are translated as in Confluent's Docker
 * images: {@code _} becomes {@code .}, {@code __} becomes {@code _}, {@code ___} becomes {@code -}.
 * Other variables are ignored, and so are {@link #COMMAND_ONLY_VARIABLES}. A {@code PERENNIAL_}
 * variable whose name cannot be translated is kept as a problem for the config class to report with
 * every other ({@link #INVALID_VARIABLE_PREFIX}), so one start lists everything wrong in the file
 * and the environment.
 */
public final class EnvironmentVariables {

  /** Every variable that configures Perennial starts with this. */
  public static final String PREFIX = "PERENNIAL_";

  /** Variables with this prefix set keys that are passed through to Kafka clients and serdes. */
  public static final String CLIENT_PREFIX = "PERENNIAL_CLIENT_";

  /**
   * The publisher's address for the {@code perennial} command ({@code releases promote} and {@code
   * rollback}, option {@code --url}): no service's key, so {@link #toProperties} leaves it out
   * rather than map it to {@code perennial.publisher.url}, which every service would warn about.
   */
  public static final String PUBLISHER_URL_VARIABLE = "PERENNIAL_PUBLISHER_URL";

  /** Variables that set the {@code perennial} command's options, never a service's key. */
  public static final Set<String> COMMAND_ONLY_VARIABLES = Set.of(PUBLISHER_URL_VARIABLE);

  /**
   * The key under which {@link #toProperties} leaves a variable whose name cannot be translated:
   * this prefix and the variable's name, its value what is wrong with the name. {@link
   * PerennialConfig#requireValid} reports each such entry as a problem, with the file's. No
   * variable translates to such a key (translated keys are lower case, variables' names are not).
   */
  public static final String INVALID_VARIABLE_PREFIX = "perennial.environment.invalid.";

  private EnvironmentVariables() {}

  /**
   * The configuration keys and values the given environment sets, and under {@link
   * #INVALID_VARIABLE_PREFIX} each variable whose name cannot be translated and what is wrong.
   */
  public static Map<String, String> toProperties(Map<String, String> environment) {
    Map<String, String> properties = new TreeMap<>();
    new TreeMap<>(environment)
        .forEach(
            (variable, value) -> {
              if (!variable.startsWith(PREFIX) || COMMAND_ONLY_VARIABLES.contains(variable)) {
                return;
              }
              try {
                properties.put(toKey(variable), value);
              } catch (IllegalArgumentException e) {
                properties.put(INVALID_VARIABLE_PREFIX + variable, e.getMessage());
              }
            });
    return properties;
  }

  /**
   * What is wrong with each variable of {@code values} that {@link #toProperties} could not
   * translate, one line each starting with the variable's name.
   */
  public static List<String> problems(Map<String, String> values) {
    List<String> problems = new ArrayList<>();
    new TreeMap<>(values)
        .forEach(
            (key, problem) -> {
              if (key.startsWith(INVALID_VARIABLE_PREFIX)) {
                problems.add(key.substring(INVALID_VARIABLE_PREFIX.length()) + ": " + problem);
              }
            });
    return problems;
  }

  /** The configuration key that a {@code PERENNIAL_...} variable sets. */
  public static String toKey(String variable) {
    if (variable.startsWith(CLIENT_PREFIX)) {
      return translate(variable.substring(CLIENT_PREFIX.length()));
    }
    if (variable.startsWith(PREFIX)) {
      return PerennialConfig.PREFIX + translate(variable.substring(PREFIX.length()));
    }
    throw new IllegalArgumentException("does not start with " + PREFIX);
  }

  /** The variable that sets a key: the inverse of {@link #toKey(String)}. */
  public static String toVariable(String key) {
    boolean own = key.startsWith(PerennialConfig.PREFIX);
    String rest = own ? key.substring(PerennialConfig.PREFIX.length()) : key;
    String encoded =
        rest.replace("-", "\u0000").replace("_", "__").replace(".", "_").replace("\u0000", "___");
    return (own ? PREFIX : CLIENT_PREFIX) + encoded.toUpperCase(Locale.ROOT);
  }

  private static String translate(String encoded) {
    if (encoded.isEmpty()) {
      throw new IllegalArgumentException("names no key after the prefix");
    }
    StringBuilder key = new StringBuilder(encoded.length());
    int i = 0;
    while (i < encoded.length()) {
      char c = encoded.charAt(i);
      if (c != '_') {
        key.append(Character.toLowerCase(c));
        i++;
        continue;
      }
      int run = 0;
      while (i < encoded.length() && encoded.charAt(i) == '_') {
        run++;
        i++;
      }
      switch (run) {
        case 1 -> key.append('.');
        case 2 -> key.append('_');
        case 3 -> key.append('-');
        default ->
            throw new IllegalArgumentException(
                "has a run of " + run + " underscores; use _ for '.', __ for '_', ___ for '-'");
      }
    }
    if (key.charAt(0) == '.' || key.charAt(key.length() - 1) == '.') {
      throw new IllegalArgumentException(
          "translates to '" + key + "', which starts or ends with '.'");
    }
    return key.toString();
  }
}
