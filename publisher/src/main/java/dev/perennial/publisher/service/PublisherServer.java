package dev.perennial.publisher.service;

import dev.perennial.core.health.HealthServer;
import dev.perennial.core.metrics.ServiceMetrics;
import dev.perennial.publisher.api.PublisherApi;
import dev.perennial.publisher.config.PublisherConfig;

/**
 * The publisher as a deployable: its service, its meters, and one HTTP server with {@code
 * /metrics}, {@code /health/*} and the release API ({@link PublisherApi}) under {@code /v1/}.
 */
public final class PublisherServer implements AutoCloseable {

  public static final String SERVICE_NAME = "publisher";

  private final ServiceMetrics metrics;
  private final PublisherService service;
  private final HealthServer http;

  private PublisherServer(ServiceMetrics metrics, PublisherService service, HealthServer http) {
    this.metrics = metrics;
    this.service = service;
    this.http = http;
  }

  /** Starts the service, then serves HTTP on {@code perennial.http.host}/{@code .port}. */
  public static PublisherServer start(PublisherConfig config) {
    ServiceMetrics metrics = ServiceMetrics.create(SERVICE_NAME);
    PublisherService service = null;
    try {
      service = PublisherService.start(config, metrics.registry());
      HealthServer http = HealthServer.start(config, metrics.registry(), service::readiness);
      http.route(PublisherApi.PREFIX, api(service, config));
      return new PublisherServer(metrics, service, http);
    } catch (RuntimeException e) {
      if (service != null) {
        service.close();
      }
      metrics.close();
      throw e;
    }
  }

  /** The release API of a running service, for a server of the caller's (e.g. a local run). */
  public static PublisherApi api(PublisherService service, PublisherConfig config) {
    return new PublisherApi(
        service::registry,
        service.area(),
        service::publicKeyPem,
        service::submit,
        config.adminToken());
  }

  public PublisherService service() {
    return service;
  }

  public int port() {
    return http.port();
  }

  @Override
  public void close() {
    http.close();
    service.close();
    metrics.close();
  }
}
