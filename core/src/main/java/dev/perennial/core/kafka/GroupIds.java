package dev.perennial.core.kafka;

import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.kafka.StageAcls.Stage;

/**
 * The consumer group id of each stage, for a Kafka Streams stage (ingest, the trainer's
 * accumulator) its {@code application.id}, which also prefixes its internal topics and
 * transactional ids: the one set, else the topic prefix and the stage ({@code acme.ingest}, {@code
 * acme.trainer-accumulator}, {@code acme.trainer-worker}, {@code acme.evaluator}, {@code
 * acme.publisher}). Two installs on one cluster under different topic prefixes that keep the
 * default ids thus never share a group, an internal topic or a Streams transactional id.
 *
 * <p>Under the default topic prefix ({@value PerennialConfig#TOPIC_PREFIX_DEFAULT}) the ids of
 * ingest, the accumulator, the worker and the evaluator stay those of earlier releases, {@code
 * perennial-<stage>}: an upgrade finds its groups' offsets and its Streams state where it left
 * them. The publisher's has always been {@code <topic prefix>publisher}, one group and
 * transactional id per topic prefix, and stays so. The topic prefix {@code perennial-} is the one
 * other whose default ids are those of the default prefix ({@code perennial-ingest}, ...): an
 * install under it beside one under {@code perennial.} sets its ids.
 *
 * <p>The stages' configs and {@code perennial acls} ({@link StageAcls}) read the ids through this
 * class; the Helm chart's {@code perennial.stageAcls} follows the same rule.
 */
public final class GroupIds {

  private GroupIds() {}

  /** The id of {@code stage} under {@code topicPrefix} when none is set. */
  public static String defaultOf(String topicPrefix, Stage stage) {
    if (stage != Stage.PUBLISHER && topicPrefix.equals(PerennialConfig.TOPIC_PREFIX_DEFAULT)) {
      return "perennial-" + stage.id();
    }
    return topicPrefix + stage.id();
  }

  /**
   * The id of {@code stage} under {@code topicPrefix}: {@code configured}, trimmed, unless it is
   * empty (not set), then {@link #defaultOf}.
   */
  public static String of(String topicPrefix, Stage stage, String configured) {
    String id = configured == null ? "" : configured.strip();
    return id.isEmpty() ? defaultOf(topicPrefix, stage) : id;
  }
}
