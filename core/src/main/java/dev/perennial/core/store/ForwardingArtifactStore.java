package dev.perennial.core.store;

import dev.perennial.core.crypto.Digest;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * An {@link ArtifactStore} that hands every call to another one; a subclass overrides what it
 * changes (checks a write, records a read, sends writes elsewhere). Every method of {@link
 * ArtifactStore} is forwarded here, its defaults too, so a method added to it is added here once
 * rather than to each wrapper.
 */
public abstract class ForwardingArtifactStore implements ArtifactStore {

  private final ArtifactStore delegate;

  protected ForwardingArtifactStore(ArtifactStore delegate) {
    this.delegate = delegate;
  }

  /** The store every call not overridden goes to. */
  protected ArtifactStore delegate() {
    return delegate;
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
    return delegate.open(digest);
  }

  @Override
  public byte[] read(Digest digest) {
    return delegate.read(digest);
  }

  @Override
  public void copyTo(Digest digest, Path target) {
    delegate.copyTo(digest, target);
  }

  @Override
  public boolean exists(Digest digest) {
    return delegate.exists(digest);
  }

  @Override
  public boolean isGone(Digest digest) {
    return delegate.isGone(digest);
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

  @Override
  public List<Path> unfinishedWrites() {
    return delegate.unfinishedWrites();
  }
}
