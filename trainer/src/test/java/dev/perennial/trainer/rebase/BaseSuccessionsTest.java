package dev.perennial.trainer.rebase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.schemas.v1.BaseAnnouncement;
import dev.perennial.schemas.v1.BaseRef;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BaseSuccessionsTest {

  @Test
  void aChainIsFollowedWholeAndAnAnnouncementThatSucceedsNothingIsNot() {
    BaseAnnouncement first = succession("a", "b", 1);
    BaseAnnouncement second = succession("b", "c", 2);
    BaseAnnouncement alone =
        BaseAnnouncement.newBuilder(succession("x", "y", 3)).setSucceeds(null).build();

    assertThat(BaseSuccessions.followed(List.of(first, second, alone)))
        .containsExactly(first, second);
  }

  @Test
  void theOldestAnnouncementOfEveryCycleIsOverruledByTheLaterOnesThatLeadBack() {
    BaseAnnouncement forth = succession("a", "b", 1);
    BaseAnnouncement back = succession("b", "a", 2);
    assertThat(BaseSuccessions.followed(List.of(forth, back))).containsExactly(back);

    BaseAnnouncement ab = succession("a", "b", 2);
    BaseAnnouncement bc = succession("b", "c", 1);
    BaseAnnouncement ca = succession("c", "a", 3);
    assertThat(BaseSuccessions.followed(List.of(ab, bc, ca))).containsExactly(ab, ca);
  }

  @Test
  void announcementsOfTheSameInstantAreOrderedByNameSoACycleOfThemIsBrokenToo() {
    BaseAnnouncement forth = succession("a", "b", 1);
    BaseAnnouncement back = succession("b", "a", 1);

    assertThat(BaseSuccessions.followed(List.of(forth, back))).hasSize(1);
  }

  /** {@code to} announced at {@code second} as the successor of {@code from}. */
  private static BaseAnnouncement succession(String from, String to, long second) {
    return BaseAnnouncement.newBuilder()
        .setName(to)
        .setDigest("sha256:" + digest(to))
        .setLocation("bundled:" + to)
        .setSucceeds(new BaseRef(from, digest(from), "bundled:" + from))
        .setAnnouncedBy("test")
        .setAnnouncedAt(Instant.ofEpochSecond(second))
        .build();
  }

  private static String digest(String name) {
    return String.valueOf(name.charAt(0)).repeat(64);
  }
}
