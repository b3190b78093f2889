package dev.perennial.evaluator.evaluate;

import dev.perennial.schemas.release.StableRelease;
import dev.perennial.schemas.v1.AdapterCandidate;
import java.util.Optional;

/** A candidate to evaluate and its key's stable release at the time, if any. */
public record CandidateRequest(AdapterCandidate candidate, Optional<StableRelease> stable) {}
