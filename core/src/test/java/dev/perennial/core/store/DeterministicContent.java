package dev.perennial.core.store;

import java.io.InputStream;
import java.util.Random;

/** The same pseudo-random bytes for the same seed and size; can stall forever at one point. */
final class DeterministicContent extends InputStream {

  static final String STALLED = "STALLED";

  private final Random random;
  private final long size;
  private final long stallAt;
  private long served;

  /**
   * @param stallAt where to print {@value #STALLED} and block until killed; -1 never
   */
  DeterministicContent(long seed, long size, long stallAt) {
    this.random = new Random(seed);
    this.size = size;
    this.stallAt = stallAt;
  }

  @Override
  public int read() {
    byte[] one = new byte[1];
    return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) {
    if (served == stallAt) {
      stallUntilKilled();
    }
    if (served == size) {
      return -1;
    }
    long limit = stallAt > served ? Math.min(size, stallAt) : size;
    int n = (int) Math.min(length, limit - served);
    byte[] chunk = new byte[n];
    random.nextBytes(chunk);
    System.arraycopy(chunk, 0, buffer, offset, n);
    served += n;
    return n;
  }

  private static void stallUntilKilled() {
    System.out.println(STALLED);
    System.out.flush();
    while (true) {
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
