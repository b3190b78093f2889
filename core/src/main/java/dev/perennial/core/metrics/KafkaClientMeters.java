package dev.perennial.core.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * The Kafka clients' own metrics of a service that is not a Streams application (fetch rates,
 * records lag, commit and transaction latency, ...) as {@code kafka_consumer_*} and {@code
 * kafka_producer_*} meters, tagged with each client's id. Close it before the clients.
 */
public final class KafkaClientMeters implements AutoCloseable {

  private final List<KafkaClientMetrics> binders;

  private KafkaClientMeters(List<KafkaClientMetrics> binders) {
    this.binders = binders;
  }

  /** Binds the metrics of {@code consumer} and {@code producer} to {@code registry}. */
  public static KafkaClientMeters bind(
      MeterRegistry registry, Consumer<?, ?> consumer, Producer<?, ?> producer) {
    List<KafkaClientMetrics> binders = new ArrayList<>();
    binders.add(new KafkaClientMetrics(consumer));
    binders.add(new KafkaClientMetrics(producer));
    binders.forEach(binder -> binder.bindTo(registry));
    return new KafkaClientMeters(binders);
  }

  @Override
  public void close() {
    binders.forEach(KafkaClientMetrics::close);
  }
}
