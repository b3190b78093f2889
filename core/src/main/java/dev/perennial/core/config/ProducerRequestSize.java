package dev.perennial.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The producer's {@code max.request.size} as Kafka Streams gives it to its producers ({@code
 * producer.max.request.size} first), which the stages that size their records read themselves
 * (ingest's text limit, the accumulator's largest event): a pass-through client key, so their
 * config classes check it with their own keys rather than leave it to Kafka once Streams is built.
 */
public final class ProducerRequestSize {

  /** Kafka's default {@code max.request.size}. */
  public static final int DEFAULT = 1024 * 1024;

  private static final String KEY = ProducerConfig.MAX_REQUEST_SIZE_CONFIG;
  private static final String PRODUCER_KEY = StreamsConfig.producerPrefix(KEY);

  private ProducerRequestSize() {}

  /** What is wrong with either key's value, one line each starting with its key. */
  public static List<String> problems(Map<String, ?> values) {
    List<String> problems = new ArrayList<>();
    for (String key : List.of(KEY, PRODUCER_KEY)) {
      Object value = values.get(key);
      if (value != null && parse(value) < 1) {
        problems.add(
            key
                + ": '"
                + value
                + "' is not a whole number of bytes from 1 to "
                + Integer.MAX_VALUE);
      }
    }
    return problems;
  }

  /** The size the producers get; the values' {@link #problems} must be none. */
  public static int of(Map<String, ?> values) {
    Object value = values.containsKey(PRODUCER_KEY) ? values.get(PRODUCER_KEY) : values.get(KEY);
    return value == null ? DEFAULT : parse(value);
  }

  /** The value as a whole number, or 0 when it is none. */
  private static int parse(Object value) {
    try {
      return Integer.parseInt(String.valueOf(value).trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
