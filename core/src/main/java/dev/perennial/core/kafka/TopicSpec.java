package dev.perennial.core.kafka;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A topic as it must exist: name, partitions, replication factor (-1: the broker's default) and the
 * topic-level settings it must have ({@code cleanup.policy}, {@code retention.ms}, ...).
 */
public record TopicSpec(
    String name, int partitions, short replicationFactor, Map<String, String> configs) {

  public TopicSpec {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("Topic name must not be empty");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException(
          "Topic " + name + " needs at least 1 partition, got " + partitions);
    }
    if (replicationFactor != -1 && replicationFactor < 1) {
      throw new IllegalArgumentException(
          "Topic "
              + name
              + " needs a replication factor of -1 or at least 1, got "
              + replicationFactor);
    }
    configs = Collections.unmodifiableMap(new TreeMap<>(configs));
  }

  /** A topic with the broker's default replication factor and no settings of its own. */
  public static TopicSpec of(String name, int partitions) {
    return new TopicSpec(name, partitions, (short) -1, Map.of());
  }
}
