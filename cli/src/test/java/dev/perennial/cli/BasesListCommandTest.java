package dev.perennial.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.schemas.v1.BaseAnnouncement;
import dev.perennial.schemas.v1.BaseRef;
import dev.perennial.trainer.rebase.BaseSuccessions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BasesListCommandTest {

  @Test
  void aSuccessionALaterAnnouncementLeadsBackFromIsListedAsOverruled() {
    BaseAnnouncement forth = succession("perennial-tiny", "perennial-tiny-2", 1);
    BaseAnnouncement back = succession("perennial-tiny-2", "perennial-tiny", 2);
    List<BaseAnnouncement> followed = BaseSuccessions.followed(List.of(forth, back));

    assertThat(BasesListCommand.line(forth, followed.contains(forth)))
        .isEqualTo(
            "perennial-tiny-2  sha256:"
                + "2".repeat(64)
                + "  bundled:perennial-tiny-2  succeeds"
                + " perennial-tiny  announced 1970-01-01T00:00:01Z by ops  overruled: later"
                + " announcements lead back to perennial-tiny, so no key moves along it (announce"
                + " it again to move them)");
    assertThat(BasesListCommand.line(back, followed.contains(back)))
        .isEqualTo(
            "perennial-tiny  sha256:"
                + "1".repeat(64)
                + "  bundled:perennial-tiny  succeeds"
                + " perennial-tiny-2  announced 1970-01-01T00:00:02Z by ops");
  }

  private static BaseAnnouncement succession(String from, String to, long second) {
    return BaseAnnouncement.newBuilder()
        .setName(to)
        .setDigest("sha256:" + digest(to))
        .setLocation("bundled:" + to)
        .setSucceeds(new BaseRef(from, "sha256:" + digest(from), "bundled:" + from))
        .setAnnouncedBy("ops")
        .setAnnouncedAt(Instant.ofEpochSecond(second))
        .build();
  }

  private static String digest(String name) {
    return (name.endsWith("-2") ? "2" : "1").repeat(64);
  }
}
