package dev.perennial.trainer.accumulate;

import dev.perennial.schemas.release.StableRelease;
import java.util.List;
import java.util.Optional;

/** Every base's stable release of one adapter key (what the accumulator plans REBASE jobs from). */
public record KeyStables(String adapterKey, List<StableOnBase> stables) {

  public KeyStables {
    stables = stables == null ? List.of() : List.copyOf(stables);
  }

  /** The stable release on the base with the given digest (any spelling), if there is one. */
  public Optional<StableOnBase> on(String baseDigest) {
    String wanted = StableRelease.normalized(baseDigest);
    return stables.stream().filter(s -> s.baseDigest().equals(wanted)).findFirst();
  }
}
