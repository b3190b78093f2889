package dev.perennial.core.store;

import dev.perennial.core.PerennialException;
import dev.perennial.core.crypto.Digest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link ArtifactStore} on a local (or shared) folder. Blobs live at {@code sha256/<first two
 * hex digits>/<hex>}. A write goes to a temporary file under {@code tmp/}, is forced to disk, then
 * renamed atomically into place and the folder forced too: a crash at any moment leaves either the
 * whole blob or nothing visible (at most an abandoned temporary file, see {@link
 * #removeAbandonedWrites(Duration)}, which {@link AbandonedWriteSweeper} runs).
 *
 * <p>The first write also leaves {@value #MARKER} at the root: the store is <em>founded</em>. A
 * blob missing from a founded store (or from one an earlier version wrote blobs to) is gone ({@link
 * ArtifactNotFoundException}); missing from a store that holds nothing at all, it is not known to
 * be gone: the folder is most likely the empty mount point of a volume that is not mounted ({@link
 * ArtifactStoreUnavailableException}).
 */
public final class LocalArtifactStore implements ArtifactStore {

  /**
   * The file at the store's root that says the store was written to (its first {@link #put} writes
   * it): a store without it, and without any blob, holds nothing, and a blob asked of it is not
   * known to be gone ({@link ArtifactStoreUnavailableException}).
   */
  public static final String MARKER = "perennial-store.json";

  private static final Logger log = LoggerFactory.getLogger(LocalArtifactStore.class);
  private static final Pattern HEX = Pattern.compile("^[0-9a-f]{64}$");
  private static final int BUFFER_SIZE = 256 * 1024;

  /** How the temporary file of a blob's write is named in {@code tmp/} (the marker's is not). */
  private static final String WRITE_PREFIX = "write-";

  private final Path root;
  private final Path blobs;
  private final Path temporary;
  private volatile boolean markerWritten;

  /** Opens the store at {@code root}, creating the folder if needed. */
  public LocalArtifactStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
    this.blobs = this.root.resolve("sha256");
    this.temporary = this.root.resolve("tmp");
    try {
      Files.createDirectories(blobs);
      Files.createDirectories(temporary);
    } catch (IOException e) {
      throw new PerennialException(
          "Cannot create the artifact store at " + this.root + ": " + e.getMessage(), e);
    }
  }

  public Path root() {
    return root;
  }

  @Override
  public Digest put(byte[] content) {
    return put(new ByteArrayInputStream(content));
  }

  @Override
  public Digest put(InputStream content) {
    Path partial = null;
    try {
      partial = Files.createTempFile(temporary, WRITE_PREFIX, ".partial");
      Digest digest = writeFully(content, partial);
      Path target = blobPath(digest);
      Files.createDirectories(target.getParent());
      // Same content under the same name: replacing an existing blob is harmless.
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
      partial = null;
      forceDirectory(target.getParent());
      found();
      return digest;
    } catch (ContentUnreadable e) {
      throw new PerennialException(
          "Cannot read the content to store in " + root + ": " + e.getCause().getMessage(),
          e.getCause());
    } catch (IOException e) {
      // the store's own folder failed us, not the content
      throw new ArtifactStoreWriteException(
          "Cannot write an artifact to " + root + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(partial);
    }
  }

  @Override
  public Digest putFile(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return put(in);
    } catch (NoSuchFileException e) {
      throw new PerennialException("Cannot store " + file + ": no such file", e);
    } catch (IOException e) {
      throw new PerennialException("Cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public InputStream open(Digest digest) {
    Path path = blobPath(digest);
    try {
      return new VerifyingInputStream(Files.newInputStream(path), digest, path.toString());
    } catch (NoSuchFileException e) {
      throw missing(digest, e);
    } catch (IOException e) {
      throw new PerennialException("Cannot open artifact " + path + ": " + e.getMessage(), e);
    }
  }

  @Override
  public byte[] read(Digest digest) {
    try (InputStream in = open(digest)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new PerennialException("Cannot read artifact " + digest + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void copyTo(Digest digest, Path target) {
    Path folder = target.toAbsolutePath().getParent();
    Path partial = null;
    try (InputStream in = open(digest)) {
      Files.createDirectories(folder);
      partial = Files.createTempFile(folder, ".copy-", ".partial");
      Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
      partial = null;
    } catch (IOException e) {
      throw new PerennialException(
          "Cannot copy artifact " + digest + " to " + target + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(partial);
    }
  }

  @Override
  public boolean exists(Digest digest) {
    return Files.isRegularFile(blobPath(digest));
  }

  @Override
  public long size(Digest digest) {
    try {
      return Files.size(blobPath(digest));
    } catch (NoSuchFileException e) {
      throw missing(digest, e);
    } catch (IOException e) {
      throw new PerennialException("Cannot read the size of " + digest + ": " + e.getMessage(), e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws ArtifactStoreUnavailableException when there was none because the store holds nothing
   *     at all: the blob to delete may be in the store this folder should be
   */
  @Override
  public boolean delete(Digest digest) {
    try {
      if (Files.deleteIfExists(blobPath(digest))) {
        return true;
      }
      if (!isFounded()) {
        throw new ArtifactStoreUnavailableException(root.toString(), null);
      }
      return false;
    } catch (IOException e) {
      throw new PerennialException("Cannot delete artifact " + digest + ": " + e.getMessage(), e);
    }
  }

  @Override
  public List<Digest> list() {
    List<Digest> digests = new ArrayList<>();
    try (DirectoryStream<Path> shards = Files.newDirectoryStream(blobs, Files::isDirectory)) {
      for (Path shard : shards) {
        try (Stream<Path> files = Files.list(shard)) {
          files
              .map(file -> file.getFileName().toString())
              .filter(
                  name ->
                      HEX.matcher(name).matches()
                          && name.startsWith(shard.getFileName().toString()))
              .map(Digest::new)
              .forEach(digests::add);
        }
      }
    } catch (IOException | UncheckedIOException e) {
      throw new PerennialException(
          "Cannot list the artifacts in " + root + ": " + e.getMessage(), e);
    }
    digests.sort(null);
    return digests;
  }

  /** The temporary files of writes under {@code tmp/}: each is a blob's content written so far. */
  @Override
  public List<Path> unfinishedWrites() {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(temporary, WRITE_PREFIX + "*")) {
      List<Path> unfinished = new ArrayList<>();
      files.forEach(unfinished::add);
      unfinished.sort(null);
      return unfinished;
    } catch (IOException e) {
      throw new PerennialException(
          "Cannot list the unfinished writes in " + temporary + ": " + e.getMessage(), e);
    }
  }

  /**
   * Deletes temporary files of writes that never finished (a killed process leaves one behind) and
   * that are older than {@code age}; a younger one may belong to a write still running in another
   * process. Returns how many were deleted.
   */
  public int removeAbandonedWrites(Duration age) {
    Instant cutoff = Instant.now().minus(age);
    int removed = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(temporary)) {
      for (Path file : files) {
        if (!Files.getLastModifiedTime(file).toInstant().isAfter(cutoff)) {
          Files.deleteIfExists(file);
          log.info("Removed abandoned artifact write {}", file);
          removed++;
        }
      }
    } catch (IOException e) {
      throw new PerennialException(
          "Cannot clean up abandoned writes in " + temporary + ": " + e.getMessage(), e);
    }
    return removed;
  }

  /**
   * Whether anything was ever written to this store: it holds {@value #MARKER}, or (written by a
   * version before the marker) a blob.
   */
  public boolean isFounded() {
    if (Files.isRegularFile(root.resolve(MARKER))) {
      return true;
    }
    try (DirectoryStream<Path> shards = Files.newDirectoryStream(blobs, Files::isDirectory)) {
      for (Path shard : shards) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(shard)) {
          for (Path file : files) {
            if (HEX.matcher(file.getFileName().toString()).matches()) {
              return true;
            }
          }
        }
      }
      return false;
    } catch (IOException e) {
      log.warn("Cannot look for blobs in {}: {}", blobs, e.toString());
      return false;
    }
  }

  /** The blob is not there: gone from a founded store, else the store is unavailable. */
  private RuntimeException missing(Digest digest, NoSuchFileException cause) {
    if (isFounded()) {
      return new ArtifactNotFoundException(digest, root.toString());
    }
    return new ArtifactStoreUnavailableException(root.toString(), cause);
  }

  /** Writes {@value #MARKER} once, atomically, if it is missing. */
  private void found() throws IOException {
    if (markerWritten) {
      return;
    }
    Path marker = root.resolve(MARKER);
    if (!Files.isRegularFile(marker)) {
      Path partial = Files.createTempFile(temporary, "marker-", ".partial");
      try {
        String content =
            "{\"store\": \"perennial artifact store\", \"layout\": \"sha256/<first two hex"
                + " digits>/<hex>\", \"foundedAt\": \""
                + Instant.now()
                + "\"}\n";
        Files.writeString(partial, content, StandardCharsets.UTF_8);
        try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
          channel.force(true);
        }
        // another writer founding the store at the same moment writes the same kind of file
        Files.move(partial, marker, StandardCopyOption.ATOMIC_MOVE);
        partial = null;
        forceDirectory(root);
      } finally {
        deleteQuietly(partial);
      }
    }
    markerWritten = true;
  }

  /** Where the blob with this digest lives (whether or not it exists). */
  public Path blobPath(Digest digest) {
    return blobs.resolve(digest.hex().substring(0, 2)).resolve(digest.hex());
  }

  private static Digest writeFully(InputStream content, Path partial) throws IOException {
    MessageDigest digest = Digest.newMessageDigest();
    byte[] buffer = new byte[BUFFER_SIZE];
    try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
      for (int read = readContent(content, buffer);
          read != -1;
          read = readContent(content, buffer)) {
        digest.update(buffer, 0, read);
        ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, read);
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
      }
      channel.force(true);
    }
    return Digest.fromBytes(digest.digest());
  }

  /** Reads what is to be stored; its failure is the content's, not the store's. */
  private static int readContent(InputStream content, byte[] buffer) {
    try {
      return content.read(buffer);
    } catch (IOException e) {
      throw new ContentUnreadable(e);
    }
  }

  /** The content to store could not be read (as opposed to the store written). */
  private static final class ContentUnreadable extends UncheckedIOException {
    private static final long serialVersionUID = 1L;

    ContentUnreadable(IOException cause) {
      super(cause);
    }
  }

  /** Makes a rename in {@code folder} durable (POSIX: fsync the directory). */
  private static void forceDirectory(Path folder) throws IOException {
    try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private static void deleteQuietly(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.warn("Cannot delete temporary file {}", file, e);
    }
  }
}
