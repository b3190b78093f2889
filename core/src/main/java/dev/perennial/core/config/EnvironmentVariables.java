package dev.perennial.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * Other variables are ignored.
 */
public final class EnvironmentVariables {

  /** Every variable that configures Perennial starts with this. */
  public static final String PREFIX = "PERENNIAL_";

  /** Variables with this prefix set keys that are passed through to Kafka clients and serdes. */
  public static final String CLIENT_PREFIX = "PERENNIAL_CLIENT_";

  private EnvironmentVariables() {}

  /**
   * The configuration keys and values the given environment sets.
   *
   * @throws InvalidConfigurationException naming every variable whose name cannot be translated
   */
  public static Map<String, String> toProperties(Map<String, String> environment) {
    Map<String, String> properties = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    new TreeMap<>(environment)
        .forEach(
            (variable, value) -> {
              if (!variable.startsWith(PREFIX)) {
                return;
              }
              try {
                properties.put(toKey(variable), value);
              } catch (IllegalArgumentException e) {
                problems.add(variable + ": " + e.getMessage());
              }
            });
    if (!problems.isEmpty()) {
      throw new InvalidConfigurationException(problems);
    }
    return properties;
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
