package dev.perennial.ingest.redact;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.config.ConfigException;

/**
 * A tenant's own kinds of personal data (a customer-number format, an internal account id): named
 * regular expressions redacted after the built-in types, as {@code <NAME>}, counted under {@code
 * NAME}. Written as {@code NAME=regex} entries, one per line.
 */
public final class CustomPatterns {

  /** One kind: its name (placeholder {@code <NAME>}) and pattern. */
  public record Kind(String name, Pattern pattern) {}

  public static final CustomPatterns NONE = new CustomPatterns(List.of());

  private static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9_]{0,31}");

  private final List<Kind> kinds;

  private CustomPatterns(List<Kind> kinds) {
    this.kinds = List.copyOf(kinds);
  }

  public List<Kind> kinds() {
    return kinds;
  }

  /**
   * The kinds of {@code text}.
   *
   * @throws IllegalArgumentException for an entry that is not {@code NAME=regex}, a name that is a
   *     built-in type or given twice, a regex that does not compile or matches the empty text
   */
  public static CustomPatterns parse(String text) {
    List<Kind> kinds = new ArrayList<>();
    int line = 0;
    for (String entry : text.split("\\R")) {
      line++;
      if (entry.isBlank()) {
        continue;
      }
      int equals = entry.indexOf('=');
      String name = equals < 0 ? "" : entry.substring(0, equals).strip();
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "entry " + line + " is not NAME=regex with a NAME of " + NAME.pattern());
      }
      if (EnumSet.allOf(PiiType.class).stream().anyMatch(type -> type.name().equals(name))
          || kinds.stream().anyMatch(kind -> kind.name().equals(name))) {
        throw new IllegalArgumentException(
            "entry " + line + ": " + name + " is a built-in type or given twice");
      }
      Pattern pattern;
      try {
        pattern = Pattern.compile(entry.substring(equals + 1).strip());
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            "entry " + line + " (" + name + ") is not a regex: " + e.getDescription());
      }
      if (pattern.matcher("").matches()) {
        throw new IllegalArgumentException(
            "entry " + line + " (" + name + ") matches the empty text");
      }
      kinds.add(new Kind(name, pattern));
    }
    return new CustomPatterns(kinds);
  }

  /** For a config validator: the problem of {@code text} as a {@link ConfigException}. */
  public static void validate(String key, String text) {
    try {
      parse(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, text, e.getMessage());
    }
  }
}
