package dev.perennial.cli.reproduce;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.ArtifactStore;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;

/**
 * The artifact store as a rebuild sees it: it reads what the store holds and writes into a scratch
 * store, so rebuilding a release changes nothing in the store it was trained from.
 */
final class ScratchOverlayStore implements ArtifactStore {

  private final ArtifactStore store;
  private final ArtifactStore scratch;

  ScratchOverlayStore(ArtifactStore store, ArtifactStore scratch) {
    this.store = store;
    this.scratch = scratch;
  }

  private ArtifactStore holding(Digest digest) {
    return scratch.exists(digest) ? scratch : store;
  }

  @Override
  public Digest put(byte[] content) {
    return scratch.put(content);
  }

  @Override
  public Digest put(InputStream content) {
    return scratch.put(content);
  }

  @Override
  public Digest putFile(Path file) {
    return scratch.putFile(file);
  }

  @Override
  public InputStream open(Digest digest) {
    return holding(digest).open(digest);
  }

  @Override
  public byte[] read(Digest digest) {
    return holding(digest).read(digest);
  }

  @Override
  public void copyTo(Digest digest, Path target) {
    holding(digest).copyTo(digest, target);
  }

  @Override
  public boolean exists(Digest digest) {
    return scratch.exists(digest) || store.exists(digest);
  }

  @Override
  public long size(Digest digest) {
    return holding(digest).size(digest);
  }

  /** Removes a blob the rebuild wrote; the store's own are never removed. */
  @Override
  public boolean delete(Digest digest) {
    return scratch.delete(digest);
  }

  @Override
  public List<Digest> list() {
    TreeSet<Digest> all = new TreeSet<>(store.list());
    all.addAll(scratch.list());
    return List.copyOf(all);
  }
}
