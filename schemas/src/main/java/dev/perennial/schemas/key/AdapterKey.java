package dev.perennial.schemas.key;

import dev.perennial.core.ids.RecordIds;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * An adapter key {@code tenant/adapter}: the key of {@code examples.v1}, {@code training-jobs.v1},
 * {@code candidates.v1}, {@code verdicts.v1} and {@code releases.v1}, and the one rule for tenant
 * and adapter names, which every stage applies. A name becomes a Kafka key, a folder of the release
 * and evaluation areas, a path of the release API and part of per-tenant configuration keys, so a
 * name
 *
 * <ul>
 *   <li>has 1 to {@value #MAX_NAME_LENGTH} characters,
 *   <li>holds only lower-case ASCII letters, digits, {@code .}, {@code _} and {@code -},
 *   <li>starts with a letter or a digit,
 *   <li>is none of the {@linkplain #RESERVED_NAMES reserved names}.
 * </ul>
 *
 * Upper case is refused, not folded: {@code Fuzz} is no name, {@code fuzz} is, so two spellings can
 * never mean one tenant (or two tenants share a folder on a case-insensitive file system). The
 * reserved names are those the release area uses for its own files beside the tenants' folders
 * ({@code keys/}, {@code public-key.pem}): a tenant of that name would write its releases into the
 * area's key folder, or could never get one. Everything else an area keeps for itself starts with a
 * character no name may start with ({@code .staging-...}). Further rules on names belong here.
 */
public record AdapterKey(String tenant, String adapter) implements Comparable<AdapterKey> {

  public static final int MAX_NAME_LENGTH = 64;

  /** The adapter of an event that names none. */
  public static final String DEFAULT_ADAPTER = "default";

  /**
   * Names that are no tenant or adapter: the release area's own entries beside the tenants'
   * folders.
   */
  public static final Set<String> RESERVED_NAMES = Set.of("keys", "public-key.pem");

  /** The rule in words, for error messages and documentation. */
  public static final String NAME_RULE =
      "1 to "
          + MAX_NAME_LENGTH
          + " characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit, none of "
          + new TreeSet<>(RESERVED_NAMES);

  private static final Pattern NAME =
      Pattern.compile("[a-z0-9][a-z0-9._-]{0," + (MAX_NAME_LENGTH - 1) + "}");

  private static final int MAX_QUOTED = 2 * MAX_NAME_LENGTH + 1;

  /**
   * @throws InvalidAdapterKeyException when the tenant or the adapter is not a valid name
   */
  public AdapterKey {
    requireName(tenant, "tenant");
    requireName(adapter, "adapter");
  }

  /** The key of {@code tenant}'s adapter {@code adapter}, or of its default adapter if null. */
  public static AdapterKey of(String tenant, String adapter) {
    return new AdapterKey(tenant, adapter == null ? DEFAULT_ADAPTER : adapter);
  }

  /**
   * Reads {@code tenant/adapter}.
   *
   * @throws InvalidAdapterKeyException naming what is wrong with {@code text}
   */
  public static AdapterKey parse(String text) {
    if (text == null) {
      throw new InvalidAdapterKeyException("Adapter key is missing; expected tenant/adapter");
    }
    int slash = text.indexOf('/');
    if (slash < 0 || slash != text.lastIndexOf('/')) {
      throw new InvalidAdapterKeyException(
          "Adapter key " + quote(text) + " is not of the form tenant/adapter");
    }
    try {
      return new AdapterKey(text.substring(0, slash), text.substring(slash + 1));
    } catch (InvalidAdapterKeyException e) {
      throw new InvalidAdapterKeyException("Adapter key " + quote(text) + ": " + e.getMessage(), e);
    }
  }

  /** {@code text} as an adapter key, if it is a valid one. */
  public static Optional<AdapterKey> tryParse(String text) {
    try {
      return Optional.of(parse(text));
    } catch (InvalidAdapterKeyException e) {
      return Optional.empty();
    }
  }

  /** The tenant of {@code adapterKey}, if it is a valid adapter key. */
  public static Optional<String> tenantOf(String adapterKey) {
    return tryParse(adapterKey).map(AdapterKey::tenant);
  }

  /** Whether {@code name} is a valid tenant or adapter name. */
  public static boolean isValidName(String name) {
    return name != null && NAME.matcher(name).matches() && !RESERVED_NAMES.contains(name);
  }

  /**
   * What is wrong with {@code name} as a tenant or adapter name, in words that do not repeat it
   * (the name may be anything an app sent); empty when it is valid.
   */
  public static Optional<String> nameProblem(String name) {
    if (name == null || name.isEmpty()) {
      return Optional.of("is missing or empty");
    }
    if (isValidName(name)) {
      return Optional.empty();
    }
    if (RESERVED_NAMES.contains(name)) {
      return Optional.of("is reserved (the release area's own files use " + RESERVED_NAMES + ")");
    }
    if (name.length() > MAX_NAME_LENGTH) {
      return Optional.of("has " + name.length() + " characters, more than " + MAX_NAME_LENGTH);
    }
    if (!name.equals(name.toLowerCase(Locale.ROOT))) {
      return Optional.of("holds upper-case letters; names are lower case (" + NAME_RULE + ")");
    }
    return Optional.of("is not a valid name (" + NAME_RULE + ")");
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

  private static void requireName(String name, String what) {
    Optional<String> problem = nameProblem(name);
    if (problem.isPresent()) {
      throw new InvalidAdapterKeyException(
          what + (name == null || name.isEmpty() ? "" : " " + quote(name)) + " " + problem.get());
    }
  }

  /**
   * For operators' messages (configuration, the release API, log lines), abbreviated; a text that
   * is no id ({@link RecordIds}: a line break would forge a log line of its own) is not shown.
   */
  private static String quote(String text) {
    String shown =
        RecordIds.shown(text.length() <= MAX_QUOTED ? text : text.substring(0, MAX_QUOTED));
    return "'" + shown + "'" + (text.length() <= MAX_QUOTED ? "" : "...");
  }
}
