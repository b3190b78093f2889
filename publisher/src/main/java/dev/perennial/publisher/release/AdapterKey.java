package dev.perennial.publisher.release;

import java.util.regex.Pattern;

/**
 * An adapter key {@code tenant/adapter} (DESIGN.md), checked so that it can name a folder of the
 * release area and a path of the HTTP API: each part starts with a letter or digit and holds only
 * letters, digits, {@code .}, {@code _} and {@code -}.
 */
public record AdapterKey(String tenant, String adapter) implements Comparable<AdapterKey> {

  private static final Pattern PART = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$");

  public AdapterKey {
    requirePart(tenant, "tenant");
    requirePart(adapter, "adapter");
  }

  /**
   * Reads {@code tenant/adapter}.
   *
   * @throws IllegalArgumentException naming what is wrong with {@code text}
   */
  public static AdapterKey parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("Adapter key is missing; expected tenant/adapter");
    }
    int slash = text.indexOf('/');
    if (slash < 0 || slash != text.lastIndexOf('/')) {
      throw new IllegalArgumentException(
          "Adapter key '" + text + "' is not of the form tenant/adapter");
    }
    try {
      return new AdapterKey(text.substring(0, slash), text.substring(slash + 1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Adapter key '" + text + "': " + e.getMessage(), e);
    }
  }

  /** Whether {@code text} can be a tenant or an adapter name. */
  public static boolean isValidPart(String text) {
    return text != null && PART.matcher(text).matches();
  }

  @Override
  public int compareTo(AdapterKey other) {
    return toString().compareTo(other.toString());
  }

  /** {@code tenant/adapter}. */
  @Override
  public String toString() {
    return tenant + "/" + adapter;
  }

  private static void requirePart(String part, String name) {
    if (!isValidPart(part)) {
      throw new IllegalArgumentException(
          name
              + " '"
              + part
              + "' must start with a letter or digit and hold only letters, digits, '.', '_'"
              + " and '-' (at most 128 characters)");
    }
  }
}
