package dev.perennial.publisher.sign;

import dev.perennial.publisher.PublisherException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The signing key of a local run ({@code perennial local}): read from a file, or generated and
 * written there (PKCS#8 PEM, readable by its owner only) the first time, so later runs sign with
 * the same key. A cluster configures its own key instead ({@code perennial.publisher.signing.key}
 * or {@code .key.file}).
 */
public final class LocalSigningKey {

  /** The key, and whether this call generated it (the caller says so). */
  public record Result(SigningKey key, boolean generated) {}

  private LocalSigningKey() {}

  public static Result loadOrCreate(Path file) {
    try {
      if (Files.isRegularFile(file)) {
        return new Result(
            SigningKey.fromPrivateKey(Files.readString(file, StandardCharsets.US_ASCII)), false);
      }
      SigningKey key = SigningKey.generate();
      Files.createDirectories(file.toAbsolutePath().getParent());
      create(file);
      Files.writeString(file, key.privateKeyPem(), StandardCharsets.US_ASCII);
      return new Result(key, true);
    } catch (IOException e) {
      throw new PublisherException("Cannot read or create the signing key " + file + ": " + e, e);
    }
  }

  private static void create(Path file) throws IOException {
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file); // not a POSIX file system: its default permissions
    } catch (FileAlreadyExistsException e) {
      throw new PublisherException("Signing key " + file + " appeared while being created", e);
    }
  }
}
