package dev.perennial.trainer.rebase;

import dev.perennial.schemas.release.StableRelease;
import dev.perennial.schemas.v1.BaseAnnouncement;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which announced successions the trainer re-bases keys along. An announcement that a chain of
 * later announcements leads back from (its base announced, since, as the predecessor of its own
 * predecessor: the operator went back) is overruled: followed as well, each direction's move would
 * be a newer release than the other direction last moved, and every key would be re-based back and
 * forth for ever. Dropping the oldest announcement of every such cycle leaves none.
 */
public final class BaseSuccessions {

  /** Announcement order: by time, then by name (a tie must not keep both of a cycle). */
  private static final Comparator<BaseAnnouncement> ORDER =
      Comparator.comparing(BaseAnnouncement::getAnnouncedAt)
          .thenComparing(BaseAnnouncement::getName);

  private BaseSuccessions() {}

  /** The announcements that succeed a base and are not overruled, in the order given. */
  public static List<BaseAnnouncement> followed(Collection<BaseAnnouncement> announced) {
    return announced.stream()
        .filter(base -> base.getSucceeds() != null)
        .filter(base -> !overruled(base, announced))
        .toList();
  }

  /**
   * Whether announcements later than {@code base} lead from its base back to the one it succeeds.
   */
  private static boolean overruled(BaseAnnouncement base, Collection<BaseAnnouncement> announced) {
    String back = StableRelease.normalized(base.getSucceeds().getDigest());
    Set<String> reached = new HashSet<>();
    Deque<String> frontier = new ArrayDeque<>(List.of(StableRelease.normalized(base.getDigest())));
    while (!frontier.isEmpty()) {
      String from = frontier.pop();
      for (BaseAnnouncement later : announced) {
        if (later.getSucceeds() == null
            || ORDER.compare(later, base) <= 0
            || !StableRelease.normalized(later.getSucceeds().getDigest()).equals(from)) {
          continue;
        }
        String to = StableRelease.normalized(later.getDigest());
        if (to.equals(back)) {
          return true;
        }
        if (reached.add(to)) {
          frontier.push(to);
        }
      }
    }
    return false;
  }
}
