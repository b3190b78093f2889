package dev.perennial.core.store;

import dev.perennial.core.crypto.Digest;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Content-addressed blobs (data shards, adapter files), each named by the SHA-256 {@link Digest} of
 * its content. A blob is either fully there or not visible at all; putting the same content again
 * is harmless and returns the same digest. Every read checks the content against its digest.
 *
 * <p>A blob missing from a store that holds nothing at all is not known to be gone: every miss
 * there ({@link #open}, {@link #read}, {@link #copyTo}, {@link #size}, {@link #delete}, {@link
 * #isGone}) throws {@link ArtifactStoreUnavailableException} (its volume is most likely not
 * mounted), never {@link ArtifactNotFoundException}, which callers read as "an erasure deleted it".
 * Both {@link ArtifactStoreUnavailableException} and {@link ArtifactStoreWriteException} are {@link
 * ArtifactStoreOutageException}s: no record's fault.
 */
public interface ArtifactStore {

  /**
   * Stores {@code content}.
   *
   * @throws ArtifactStoreWriteException when the store takes no write (its folder missing,
   *     read-only or full)
   */
  Digest put(byte[] content);

  /**
   * Stores everything {@code content} yields up to its end; does not close it.
   *
   * @throws ArtifactStoreWriteException when the store takes no write (its folder missing,
   *     read-only or full); a failure to read {@code content} is not one
   */
  Digest put(InputStream content);

  /**
   * Stores the file's content.
   *
   * @throws ArtifactStoreWriteException when the store takes no write
   */
  Digest putFile(Path file);

  /**
   * The blob's content. The stream checks the digest when it reaches the end and then throws {@link
   * CorruptArtifactException} on a mismatch; a reader that stops early gets no check.
   *
   * @throws ArtifactNotFoundException when there is no such blob
   * @throws ArtifactStoreUnavailableException when there is none because the store holds nothing
   */
  InputStream open(Digest digest);

  /**
   * The blob's whole content, checked against its digest.
   *
   * @throws ArtifactNotFoundException when there is no such blob
   * @throws ArtifactStoreUnavailableException when there is none because the store holds nothing
   * @throws CorruptArtifactException when the content does not match the digest
   */
  byte[] read(Digest digest);

  /**
   * Copies the blob to {@code target} (replacing it), checked against its digest; {@code target}
   * never holds unchecked content. Throws as {@link #read} does.
   */
  void copyTo(Digest digest, Path target);

  /**
   * Whether the blob is there. False in a store that holds nothing too: a caller that would read
   * false as "gone" asks {@link #isGone} instead.
   */
  boolean exists(Digest digest);

  /**
   * Whether the blob is gone from a store that holds others (an erasure deleted it).
   *
   * @throws ArtifactStoreUnavailableException when it is missing because the store holds nothing
   */
  default boolean isGone(Digest digest) {
    try {
      size(digest);
      return false;
    } catch (ArtifactNotFoundException e) {
      return true;
    }
  }

  /**
   * Size in bytes; throws {@link ArtifactNotFoundException} when there is no such blob, {@link
   * ArtifactStoreUnavailableException} when there is none because the store holds nothing.
   */
  long size(Digest digest);

  /**
   * Removes the blob; false when there was none.
   *
   * @throws ArtifactStoreUnavailableException when there was none because the store holds nothing
   */
  boolean delete(Digest digest);

  /** Every blob's digest, sorted. */
  List<Digest> list();

  /**
   * The files of writes that never finished: a process killed while it wrote a blob leaves the
   * content written so far, which is no blob ({@link #list} does not name it) but can be read in
   * the store's folder. A caller that knows no other process is writing such content (the one
   * writer of a tenant's shards) may read and delete them. None for a store that leaves no such
   * files.
   */
  default List<Path> unfinishedWrites() {
    return List.of();
  }
}
