package dev.perennial.publisher.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.publisher.config.RetractionPolicy;
import dev.perennial.publisher.config.TenantPolicy;
import dev.perennial.publisher.release.VersionAssignment.Kind;
import dev.perennial.publisher.testing.ReleaseStates;
import dev.perennial.schemas.key.AdapterKey;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class VersionAssignmentTest {

  private static final AdapterKey KEY = AdapterKey.parse("acme/support");
  private static final TenantPolicy AUTO = new TenantPolicy(true, RetractionPolicy.REPLACEMENT);

  @Test
  void aNewCandidateGetsTheNextVersion() {
    assertThat(VersionAssignment.assign(KeyState.empty(KEY), "cand-a"))
        .isEqualTo(new VersionAssignment(1, Kind.NEW));
    assertThat(VersionAssignment.assign(ReleaseStates.published(KEY, 2, AUTO), "cand-a"))
        .isEqualTo(new VersionAssignment(3, Kind.NEW));
  }

  @Test
  void theSameCandidateAgainKeepsItsVersionAndNeverGetsASecondOne() {
    KeyState state = ReleaseStates.published(KEY, 3, AUTO);

    VersionAssignment first = VersionAssignment.assign(state, "cand-v2");
    VersionAssignment again = VersionAssignment.assign(state, "cand-v2");

    assertThat(first).isEqualTo(new VersionAssignment(2, Kind.ALREADY_PUBLISHED)).isEqualTo(again);
  }

  @Test
  void aFolderWhoseAnnouncementWasLostIsAnnouncedRatherThanWrittenAgain() {
    KeyState state =
        ReleaseStates.published(KEY, 2, AUTO).withRelease(ReleaseStates.release(KEY, 3, "cand-c"));

    assertThat(VersionAssignment.assign(state, "cand-c"))
        .isEqualTo(new VersionAssignment(3, Kind.UNANNOUNCED));
    assertThat(VersionAssignment.assign(state, "cand-d"))
        .isEqualTo(new VersionAssignment(4, Kind.NEW));
  }

  @Test
  void anUnreadableFolderNumberIsNeverHandedOutAgain() {
    KeyState state = new KeyState(KEY, 0, new TreeMap<>(), 7, new TreeMap<>(), new TreeSet<>());

    assertThat(VersionAssignment.assign(state, "cand-a").version()).isEqualTo(8);
  }
}
