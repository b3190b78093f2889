package dev.perennial.schemas.serde;

import dev.perennial.schemas.registry.RegisteredSchema;
import dev.perennial.schemas.registry.SchemaRegistryClient;
import dev.perennial.schemas.registry.SchemaRegistryException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest version of each subject, for a serializer on {@code use.latest.version}: fetched again
 * once it is older than the TTL, so a version registered while producers run is used by all of them
 * within the TTL (a rolling schema upgrade). If the registry is unavailable when a version is due,
 * the one held is kept for another TTL: the refresh never stops a producer that has a schema.
 */
final class LatestVersionCache {

  private static final Logger log = LoggerFactory.getLogger(LatestVersionCache.class);

  private final SchemaRegistryClient registry;
  private final Optional<Duration> ttl;
  private final InstantSource clock;
  private final Map<String, Fetched> bySubject = new ConcurrentHashMap<>();

  private record Fetched(RegisteredSchema latest, Instant at) {}

  /**
   * @param ttl how long a fetched version is used before it is fetched again; empty: for ever
   */
  LatestVersionCache(SchemaRegistryClient registry, Optional<Duration> ttl, InstantSource clock) {
    this.registry = registry;
    this.ttl = ttl;
    this.clock = clock;
  }

  /** The subject's latest version, as fetched at most the TTL ago. */
  RegisteredSchema latest(String subject) {
    Instant now = clock.instant();
    Fetched held = bySubject.get(subject);
    if (held != null && (ttl.isEmpty() || now.isBefore(held.at().plus(ttl.get())))) {
      return held.latest();
    }
    try {
      RegisteredSchema latest = registry.latestVersion(subject);
      bySubject.put(subject, new Fetched(latest, now));
      return latest;
    } catch (SchemaRegistryException e) {
      if (held == null || !e.unavailable()) {
        throw e;
      }
      log.warn(
          "Cannot refresh the latest version of subject {}; writing with version {} (id {}) until"
              + " the next try in {}: {}",
          subject,
          held.latest().version(),
          held.latest().id(),
          ttl.get(),
          e.getMessage());
      bySubject.put(subject, new Fetched(held.latest(), now));
      return held.latest();
    }
  }
}
