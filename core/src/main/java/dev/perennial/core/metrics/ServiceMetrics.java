package dev.perennial.core.metrics;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The meters of one Perennial service, scraped by Prometheus through {@code /metrics}: a Prometheus
 * registry whose meters all carry {@code service=<name>}, with the JVM's memory, GC, thread, class
 * loading, CPU and uptime meters bound. Services add their own meters to {@link #registry()}.
 */
public final class ServiceMetrics implements AutoCloseable {

  /** Tag on every meter naming the service (ingest, trainer, ...). */
  public static final String SERVICE_TAG = "service";

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gcMetrics;
  private final List<KafkaStreamsMetrics> kafkaBinders = new ArrayList<>();

  private ServiceMetrics(PrometheusMeterRegistry registry, JvmGcMetrics gcMetrics) {
    this.registry = registry;
    this.gcMetrics = gcMetrics;
  }

  public static ServiceMetrics create(String service) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags(SERVICE_TAG, service);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    JvmGcMetrics gcMetrics = new JvmGcMetrics();
    gcMetrics.bindTo(registry);
    return new ServiceMetrics(registry, gcMetrics);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * Exports the Kafka Streams application's own metrics (its threads, tasks, stores and clients:
   * process rates, commit latency, consumer lag, ...) as {@code kafka_stream_*}, {@code
   * kafka_consumer_*}, {@code kafka_producer_*} meters.
   */
  public void bind(KafkaStreams streams) {
    KafkaStreamsMetrics binder = new KafkaStreamsMetrics(streams);
    binder.bindTo(registry);
    kafkaBinders.add(binder);
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  /** Stops the GC listeners and the Kafka metric binders and closes the registry. */
  @Override
  public void close() {
    kafkaBinders.forEach(KafkaStreamsMetrics::close);
    gcMetrics.close();
    registry.close();
  }
}
