package dev.perennial.ingest.privacy;

import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * The roll marker of the key logs: a tombstone under a key no subject has ({@value #KEY}), appended
 * to every partition of {@code subject-keys.v1} (and, through the key store, to its changelog)
 * every half maximum compaction lag. A segment only rolls on an append, and only rolled segments
 * are compacted; without markers a quiet log would keep an erased key in its active segment for
 * good. Compaction keeps one marker per partition, briefly.
 */
public final class RollMarkers {

  /** Not a {@code tenant/pseudonym}: tenant names start with a letter or digit. */
  public static final String KEY = "!roll";

  private RollMarkers() {}

  /** Sends a roll marker to every partition, every other record where its key hashes to. */
  public static <V> StreamPartitioner<String, V> partitioner() {
    return (topic, key, value, numPartitions) ->
        KEY.equals(key)
            ? Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toSet()))
            : Optional.empty();
  }
}
