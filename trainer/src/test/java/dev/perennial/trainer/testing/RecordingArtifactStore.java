package dev.perennial.trainer.testing;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.ArtifactStore;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An artifact store that remembers every digest read from it, in order, and apart from those the
 * digests opened as a stream (how a shard's header alone is read).
 */
public final class RecordingArtifactStore implements ArtifactStore {

  private final ArtifactStore delegate;
  private final List<Digest> reads = new CopyOnWriteArrayList<>();
  private final List<Digest> opened = new CopyOnWriteArrayList<>();

  public RecordingArtifactStore(ArtifactStore delegate) {
    this.delegate = delegate;
  }

  /** Every digest opened or read so far. */
  public List<Digest> reads() {
    return List.copyOf(reads);
  }

  /** Every digest opened as a stream so far (a subset of {@link #reads()}). */
  public List<Digest> opened() {
    return List.copyOf(opened);
  }

  /** The store underneath: reads through it are not recorded. */
  public ArtifactStore unrecorded() {
    return delegate;
  }

  public void clearReads() {
    reads.clear();
    opened.clear();
  }

  @Override
  public Digest put(byte[] content) {
    return delegate.put(content);
  }

  @Override
  public Digest put(InputStream content) {
    return delegate.put(content);
  }

  @Override
  public Digest putFile(Path file) {
    return delegate.putFile(file);
  }

  @Override
  public InputStream open(Digest digest) {
    reads.add(digest);
    opened.add(digest);
    return delegate.open(digest);
  }

  @Override
  public byte[] read(Digest digest) {
    reads.add(digest);
    return delegate.read(digest);
  }

  @Override
  public void copyTo(Digest digest, Path target) {
    reads.add(digest);
    delegate.copyTo(digest, target);
  }

  @Override
  public boolean exists(Digest digest) {
    return delegate.exists(digest);
  }

  @Override
  public long size(Digest digest) {
    return delegate.size(digest);
  }

  @Override
  public boolean delete(Digest digest) {
    return delegate.delete(digest);
  }

  @Override
  public List<Digest> list() {
    return delegate.list();
  }
}
