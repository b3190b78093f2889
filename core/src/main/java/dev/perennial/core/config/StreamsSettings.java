package dev.perennial.core.config;

import java.time.Duration;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Settings of the services that run a Kafka Streams client ({@code core}'s {@code
 * kafka.StreamsService}: ingest, the trainer's accumulator), which both define.
 */
public final class StreamsSettings {

  public static final String FAILED_CLOSE_TIMEOUT_MS_CONFIG =
      "perennial.streams.failed.close.timeout.ms";
  public static final long FAILED_CLOSE_TIMEOUT_MS_DEFAULT = Duration.ofSeconds(5).toMillis();
  private static final String FAILED_CLOSE_TIMEOUT_MS_DOC =
      "How long a Kafka Streams client that failed on its own (ingest, the trainer's accumulator)"
          + " is given to close before its process exits with status 1 to be restarted. It may be"
          + " waiting out the abort of its open transaction (up to max.block.ms) meanwhile, which"
          + " the next instance fences anyway; 0 does not wait. A requested stop (SIGTERM) always"
          + " waits up to 30 s.";

  private StreamsSettings() {}

  /** {@code definition} with the keys. */
  public static ConfigDef define(ConfigDef definition) {
    return definition.define(
        FAILED_CLOSE_TIMEOUT_MS_CONFIG,
        Type.LONG,
        FAILED_CLOSE_TIMEOUT_MS_DEFAULT,
        Range.between(0, Duration.ofMinutes(5).toMillis()),
        Importance.LOW,
        FAILED_CLOSE_TIMEOUT_MS_DOC);
  }

  /** {@value #FAILED_CLOSE_TIMEOUT_MS_CONFIG} of a config whose definition has the keys. */
  public static Duration failedCloseTimeout(AbstractConfig config) {
    return Duration.ofMillis(config.getLong(FAILED_CLOSE_TIMEOUT_MS_CONFIG));
  }
}
