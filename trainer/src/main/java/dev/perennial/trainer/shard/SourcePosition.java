package dev.perennial.trainer.shard;

import java.util.Comparator;

/**
 * Where an example was read: its {@code examples.v1} record, by topic, partition and offset.
 * Written as {@code topic:partition:offset} (topic names cannot hold a colon).
 */
public record SourcePosition(String topic, int partition, long offset)
    implements Comparable<SourcePosition> {

  private static final Comparator<SourcePosition> ORDER =
      Comparator.comparing(SourcePosition::topic)
          .thenComparingInt(SourcePosition::partition)
          .thenComparingLong(SourcePosition::offset);

  public SourcePosition {
    if (topic == null || topic.isEmpty() || topic.contains(":")) {
      throw new IllegalArgumentException("Not a topic name: " + topic);
    }
    if (partition < 0 || offset < 0) {
      throw new IllegalArgumentException(
          "Partition and offset must not be negative: " + partition + ", " + offset);
    }
  }

  /** Reads {@code topic:partition:offset}. */
  public static SourcePosition parse(String text) {
    int last = text.lastIndexOf(':');
    int middle = last < 0 ? -1 : text.lastIndexOf(':', last - 1);
    if (middle <= 0) {
      throw new IllegalArgumentException("Not topic:partition:offset: " + text);
    }
    try {
      return new SourcePosition(
          text.substring(0, middle),
          Integer.parseInt(text.substring(middle + 1, last)),
          Long.parseLong(text.substring(last + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Not topic:partition:offset: " + text, e);
    }
  }

  @Override
  public int compareTo(SourcePosition other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return topic + ":" + partition + ":" + offset;
  }
}
