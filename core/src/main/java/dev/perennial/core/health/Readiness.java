package dev.perennial.core.health;

/**
 * Whether a service can do its work now (for example: its Streams application is RUNNING), with a
 * short human-readable detail that {@code /health/ready} shows.
 */
public record Readiness(boolean ready, String detail) {

  public Readiness {
    detail = detail == null ? "" : detail;
  }

  public static Readiness ready(String detail) {
    return new Readiness(true, detail);
  }

  public static Readiness notReady(String detail) {
    return new Readiness(false, detail);
  }
}
