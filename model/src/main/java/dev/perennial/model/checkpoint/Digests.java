package dev.perennial.model.checkpoint;

import dev.perennial.model.ModelException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/** SHA-256 digests of files and of file sets, written {@code sha256:<hex>}. */
public final class Digests {

  private static final String PREFIX = "sha256:";

  private Digests() {}

  /** The hex SHA-256 of a file's bytes. */
  public static String sha256Hex(Path file) {
    MessageDigest digest = sha256();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      int read;
      while ((read = in.read(buffer)) > 0) {
        digest.update(buffer, 0, read);
      }
    } catch (IOException e) {
      throw new ModelException("cannot read " + file + " to digest it", e);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** The hex SHA-256 of bytes. */
  public static String sha256Hex(byte[] bytes) {
    return HexFormat.of().formatHex(sha256().digest(bytes));
  }

  /**
   * The digest of a set of files in one folder: SHA-256 of the {@code sha256sum}-style listing
   * ({@code <hex> <name>\n} per file, in the given order). {@code sha256sum f1 f2 | sha256sum}
   * reproduces it.
   */
  public static String ofFiles(Path folder, List<String> names) {
    StringBuilder listing = new StringBuilder();
    for (String name : names) {
      listing.append(sha256Hex(folder.resolve(name))).append("  ").append(name).append('\n');
    }
    return PREFIX + sha256Hex(listing.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A digest as bare lower-case hex, whether written {@code sha256:<hex>} or as hex (either case):
   * so digests recorded either way compare as SHA-256 values. Schemas' {@code
   * StableRelease.normalized} applies the same rule to records; model, which depends on neither
   * schemas nor core, keeps its own.
   */
  public static String normalized(String digest) {
    String lower = digest == null ? "" : digest.trim().toLowerCase(Locale.ROOT);
    return lower.startsWith(PREFIX) ? lower.substring(PREFIX.length()) : lower;
  }

  /**
   * A seed derived from {@code seed} and a name, the same on every JVM: the first eight bytes
   * (big-endian) of the SHA-256 of {@code <seed>/<name>}.
   */
  public static long derivedSeed(long seed, String name) {
    return ByteBuffer.wrap(sha256().digest((seed + "/" + name).getBytes(StandardCharsets.UTF_8)))
        .getLong();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
