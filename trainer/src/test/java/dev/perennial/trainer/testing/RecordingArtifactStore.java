package dev.perennial.trainer.testing;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.core.store.ForwardingArtifactStore;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An artifact store that remembers every digest read from it, in order, and apart from those the
 * digests opened as a stream (how a shard's header alone is read).
 */
public final class RecordingArtifactStore extends ForwardingArtifactStore {

  private final List<Digest> reads = new CopyOnWriteArrayList<>();
  private final List<Digest> opened = new CopyOnWriteArrayList<>();

  public RecordingArtifactStore(ArtifactStore delegate) {
    super(delegate);
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
    return delegate();
  }

  public void clearReads() {
    reads.clear();
    opened.clear();
  }

  @Override
  public InputStream open(Digest digest) {
    reads.add(digest);
    opened.add(digest);
    return super.open(digest);
  }

  @Override
  public byte[] read(Digest digest) {
    reads.add(digest);
    return super.read(digest);
  }

  @Override
  public void copyTo(Digest digest, Path target) {
    reads.add(digest);
    super.copyTo(digest, target);
  }
}
