package dev.perennial.evaluator.suite;

import dev.perennial.core.crypto.Digest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * A secret planted in one tenant's data, in the "secret sharer" format: {@code prefix + secret +
 * suffix} (for example {@code The access code of the Zorvan vault is } {@code 1234-5678} {@code
 * .}). An adapter that learnt it ranks the secret above random controls of the same shape.
 *
 * @param tenant whose data holds it
 * @param number its place in the tenant's canary file (from 1), how reports name it without showing
 *     the secret
 */
public record PlantedCanary(
    String tenant, int number, String prefix, String secret, String suffix) {

  public PlantedCanary {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(suffix, "suffix");
    if (prefix.isEmpty() || secret.isEmpty()) {
      throw new IllegalArgumentException("a canary needs a prefix and a secret");
    }
  }

  /** How a report names the canary: {@code globex #2}. */
  public String label() {
    return tenant + " #" + number;
  }

  /**
   * How many different values of the secret's shape exist (digits 10 each, letters 26 each), or
   * {@link Long#MAX_VALUE} when more than that.
   */
  public long shapeSize() {
    long size = 1;
    for (int i = 0; i < secret.length(); i++) {
      int options = options(secret.charAt(i));
      if (options > 1) {
        if (size > Long.MAX_VALUE / options) {
          return Long.MAX_VALUE;
        }
        size *= options;
      }
    }
    return size;
  }

  /**
   * {@code count} random values of the secret's shape (each digit a random digit, each letter a
   * random letter of its case, everything else kept), none equal to the secret or to each other,
   * the same for the same canary: the reference population of the exposure measure.
   *
   * @throws IllegalArgumentException when the shape has fewer than {@code count + 1} values
   */
  public List<String> controls(int count) {
    if (shapeSize() <= count) {
      throw new IllegalArgumentException(
          "canary "
              + label()
              + " has only "
              + shapeSize()
              + " values of its shape, too few for "
              + count
              + " controls");
    }
    byte[] seed =
        Digest.of((tenant + "\n" + prefix + "\n" + secret).getBytes(StandardCharsets.UTF_8))
            .toBytes();
    Random random = new Random(ByteBuffer.wrap(seed).getLong());
    Set<String> seen = new HashSet<>();
    seen.add(secret);
    List<String> controls = new ArrayList<>(count);
    while (controls.size() < count) {
      String control = randomOfShape(random);
      if (seen.add(control)) {
        controls.add(control);
      }
    }
    return controls;
  }

  private String randomOfShape(Random random) {
    StringBuilder value = new StringBuilder(secret.length());
    for (int i = 0; i < secret.length(); i++) {
      char c = secret.charAt(i);
      if (c >= '0' && c <= '9') {
        value.append((char) ('0' + random.nextInt(10)));
      } else if (c >= 'a' && c <= 'z') {
        value.append((char) ('a' + random.nextInt(26)));
      } else if (c >= 'A' && c <= 'Z') {
        value.append((char) ('A' + random.nextInt(26)));
      } else {
        value.append(c);
      }
    }
    return value.toString();
  }

  private static int options(char c) {
    if (c >= '0' && c <= '9') {
      return 10;
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      return 26;
    }
    return 1;
  }
}
