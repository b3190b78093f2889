package dev.perennial.trainer.rebase;

import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.schemas.v1.BaseAnnouncement;
import dev.perennial.schemas.v1.BaseRef;
import dev.perennial.trainer.OperatorRecords;
import dev.perennial.trainer.TrainerException;
import dev.perennial.trainer.worker.BaseModelSource;
import java.time.Clock;
import java.util.List;

/**
 * The operator's side of {@code bases.v1}: announcing a base model (with the base it succeeds), and
 * listing what was announced. Both bases are opened from their locations first, so an announcement
 * always carries the digests the model layer computes; a location that does not hold a loadable
 * model is refused before anything is written.
 */
public final class BaseAnnouncements {

  private BaseAnnouncements() {}

  /**
   * The announcement of the base at {@code location} (a model folder workers can read, or {@code
   * bundled:<name>}) succeeding the one at {@code succeedsLocation} (null: succeeds none).
   */
  public static BaseAnnouncement describe(
      String name,
      String location,
      String succeedsName,
      String succeedsLocation,
      String actor,
      String reason,
      Clock clock) {
    BaseModel base = BaseModelSource.at(location, name).base();
    BaseRef succeeds = null;
    if (succeedsLocation != null) {
      BaseModel old = BaseModelSource.at(succeedsLocation, succeedsName).base();
      if (old.digest().equals(base.digest())) {
        throw new TrainerException(
            name
                + " at "
                + location
                + " is the same model as "
                + succeedsName
                + " ("
                + base.digest()
                + ")");
      }
      succeeds = new BaseRef(succeedsName, old.digest(), succeedsLocation);
    }
    return BaseAnnouncement.newBuilder()
        .setName(name)
        .setDigest(base.digest())
        .setLocation(location)
        .setSucceeds(succeeds)
        .setAnnouncedBy(actor)
        .setReason(reason)
        .setAnnouncedAt(clock.instant())
        .build();
  }

  /**
   * Writes the announcement to {@code bases.v1} (created when missing), keyed by the base's name.
   */
  public static void publish(PerennialConfig config, BaseAnnouncement announcement) {
    OperatorRecords.write(
        config,
        PerennialTopic.BASES,
        Topics::bases,
        "bases-announce",
        announcement.getName(),
        announcement);
  }

  /** Every base announced so far (the latest announcement of each name). */
  public static List<BaseAnnouncement> list(PerennialConfig config) {
    return List.copyOf(
        OperatorRecords.latest(config, PerennialTopic.BASES, Topics::bases, "bases-list").values());
  }
}
