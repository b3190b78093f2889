package dev.perennial.core.crypto;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;

/**
 * The master keys that wrap subjects' data keys (envelope encryption): the first one wraps new data
 * keys, every one unwraps what it wrapped. Rotation adds a new key in front and keeps the old ones
 * until no data key is wrapped by them any more (ingest re-wraps them; its metric says how many are
 * left).
 *
 * <p>Text form, as a mounted Secret holds it: one {@code id=base64} entry per line (or separated by
 * commas or spaces), each key 32 random bytes ({@code openssl rand -base64 32}); lines starting
 * with {@code #} are comments. Ids are names of at most 64 characters from {@code [A-Za-z0-9._-]}.
 * The text and the keys never appear in messages.
 */
public final class MasterKeys {

  /** A data key wrapped by a master key. */
  public record Wrapped(String masterKeyId, byte[] wrappedKey) {}

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern SEPARATORS = Pattern.compile("[,\\s]+");

  private final String currentId;
  private final Map<String, SecretKey> keys;

  private MasterKeys(String currentId, Map<String, SecretKey> keys) {
    this.currentId = currentId;
    this.keys = Map.copyOf(keys);
  }

  /**
   * The keys of {@code text}.
   *
   * @throws IllegalArgumentException naming the entry (by position and id, never its key) that is
   *     not {@code id=base64} of 32 bytes, a repeated id, or no entry at all
   */
  public static MasterKeys parse(String text) {
    Map<String, SecretKey> keys = new LinkedHashMap<>();
    String currentId = null;
    int position = 0;
    for (String line : text.split("\\R")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      for (String entry : SEPARATORS.split(trimmed)) {
        position++;
        int equals = entry.indexOf('=');
        String id = equals < 0 ? "" : entry.substring(0, equals);
        // A bare key ("...=") splits into a long "id" and nothing: neither may reach a message.
        if (!ID.matcher(id).matches() || entry.substring(equals + 1).replace("=", "").isEmpty()) {
          throw new IllegalArgumentException(
              "master key entry " + position + " is not id=base64 with an id of " + ID.pattern());
        }
        if (keys.containsKey(id)) {
          throw new IllegalArgumentException("master key id " + id + " is given twice");
        }
        keys.put(id, decode(id, entry.substring(equals + 1)));
        if (currentId == null) {
          currentId = id;
        }
      }
    }
    if (currentId == null) {
      throw new IllegalArgumentException("no master key is given (expected id=base64 lines)");
    }
    return new MasterKeys(currentId, keys);
  }

  private static SecretKey decode(String id, String base64) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("master key " + id + " is not base64");
    }
    if (bytes.length != AesGcm.KEY_BYTES) {
      throw new IllegalArgumentException(
          "master key "
              + id
              + " has "
              + bytes.length
              + " bytes; it needs "
              + AesGcm.KEY_BYTES
              + " (openssl rand -base64 32)");
    }
    return AesGcm.key(bytes);
  }

  /** The id of the key that wraps new data keys. */
  public String currentId() {
    return currentId;
  }

  /** Every id, the current one first. */
  public List<String> ids() {
    return keys.keySet().stream()
        .sorted((a, b) -> a.equals(currentId) ? -1 : b.equals(currentId) ? 1 : a.compareTo(b))
        .toList();
  }

  public boolean isCurrent(String masterKeyId) {
    return currentId.equals(masterKeyId);
  }

  /** {@code dataKey} wrapped by the current master key, bound to {@code associatedData}. */
  public Wrapped wrap(SecretKey dataKey, byte[] associatedData) {
    return new Wrapped(
        currentId, AesGcm.seal(keys.get(currentId), dataKey.getEncoded(), associatedData));
  }

  /**
   * The data key {@code wrapped} holds.
   *
   * @throws MasterKeyMissingException when the master key is not configured (retired too early, or
   *     not yet given to this reader)
   * @throws UndecryptableException when the wrapped key does not open for this associated data
   */
  public SecretKey unwrap(Wrapped wrapped, byte[] associatedData) {
    SecretKey master = keys.get(wrapped.masterKeyId());
    if (master == null) {
      throw new MasterKeyMissingException(
          "master key "
              + wrapped.masterKeyId()
              + " is not among the configured ones "
              + ids()
              + "; keep a retired master key until no data key is wrapped by it");
    }
    return AesGcm.key(AesGcm.open(master, wrapped.wrappedKey(), associatedData));
  }
}
