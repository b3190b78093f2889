package dev.perennial.cli.reproduce;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.core.store.ForwardingArtifactStore;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;

/**
 * The artifact store as a rebuild sees it: it reads what the store holds and writes into a scratch
 * store, so rebuilding a release changes nothing in the store it was trained from. What it does not
 * override goes to the scratch store: every write, a delete (a blob the rebuild wrote; the store's
 * own are never removed) and whatever {@link ArtifactStore} gains, so nothing reaches the store.
 */
final class ScratchOverlayStore extends ForwardingArtifactStore {

  private final ArtifactStore store;
  private final ArtifactStore scratch;

  ScratchOverlayStore(ArtifactStore store, ArtifactStore scratch) {
    super(scratch);
    this.store = store;
    this.scratch = scratch;
  }

  private ArtifactStore holding(Digest digest) {
    return scratch.exists(digest) ? scratch : store;
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
  public boolean isGone(Digest digest) {
    return holding(digest).isGone(digest);
  }

  @Override
  public long size(Digest digest) {
    return holding(digest).size(digest);
  }

  @Override
  public List<Digest> list() {
    TreeSet<Digest> all = new TreeSet<>(store.list());
    all.addAll(scratch.list());
    return List.copyOf(all);
  }
}
