package dev.perennial.core.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** Validators for Perennial's configuration keys, beside Kafka's own ({@link ConfigDef.Range}). */
public final class Validators {

  private static final Pattern HOST_PORT =
      Pattern.compile("^(\\[[0-9a-fA-F:.]+]|[^:\\s]+):\\d{1,5}$");
  private static final Pattern TOPIC_CHARACTERS = Pattern.compile("^[a-zA-Z0-9._-]*$");
  private static final int MAX_TOPIC_PREFIX_LENGTH = 200;

  private Validators() {}

  /** A non-empty list of {@code host:port} entries, as {@code bootstrap.servers} takes. */
  public static ConfigDef.Validator hostPortList() {
    return ConfigDef.LambdaValidator.with(
        (name, value) -> {
          List<?> entries = nonEmptyList(name, value);
          for (Object entry : entries) {
            if (!HOST_PORT.matcher(entry.toString()).matches()) {
              throw new ConfigException(name, entry, "expected host:port");
            }
          }
        },
        () -> "non-empty list of host:port");
  }

  /** A non-empty list of absolute http or https URLs. */
  public static ConfigDef.Validator httpUrlList() {
    return ConfigDef.LambdaValidator.with(
        (name, value) -> {
          for (Object entry : nonEmptyList(name, value)) {
            requireHttpUrl(name, entry.toString());
          }
        },
        () -> "non-empty list of http(s) URLs");
  }

  /** Characters Kafka allows in topic names, short enough to leave room for the topic's suffix. */
  public static ConfigDef.Validator topicPrefix() {
    return ConfigDef.LambdaValidator.with(
        (name, value) -> {
          String prefix = (String) value;
          if (!TOPIC_CHARACTERS.matcher(prefix).matches()) {
            throw new ConfigException(name, value, "only a-z, A-Z, 0-9, '.', '_' and '-' allowed");
          }
          if (prefix.length() > MAX_TOPIC_PREFIX_LENGTH) {
            throw new ConfigException(
                name, value, "longer than " + MAX_TOPIC_PREFIX_LENGTH + " characters");
          }
        },
        () -> "[a-zA-Z0-9._-]{0," + MAX_TOPIC_PREFIX_LENGTH + "}");
  }

  /**
   * A number of at least 1, or -1 with the given meaning (for example "the broker's default"). Like
   * Kafka's {@link ConfigDef.Range}, it refuses the null that Kafka passes it after a value that is
   * no number failed to parse (the parse error is the problem reported).
   */
  public static ConfigDef.Validator positiveOrMinusOne(String meaningOfMinusOne) {
    return ConfigDef.LambdaValidator.with(
        (name, value) -> {
          if (value == null) {
            throw new ConfigException(name, null, "must be a number");
          }
          long number = ((Number) value).longValue();
          if (number != -1 && number < 1) {
            throw new ConfigException(
                name, value, "must be at least 1, or -1 for " + meaningOfMinusOne);
          }
        },
        () -> "-1 (" + meaningOfMinusOne + ") or [1,...]");
  }

  private static List<?> nonEmptyList(String name, Object value) {
    List<?> entries = (List<?>) value;
    if (entries == null || entries.isEmpty()) {
      throw new ConfigException(name, value, "must not be empty");
    }
    return entries;
  }

  private static void requireHttpUrl(String name, String url) {
    try {
      URI uri = new URI(url);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw new ConfigException(name, url, "expected an absolute http or https URL");
      }
    } catch (URISyntaxException e) {
      throw new ConfigException(name, url, "not a URL: " + e.getReason());
    }
  }
}
