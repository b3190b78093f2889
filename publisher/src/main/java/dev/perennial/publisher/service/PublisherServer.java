package dev.perennial.publisher.service;

import dev.perennial.core.health.HealthServer;
import dev.perennial.core.metrics.ServiceMetrics;
import dev.perennial.publisher.api.PublisherApi;
import dev.perennial.publisher.api.ReadApiServer;
import dev.perennial.publisher.config.PublisherConfig;

/**
 * The publisher as a deployable: its service, its meters, and two HTTP ports. {@code
 * perennial.http.port}: {@code /metrics}, {@code /health/*} and the release API with its admin
 * endpoint (operators); {@code perennial.publisher.api.port}: the read-only release API (serving
 * stacks).
 */
public final class PublisherServer implements AutoCloseable {

  public static final String SERVICE_NAME = "publisher";

  private final ServiceMetrics metrics;
  private final PublisherService service;
  private final HealthServer http;
  private final ReadApiServer readApi;

  private PublisherServer(
      ServiceMetrics metrics, PublisherService service, HealthServer http, ReadApiServer readApi) {
    this.metrics = metrics;
    this.service = service;
    this.http = http;
    this.readApi = readApi;
  }

  /** Starts the service, then serves HTTP on {@code perennial.http.host}/{@code .port}. */
  public static PublisherServer start(PublisherConfig config) {
    ServiceMetrics metrics = ServiceMetrics.create(SERVICE_NAME);
    PublisherService service = null;
    HealthServer http = null;
    try {
      service = PublisherService.start(config, metrics.registry());
      http = HealthServer.start(config, metrics.registry(), service::readiness);
      http.route(PublisherApi.PREFIX, adminApi(service, config));
      ReadApiServer readApi =
          ReadApiServer.start(config.httpHost(), config.apiPort(), readApi(service));
      return new PublisherServer(metrics, service, http, readApi);
    } catch (RuntimeException e) {
      if (http != null) {
        http.close();
      }
      if (service != null) {
        service.close();
      }
      metrics.close();
      throw e;
    }
  }

  /** The release API with alias moves, for the operators' port (a local run's HTTP server too). */
  public static PublisherApi adminApi(PublisherService service, PublisherConfig config) {
    return PublisherApi.withAdmin(
        service::registry,
        service.area(),
        service::publicKeyPem,
        service::submit,
        config.adminToken());
  }

  /** The read-only release API, for serving stacks. */
  public static PublisherApi readApi(PublisherService service) {
    return PublisherApi.readOnly(service::registry, service.area(), service::publicKeyPem);
  }

  public PublisherService service() {
    return service;
  }

  /** The port of {@code /metrics}, {@code /health/*} and the admin endpoint. */
  public int port() {
    return http.port();
  }

  /** The port of the read-only release API. */
  public int apiPort() {
    return readApi.port();
  }

  @Override
  public void close() {
    readApi.close();
    http.close();
    service.close();
    metrics.close();
  }
}
