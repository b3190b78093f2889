package dev.perennial.trainer.shard;

import dev.perennial.core.crypto.Digest;
import dev.perennial.schemas.v1.TrainingExample;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Decides by an example's split key (its id, for one made before split keys) whether it is held
 * out: the first 8 bytes of the SHA-256 of the key, read as a fraction of 2^64, below the held-out
 * fraction. The same example is always on the same side, whichever job it lands in, and so is every
 * example about the same prompt, whatever its kind.
 */
public final class HeldOutSplit {

  private static final double TWO_TO_64 = 0x1p64;

  private final double fraction;

  public HeldOutSplit(double fraction) {
    if (!(fraction >= 0 && fraction < 1)) {
      throw new IllegalArgumentException("Held-out fraction must be in [0, 1): " + fraction);
    }
    this.fraction = fraction;
  }

  /**
   * Whether {@code example} (in the clear or as ingest encrypted it) is held out: by its split key,
   * which examples of any kind about one prompt share (an example made before split keys: by its
   * id).
   */
  public boolean isHeldOut(TrainingExample example) {
    return isHeldOut(keyOf(example));
  }

  /** What decides the side of {@code example}: its split key, or its id if it was made before. */
  public static String keyOf(TrainingExample example) {
    String splitKey = example.getSplitKey();
    return splitKey != null ? splitKey : example.getExampleId();
  }

  /** Whether the example of this split key (or id) is held out. */
  public boolean isHeldOut(String key) {
    return position(key) < fraction;
  }

  /** Where the key falls in [0, 1). */
  static double position(String key) {
    byte[] hash = Digest.of(key.getBytes(StandardCharsets.UTF_8)).toBytes();
    long bits = ByteBuffer.wrap(hash, 0, Long.BYTES).getLong();
    double unsigned = (bits >>> 1) * 2.0 + (bits & 1);
    return unsigned / TWO_TO_64;
  }
}
