package dev.perennial.publisher.service;

import dev.perennial.publisher.publish.Decision;
import dev.perennial.publisher.release.ReleaseRegistry;
import dev.perennial.publisher.retract.RetractionSchedule;
import dev.perennial.publisher.retract.WeightPurge;
import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.ReleaseAction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The publisher's meters: {@code perennial_publisher_releases_total} by action (published,
 * promoted, rolled_back, retracted), {@code perennial_publisher_refusals_total}, {@code
 * perennial_publisher_retractions_total}, {@code perennial_publisher_unreadable_records_total},
 * {@code perennial_publisher_decisions_total} by outcome, {@code
 * perennial_publisher_purge_failures_total} (failed attempts to purge a retracted release's
 * weights), and the gauges {@code perennial_publisher_adapter_keys}, {@code
 * perennial_publisher_published_versions} and {@code perennial_publisher_purges_pending} (retracted
 * releases whose weights a failed purge left on disk, retried until gone).
 */
final class PublisherMetrics {

  private final MeterRegistry registry;
  private final Counter refusals;
  private final Counter retractions;
  private final Counter unreadable;
  private final Counter skippedReleaseRecords;

  PublisherMetrics(MeterRegistry registry, Supplier<ReleaseRegistry> state) {
    this.registry = registry;
    this.refusals =
        Counter.builder("perennial.publisher.refusals")
            .description("Verdicts refused: failed gates or unusable candidates")
            .register(registry);
    this.retractions =
        Counter.builder("perennial.publisher.retractions")
            .description("Releases retracted because they were trained on erased data")
            .register(registry);
    this.unreadable =
        Counter.builder("perennial.publisher.unreadable.records")
            .description("Input records that could not be deserialized (audited, skipped)")
            .register(registry);
    this.skippedReleaseRecords =
        Counter.builder("perennial.publisher.unreadable.release.records")
            .description(
                "releases.v1 records that could not be read at start (skipped, keys quarantined)")
            .register(registry);
    Gauge.builder("perennial.publisher.adapter.keys", () -> state.get().keys().size())
        .description("Adapter keys with releases")
        .register(registry);
    Gauge.builder("perennial.publisher.published.versions", () -> state.get().releaseCount())
        .description("Published versions over all keys")
        .register(registry);
  }

  void record(Decision decision) {
    registry
        .counter("perennial.publisher.decisions", "outcome", lower(decision.outcome().name()))
        .increment();
    for (AdapterRelease release : decision.releases()) {
      registry
          .counter("perennial.publisher.releases", "action", lower(release.getAction().name()))
          .increment();
      if (release.getAction() == ReleaseAction.RETRACTED) {
        retractions.increment();
      }
    }
    switch (decision.outcome()) {
      case REFUSED -> refusals.increment();
      case UNREADABLE -> unreadable.increment();
      default -> {}
    }
  }

  /** The meters of the weight purge: its failed attempts and the purges waiting for a retry. */
  void purges(WeightPurge purge) {
    FunctionCounter.builder(
            "perennial.publisher.purge.failures", purge, WeightPurge::failedAttempts)
        .description("Failed attempts to purge the weights of a retracted release (retried)")
        .register(registry);
    Gauge.builder("perennial.publisher.purges.pending", purge, p -> p.pending().size())
        .description(
            "Retracted releases whose weights a failed purge left on disk (retried until gone)")
        .register(registry);
  }

  /**
   * The retractions kept in the release area that cannot be read: erasures nobody carries out until
   * an operator restores or removes the file (readiness names them).
   */
  void unreadableRetractions(RetractionSchedule schedule) {
    Gauge.builder("perennial.publisher.retractions.unreadable", schedule, s -> s.problems().size())
        .description(
            "Kept retractions (release area .retractions/) that cannot be read: not carried out")
        .register(registry);
  }

  void skippedReleaseRecords(int count) {
    skippedReleaseRecords.increment(count);
  }

  private static String lower(String name) {
    return name.toLowerCase(Locale.ROOT);
  }
}
