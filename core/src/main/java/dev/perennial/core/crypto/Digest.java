package dev.perennial.core.crypto;

import dev.perennial.core.PerennialException;
import dev.perennial.core.ids.RecordIds;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A SHA-256 digest: the identity of a blob in the artifact store and of every file a release
 * manifest lists. Written as {@code sha256:} followed by 64 lower-case hex digits.
 */
public record Digest(String hex) implements Comparable<Digest> {

  public static final String ALGORITHM = "SHA-256";
  public static final String PREFIX = "sha256:";

  private static final Pattern HEX = Pattern.compile("^[0-9a-f]{64}$");
  private static final int BUFFER_SIZE = 64 * 1024;

  public Digest {
    if (hex == null || !HEX.matcher(hex).matches()) {
      // the text may come from a record (a candidate's file digests): repeated only if it is an id
      throw new IllegalArgumentException(
          "Not a SHA-256 digest (64 lower-case hex digits): " + RecordIds.shown(hex));
    }
  }

  /**
   * Reads {@code sha256:<hex>} or a bare 64-digit hex string (either case); a text that is neither
   * is refused, its message repeating it only when it is an id ({@link RecordIds#shown}).
   */
  public static Digest parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("Not a SHA-256 digest: null");
    }
    String hex = text.startsWith(PREFIX) ? text.substring(PREFIX.length()) : text;
    return new Digest(hex.toLowerCase(Locale.ROOT));
  }

  public static Digest fromBytes(byte[] digestBytes) {
    if (digestBytes.length != 32) {
      throw new IllegalArgumentException(
          "A SHA-256 digest has 32 bytes, got " + digestBytes.length);
    }
    return new Digest(HexFormat.of().formatHex(digestBytes));
  }

  public static Digest of(byte[] content) {
    return fromBytes(newMessageDigest().digest(content));
  }

  /** Reads the stream to its end; does not close it. */
  public static Digest of(InputStream content) throws IOException {
    MessageDigest digest = newMessageDigest();
    byte[] buffer = new byte[BUFFER_SIZE];
    for (int read = content.read(buffer); read != -1; read = content.read(buffer)) {
      digest.update(buffer, 0, read);
    }
    return fromBytes(digest.digest());
  }

  public static Digest of(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return of(in);
    } catch (IOException e) {
      throw new PerennialException("Cannot read " + file + " to digest it: " + e.getMessage(), e);
    }
  }

  /** A fresh SHA-256 {@link MessageDigest} (every JDK has one). */
  public static MessageDigest newMessageDigest() {
    try {
      return MessageDigest.getInstance(ALGORITHM);
    } catch (NoSuchAlgorithmException e) {
      throw new PerennialException("This JDK has no " + ALGORITHM, e);
    }
  }

  public byte[] toBytes() {
    return HexFormat.of().parseHex(hex);
  }

  @Override
  public int compareTo(Digest other) {
    return hex.compareTo(other.hex);
  }

  /** {@code sha256:<hex>}. */
  @Override
  public String toString() {
    return PREFIX + hex;
  }
}
