package dev.perennial.trainer.erasure;

import dev.perennial.trainer.accumulate.CandidateEntry;
import dev.perennial.trainer.accumulate.ReleaseEntry;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which releases of an adapter key hold data of jobs an erasure changed: the releases made from
 * those jobs' candidates, and every release trained on top of one of them (continual learning
 * carries the data on) or moved from one onto a new base (a REBASE candidate carries its weights
 * over or distils them), however many generations down.
 */
public final class AffectedVersions {

  private AffectedVersions() {}

  public static SortedSet<Integer> of(
      Set<String> affectedJobIds,
      Collection<CandidateEntry> candidates,
      Collection<ReleaseEntry> releases) {
    Map<String, CandidateEntry> candidateById = new HashMap<>();
    candidates.forEach(candidate -> candidateById.put(candidate.candidateId(), candidate));
    SortedSet<Integer> affected = new TreeSet<>();
    boolean grew = true;
    while (grew) {
      grew = false;
      for (ReleaseEntry release : releases) {
        if (affected.contains(release.version())) {
          continue;
        }
        CandidateEntry candidate = candidateById.get(release.candidateId());
        if (candidate == null) {
          continue;
        }
        boolean trainedOnErasedData = affectedJobIds.contains(candidate.jobId());
        boolean parentAffected =
            candidate.parentVersion() != null && affected.contains(candidate.parentVersion());
        boolean movedAffected =
            candidate.movedVersion() != null && affected.contains(candidate.movedVersion());
        if (trainedOnErasedData || parentAffected || movedAffected) {
          affected.add(release.version());
          grew = true;
        }
      }
    }
    return affected;
  }
}
