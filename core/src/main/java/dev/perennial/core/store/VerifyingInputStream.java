package dev.perennial.core.store;

import dev.perennial.core.crypto.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Hashes what passes through and, at the end of the stream, compares it with the expected digest.
 */
final class VerifyingInputStream extends FilterInputStream {

  private final Digest expected;
  private final String location;
  private final MessageDigest digest = Digest.newMessageDigest();
  private boolean verified;

  VerifyingInputStream(InputStream in, Digest expected, String location) {
    super(in);
    this.expected = expected;
    this.location = location;
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b == -1) {
      verify();
    } else {
      digest.update((byte) b);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int read = in.read(buffer, offset, length);
    if (read == -1) {
      verify();
    } else {
      digest.update(buffer, offset, read);
    }
    return read;
  }

  /** Skipped bytes are read and hashed too, so the check at the end still covers everything. */
  @Override
  public long skip(long n) throws IOException {
    byte[] buffer = new byte[8192];
    long skipped = 0;
    while (skipped < n) {
      int read = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
      if (read == -1) {
        break;
      }
      skipped += read;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public synchronized void mark(int readlimit) {}

  @Override
  public synchronized void reset() throws IOException {
    throw new IOException("mark/reset not supported");
  }

  private void verify() {
    if (verified) {
      return;
    }
    verified = true;
    Digest actual = Digest.fromBytes(digest.digest());
    if (!actual.equals(expected)) {
      throw new CorruptArtifactException(expected, actual, location);
    }
  }
}
