package dev.perennial.trainer.erasure;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.AdapterFiles;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The artifact-store blobs that make an adapter readable: its folder index ({@code location}) and
 * every file that {@linkplain AdapterFiles#holdsWeights holds weights} (the publisher's weight
 * purge follows the same rule).
 */
public final class CandidateWeights {

  private CandidateWeights() {}

  /**
   * The blobs' digests (hex, sorted); a location that is a folder rather than a blob, or a digest
   * that is none, is left out (the evaluator refuses such a candidate on its integrity gate).
   */
  public static List<String> of(String location, Map<String, String> fileDigests) {
    SortedSet<String> blobs = new TreeSet<>();
    if (location != null && location.startsWith(Digest.PREFIX)) {
      addIfDigest(blobs, location);
    }
    fileDigests.forEach(
        (name, digest) -> {
          if (AdapterFiles.holdsWeights(name)) {
            addIfDigest(blobs, digest);
          }
        });
    return List.copyOf(blobs);
  }

  private static void addIfDigest(SortedSet<String> blobs, String text) {
    try {
      blobs.add(Digest.parse(text).hex());
    } catch (IllegalArgumentException e) {
      // not a blob this rule can name
    }
  }
}
