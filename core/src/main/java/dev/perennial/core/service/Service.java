package dev.perennial.core.service;

import dev.perennial.core.health.HealthServer;
import dev.perennial.core.health.Readiness;
import java.util.Optional;

/**
 * A stage running in a process (ingest, the trainer's accumulator and worker, the evaluator, the
 * publisher), as {@link ServiceProcess} starts, watches and stops it.
 */
public interface Service extends AutoCloseable {

  /** Whether it can do its work now ({@code /health/ready}). */
  Readiness readiness();

  /**
   * Why it stopped working on its own (its loop or its Streams client died), or empty while it
   * works and after a requested stop. Once present, {@code /health/live} fails and the process
   * exits with a non-zero status, so that it is restarted.
   */
  Optional<String> failure();

  /** Adds the service's own endpoints to its HTTP server (the publisher's release API). */
  default void route(HealthServer http) {}

  /** Stops the service and releases what it holds. */
  @Override
  void close();
}
