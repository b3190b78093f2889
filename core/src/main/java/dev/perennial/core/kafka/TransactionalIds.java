package dev.perennial.core.kafka;

import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.kafka.StageAcls.Stage;

/**
 * The transactional ids of the stages that name their own, a trainer worker and an evaluator: the
 * topic prefix, the stage and a dot before the worker or instance id ({@code
 * acme.trainer-worker.<worker id>}, {@code acme.evaluator.<instance id>}). Two installs on one
 * cluster under different topic prefixes thus never fence each other's transactions, however their
 * pods are named. A worker's static group member id is its transactional id.
 *
 * <p>Under the default topic prefix ({@value PerennialConfig#TOPIC_PREFIX_DEFAULT}) the ids stay
 * those of earlier releases, {@code perennial-trainer-worker-<worker id>} and {@code
 * perennial-evaluator-<instance id>}: an upgraded worker or evaluator takes over, and aborts, the
 * transaction its former self left open instead of leaving it to time out. The dot after the stage
 * keeps every other prefix apart from these, {@code perennial-} included.
 *
 * <p>The Kafka Streams stages' transactional ids follow their {@code application.id}, the
 * publisher's is its instance id ({@code <topic prefix>publisher}).
 */
public final class TransactionalIds {

  private TransactionalIds() {}

  /**
   * What the transactional ids of {@code stage} (the trainer worker or the evaluator) start with
   * under {@code topicPrefix}; the worker or instance id follows. {@link StageAcls} allows exactly
   * this prefix.
   */
  public static String prefix(String topicPrefix, Stage stage) {
    if (stage != Stage.TRAINER_WORKER && stage != Stage.EVALUATOR) {
      throw new IllegalArgumentException(stage.id() + " does not name its transactional ids");
    }
    // the stage's default group id (perennial-<stage> under the default prefix, as earlier
    // releases named them), then the separator of that form
    String separator = topicPrefix.equals(PerennialConfig.TOPIC_PREFIX_DEFAULT) ? "-" : ".";
    return GroupIds.defaultOf(topicPrefix, stage) + separator;
  }

  /** The transactional id of the {@code stage} instance {@code id} under {@code topicPrefix}. */
  public static String of(String topicPrefix, Stage stage, String id) {
    return prefix(topicPrefix, stage) + id;
  }
}
