package dev.perennial.publisher.service;

import dev.perennial.core.health.HealthServer;
import dev.perennial.core.health.Readiness;
import dev.perennial.core.service.Service;
import dev.perennial.publisher.api.PublisherApi;
import dev.perennial.publisher.api.ReadApiServer;
import dev.perennial.publisher.config.PublisherConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;

/**
 * The publisher as a deployable: its service and the read-only release API for serving stacks on
 * {@code perennial.publisher.api.port}. The release API with its admin endpoint (operators) joins
 * {@code /metrics} and {@code /health/*} on the service's HTTP server ({@link #route}, on {@code
 * perennial.http.port}).
 */
public final class PublisherServer implements Service {

  public static final String SERVICE_NAME = "publisher";

  private final PublisherConfig config;
  private final PublisherService service;
  private final ReadApiServer readApi;

  private PublisherServer(PublisherConfig config, PublisherService service, ReadApiServer readApi) {
    this.config = config;
    this.service = service;
    this.readApi = readApi;
  }

  /** Starts the service, then serves the read API on {@code perennial.publisher.api.port}. */
  public static PublisherServer start(PublisherConfig config, MeterRegistry meters) {
    PublisherService service = PublisherService.start(config, meters);
    try {
      ReadApiServer readApi =
          ReadApiServer.start(config.httpHost(), config.apiPort(), readApi(service));
      return new PublisherServer(config, service, readApi);
    } catch (RuntimeException e) {
      service.close();
      throw e;
    }
  }

  /**
   * The release API with alias moves and retractions, for the operators' port (a local run's HTTP
   * server too).
   */
  public static PublisherApi adminApi(PublisherService service, PublisherConfig config) {
    return PublisherApi.withAdmin(
        service::registry,
        service.area(),
        service.integrity(),
        service::publicKeyPem,
        service::submit,
        service::retract,
        config.adminAccess());
  }

  /** The read-only release API, for serving stacks. */
  public static PublisherApi readApi(PublisherService service) {
    return PublisherApi.readOnly(
        service::registry, service.area(), service.integrity(), service::publicKeyPem);
  }

  /** Serves the release API with its admin endpoint beside {@code /metrics} and health. */
  @Override
  public void route(HealthServer http) {
    http.route(PublisherApi.PREFIX, adminApi(service, config));
  }

  public PublisherService service() {
    return service;
  }

  @Override
  public Readiness readiness() {
    return service.readiness();
  }

  @Override
  public Optional<String> failure() {
    return service.failure();
  }

  /** The port of the read-only release API. */
  public int apiPort() {
    return readApi.port();
  }

  @Override
  public void close() {
    try {
      readApi.close();
    } finally {
      service.close();
    }
  }
}
