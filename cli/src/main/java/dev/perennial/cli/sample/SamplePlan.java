package dev.perennial.cli.sample;

import java.util.List;
import java.util.Objects;

/**
 * The shape of a sample stream: which tenants, how many of their users consent, how many events
 * they send and what share of those is malformed. The same plan and world always give the same
 * stream.
 *
 * @param tenants tenant ids; each gets its knowledge from the synthetic world
 * @param consentedSubjectsPerTenant users per tenant who grant the training purpose
 * @param events app events (documents and feedback) of the main phase, malformed ones included
 * @param malformedShare share of {@code events} that is malformed, spread evenly over {@link
 *     Malformation}'s kinds
 * @param maxTextBytes ingest's text limit: oversized events get one byte more than this
 * @param seed drives every choice the generator makes
 */
public record SamplePlan(
    List<String> tenants,
    int consentedSubjectsPerTenant,
    int events,
    double malformedShare,
    int maxTextBytes,
    long seed) {

  /** The seed of the sample streams {@code perennial local} and the tests send. */
  public static final long DEFAULT_SEED = 20240917L;

  public static final int DEFAULT_MAX_TEXT_BYTES = 64 * 1024;

  public SamplePlan {
    tenants = List.copyOf(Objects.requireNonNull(tenants, "tenants"));
    if (tenants.isEmpty()) {
      throw new IllegalArgumentException("A sample plan needs at least one tenant");
    }
    if (consentedSubjectsPerTenant < 2) {
      throw new IllegalArgumentException(
          "A sample plan needs at least 2 consenting users per tenant (one of them revokes), got "
              + consentedSubjectsPerTenant);
    }
    if (events < 1) {
      throw new IllegalArgumentException("A sample plan needs at least 1 event, got " + events);
    }
    if (malformedShare < 0 || malformedShare > 0.5) {
      throw new IllegalArgumentException(
          "The malformed share must be from 0 to 0.5, got " + malformedShare);
    }
  }

  /** What {@code perennial local} sends: two tenants, a few hundred events, 5 % malformed. */
  public static SamplePlan local() {
    return new SamplePlan(
        List.of("acme", "globex"), 4, 240, 0.05, DEFAULT_MAX_TEXT_BYTES, DEFAULT_SEED);
  }

  /** The same two tenants with {@code events} events, 5 % malformed (the accounting test). */
  public static SamplePlan ofEvents(int events) {
    return new SamplePlan(
        List.of("acme", "globex"), 20, events, 0.05, DEFAULT_MAX_TEXT_BYTES, DEFAULT_SEED);
  }

  /** The number of malformed events of the main phase. */
  public int malformedEvents() {
    return (int) Math.round(events * malformedShare);
  }
}
