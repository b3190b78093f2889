package dev.perennial.evaluator.evaluate;

import dev.perennial.schemas.release.StableRelease;
import dev.perennial.schemas.v1.AdapterCandidate;
import java.util.List;
import java.util.Optional;

/**
 * A candidate to evaluate, its key's stable release on the candidate's base at the time, if any,
 * and the key's stable releases on other bases (where a REBASE candidate's old release is found,
 * with what {@code releases.v1} records of it).
 */
public record CandidateRequest(
    AdapterCandidate candidate, Optional<StableRelease> stable, List<StableRelease> otherBases) {

  public CandidateRequest {
    otherBases = List.copyOf(otherBases);
  }

  /** A candidate whose key has no stable release on any other base. */
  public CandidateRequest(AdapterCandidate candidate, Optional<StableRelease> stable) {
    this(candidate, stable, List.of());
  }
}
