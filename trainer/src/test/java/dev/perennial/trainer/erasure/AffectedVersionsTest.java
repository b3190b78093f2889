package dev.perennial.trainer.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.trainer.accumulate.CandidateEntry;
import dev.perennial.trainer.accumulate.ReleaseEntry;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AffectedVersionsTest {

  private static CandidateEntry candidate(String id, Integer parent, Integer moved) {
    return new CandidateEntry(id, id + "-job", parent, moved, List.of(), null);
  }

  private static ReleaseEntry release(int version, String candidateId) {
    return new ReleaseEntry(version, candidateId, null, null);
  }

  @Test
  void releasesOnTopOfOrMovedFromAnAffectedReleaseAreAffectedHoweverFarDown() {
    List<CandidateEntry> candidates =
        List.of(
            candidate("c1", null, null),
            candidate("c2", 1, null),
            // a REBASE candidate: no parent, it moved v2 onto a new base
            candidate("c3", null, 2),
            candidate("c4", 3, null),
            candidate("clean", null, null));
    List<ReleaseEntry> releases =
        List.of(
            release(1, "c1"),
            release(2, "c2"),
            release(3, "c3"),
            release(4, "c4"),
            release(5, "clean"));

    assertThat(AffectedVersions.of(Set.of("c1-job"), candidates, releases))
        .containsExactly(1, 2, 3, 4);
  }
}
