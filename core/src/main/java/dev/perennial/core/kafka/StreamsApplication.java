package dev.perennial.core.kafka;

import dev.perennial.core.health.Readiness;
import dev.perennial.core.service.Service;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;

/**
 * A service built around one {@link StreamsService} (ingest, the trainer's accumulator): its
 * readiness, failure and state are the Streams application's.
 */
public interface StreamsApplication extends Service {

  /** The Streams application the service runs. */
  StreamsService streams();

  @Override
  default Readiness readiness() {
    return streams().readiness();
  }

  @Override
  default Optional<String> failure() {
    return streams().failure();
  }

  default KafkaStreams.State state() {
    return streams().state();
  }
}
