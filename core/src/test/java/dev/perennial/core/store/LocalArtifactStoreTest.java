package dev.perennial.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.perennial.core.PerennialException;
import dev.perennial.core.crypto.Digest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalArtifactStoreTest {

  @TempDir Path folder;

  private LocalArtifactStore store() {
    return new LocalArtifactStore(folder.resolve("store"));
  }

  private static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  @Test
  void aBlobIsStoredUnderTheSha256OfItsContentAndReadBack() {
    LocalArtifactStore store = store();
    byte[] content = randomBytes(1_000_000, 1);

    Digest digest = store.put(content);

    assertThat(digest).isEqualTo(Digest.of(content));
    assertThat(store.exists(digest)).isTrue();
    assertThat(store.size(digest)).isEqualTo(content.length);
    assertThat(store.read(digest)).isEqualTo(content);
    assertThat(store.blobPath(digest))
        .isEqualTo(
            store
                .root()
                .resolve("sha256")
                .resolve(digest.hex().substring(0, 2))
                .resolve(digest.hex()));
  }

  @Test
  void writingTheSameContentTwiceKeepsOneBlob() {
    LocalArtifactStore store = store();
    byte[] content = "same adapter".getBytes(StandardCharsets.UTF_8);

    Digest first = store.put(content);
    Digest second = store.put(new ByteArrayInputStream(content));

    assertThat(second).isEqualTo(first);
    assertThat(store.list()).containsExactly(first);
  }

  @Test
  void streamsAndFilesAreStoredLikeBytes() throws IOException {
    LocalArtifactStore store = store();
    byte[] content = randomBytes(300_000, 2);
    Path file = Files.write(folder.resolve("adapter_model.safetensors"), content);

    Digest fromFile = store.putFile(file);
    Digest fromStream = store.put(new ByteArrayInputStream(content));

    assertThat(fromFile).isEqualTo(fromStream).isEqualTo(Digest.of(content));
    try (InputStream in = store.open(fromFile)) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
  }

  @Test
  void aCorruptedBlobIsDetectedOnRead() throws IOException {
    LocalArtifactStore store = store();
    Digest digest = store.put(randomBytes(10_000, 3));
    byte[] stored = Files.readAllBytes(store.blobPath(digest));
    stored[5_000] ^= 0x01;
    Files.write(store.blobPath(digest), stored);

    assertThatThrownBy(() -> store.read(digest))
        .isInstanceOf(CorruptArtifactException.class)
        .hasMessageContaining(digest.toString())
        .hasMessageContaining(Digest.of(stored).toString());
    assertThatThrownBy(
            () -> {
              try (InputStream in = store.open(digest)) {
                in.skip(Long.MAX_VALUE);
                in.read();
              }
            })
        .isInstanceOf(CorruptArtifactException.class);
    Path target = folder.resolve("copy");
    assertThatThrownBy(() -> store.copyTo(digest, target))
        .isInstanceOf(CorruptArtifactException.class);
    assertThat(target).doesNotExist();
  }

  @Test
  void aMissingBlobIsNamed() {
    LocalArtifactStore store = store();
    store.put(new byte[] {7});
    Digest missing = Digest.of(new byte[] {42});

    assertThat(store.exists(missing)).isFalse();
    assertThatThrownBy(() -> store.read(missing))
        .isInstanceOf(ArtifactNotFoundException.class)
        .hasMessageContaining(missing.toString());
    assertThatThrownBy(() -> store.size(missing)).isInstanceOf(ArtifactNotFoundException.class);
    assertThat(store.delete(missing)).isFalse();
  }

  @Test
  void aBlobAskedOfAStoreThatHoldsNothingIsAnOutageNotAMissingBlob() {
    // an unmounted volume: the image's empty mount point, which the store opens as a fresh folder
    LocalArtifactStore store = store();
    Digest digest = Digest.of(new byte[] {42});

    for (ThrowingCallable miss :
        List.<ThrowingCallable>of(
            () -> store.open(digest),
            () -> store.read(digest),
            () -> store.size(digest),
            () -> store.copyTo(digest, folder.resolve("copy")),
            () -> store.delete(digest))) {
      assertThatThrownBy(miss)
          .isInstanceOf(ArtifactStoreUnavailableException.class)
          .isInstanceOf(ArtifactStoreOutageException.class)
          .isNotInstanceOf(ArtifactNotFoundException.class)
          .hasMessageContaining("The artifact store at " + store.root() + " holds nothing")
          .hasMessageContaining("is its volume mounted?");
    }
    assertThatThrownBy(() -> store.isGone(digest))
        .isInstanceOf(ArtifactStoreUnavailableException.class);
    assertThat(
            ArtifactStoreOutageException.isCause(
                new RuntimeException("wrapped", catchThrowable(() -> store.read(digest)))))
        .isTrue();
    assertThat(store.exists(digest)).isFalse();
    assertThat(store.list()).isEmpty();
    assertThat(folder.resolve("copy")).doesNotExist();
  }

  @Test
  void aStoreOnceWrittenToStaysFoundedWhenEveryBlobIsDeleted() {
    LocalArtifactStore store = store();
    Digest erased = store.put("erased".getBytes(StandardCharsets.UTF_8));
    assertThat(store.delete(erased)).isTrue();

    // an erasure deleted it: that blob is gone, and the store says so
    assertThat(store.list()).isEmpty();
    assertThat(store.root().resolve(LocalArtifactStore.MARKER)).isRegularFile();
    assertThatThrownBy(() -> store.read(erased)).isInstanceOf(ArtifactNotFoundException.class);
    assertThatThrownBy(() -> store.size(erased)).isInstanceOf(ArtifactNotFoundException.class);
    assertThat(store.isGone(erased)).isTrue();
    assertThat(store.delete(erased)).isFalse();
    // the marker is no blob, and another process opening the store sees it founded too
    LocalArtifactStore again = new LocalArtifactStore(store.root());
    assertThatThrownBy(() -> again.open(erased)).isInstanceOf(ArtifactNotFoundException.class);
    assertThat(again.list()).isEmpty();
  }

  @Test
  void aStoreWrittenBeforeTheMarkerIsFoundedByItsBlobs() throws IOException {
    LocalArtifactStore store = store();
    Digest kept = store.put("written by an older version".getBytes(StandardCharsets.UTF_8));
    // an older version wrote blobs and no marker
    Files.deleteIfExists(store.root().resolve(LocalArtifactStore.MARKER));
    Digest missing = Digest.of(new byte[] {42});

    LocalArtifactStore reopened = new LocalArtifactStore(store.root());
    assertThatThrownBy(() -> reopened.read(missing)).isInstanceOf(ArtifactNotFoundException.class);
    assertThat(reopened.isGone(missing)).isTrue();
    assertThat(reopened.isGone(kept)).isFalse();
    assertThat(reopened.list()).containsExactly(kept);
  }

  @Test
  void deletedBlobsAreGoneAndTheListIsSorted() {
    LocalArtifactStore store = store();
    Digest a = store.put(new byte[] {1});
    Digest b = store.put(new byte[] {2});
    Digest c = store.put(new byte[] {3});

    assertThat(store.list()).containsExactlyElementsOf(Stream.of(a, b, c).sorted().toList());
    assertThat(store.delete(b)).isTrue();
    assertThat(store.exists(b)).isFalse();
    assertThat(store.list()).containsExactlyInAnyOrder(a, c);
  }

  @Test
  void copyToWritesACheckedCopy() throws IOException {
    LocalArtifactStore store = store();
    byte[] content = randomBytes(50_000, 4);
    Digest digest = store.put(content);
    Path target = folder.resolve("release/adapter_model.safetensors");

    store.copyTo(digest, target);

    assertThat(Files.readAllBytes(target)).isEqualTo(content);
  }

  @Test
  void aWriteThatFailsHalfwayLeavesNothingBehind() {
    LocalArtifactStore store = store();
    InputStream failing =
        new InputStream() {
          private int served;

          @Override
          public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0];
          }

          @Override
          public int read(byte[] buffer, int offset, int length) throws IOException {
            if (served >= 100_000) {
              throw new IOException("disk unplugged");
            }
            int n = Math.min(length, 100_000 - served);
            Arrays.fill(buffer, offset, offset + n, (byte) 7);
            served += n;
            return n;
          }
        };

    assertThatThrownBy(() -> store.put(failing))
        .isInstanceOf(PerennialException.class)
        .isNotInstanceOf(ArtifactStoreWriteException.class)
        .hasMessageContaining("disk unplugged");
    assertThat(store.list()).isEmpty();
    assertThat(store.removeAbandonedWrites(Duration.ZERO)).isZero();
  }

  @Test
  void aWriteInProgressIsAnUnfinishedWriteUntilItsBlobIsInPlace() {
    LocalArtifactStore store = store();
    store.put("founded".getBytes(StandardCharsets.UTF_8));
    List<List<Path>> seen = new ArrayList<>();
    InputStream content =
        new InputStream() {
          private int served;

          @Override
          public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0];
          }

          @Override
          public int read(byte[] buffer, int offset, int length) {
            seen.add(store.unfinishedWrites());
            if (served >= 2) {
              return -1;
            }
            buffer[offset] = (byte) 'a';
            served++;
            return 1;
          }
        };

    Digest digest = store.put(content);

    // the write's own file, under tmp/, while the content is read
    assertThat(seen.get(0))
        .singleElement()
        .satisfies(file -> assertThat(file.getParent()).isEqualTo(store.root().resolve("tmp")));
    assertThat(seen).allMatch(files -> files.equals(seen.get(0)));
    assertThat(store.unfinishedWrites()).isEmpty();
    assertThat(store.read(digest)).asString(StandardCharsets.UTF_8).isEqualTo("aa");
  }

  @Test
  void aStoreWhoseFolderTakesNoWriteSaysSoApartFromTheContent() throws IOException {
    LocalArtifactStore store = store();
    Digest kept = store.put("kept".getBytes(StandardCharsets.UTF_8));
    // as on a full or read-only volume (and for root too): every write fails with an IOException
    Path writes = store.root().resolve("tmp");
    Files.delete(writes);
    Files.writeString(writes, "not a folder");

    assertThatThrownBy(() -> store.put("new".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(ArtifactStoreWriteException.class)
        .hasMessageContaining("Cannot write an artifact to " + store.root());
    assertThat(
            ArtifactStoreOutageException.isCause(new RuntimeException("wrapped", catchPut(store))))
        .isTrue();
    assertThat(store.read(kept)).asString(StandardCharsets.UTF_8).isEqualTo("kept");
  }

  private static Throwable catchPut(LocalArtifactStore store) {
    try {
      store.put(new byte[] {1});
    } catch (ArtifactStoreWriteException e) {
      return e;
    }
    throw new AssertionError("the write succeeded");
  }
}
