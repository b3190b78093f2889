package dev.perennial.schemas.topic;

import org.apache.kafka.common.serialization.Serde;

/**
 * A topic bound once to its full name and the serdes of its keys and values, so no caller pairs a
 * name with the wrong serde.
 */
public final class Topic<K, V> {

  private final String name;
  private final Serde<K> keySerde;
  private final Serde<V> valueSerde;

  public Topic(String name, Serde<K> keySerde, Serde<V> valueSerde) {
    this.name = name;
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
  }

  /** The full name, prefix included, e.g. {@code perennial.documents.v1}. */
  public String name() {
    return name;
  }

  public Serde<K> keySerde() {
    return keySerde;
  }

  public Serde<V> valueSerde() {
    return valueSerde;
  }

  @Override
  public String toString() {
    return name;
  }
}
