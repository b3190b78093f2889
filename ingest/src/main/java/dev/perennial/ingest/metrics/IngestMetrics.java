package dev.perennial.ingest.metrics;

import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.v1.ExampleKind;
import dev.perennial.schemas.v1.RejectReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ingest's meters, per tenant (Prometheus names):
 *
 * <ul>
 *   <li>{@code perennial_ingest_examples_total{tenant, kind}}: examples written;
 *   <li>{@code perennial_ingest_rejections_total{tenant, reason}}: records written to {@code
 *       rejected.v1}, by reason code;
 *   <li>{@code perennial_ingest_redactions_total{tenant, type}}: spans of personal data replaced;
 *   <li>{@code perennial_ingest_consent_changes_total{tenant, decision}}: consent records read, by
 *       what they meant for training ({@code granted}, {@code revoked}, {@code deleted}, {@code
 *       other-purpose}, {@code unreadable}: a record that could not be read, taken as a revocation
 *       of the subject its key names);
 *   <li>{@code perennial_ingest_erasures_total{tenant}}: erasure requests written;
 *   <li>{@code perennial_ingest_subject_keys_total{tenant, event}}: subjects' data keys {@code
 *       created} and {@code erased};
 *   <li>{@code perennial_ingest_key_rewraps_total}: data keys re-wrapped under the current master
 *       key (rotation);
 *   <li>{@code perennial_ingest_input_purge_failures_total}: runs of the input purge that could not
 *       delete consumed documents and feedback (tried again next interval): while it grows, an
 *       app's raw content stays readable in its topics past the purge interval. Exported at 0 from
 *       the start.
 * </ul>
 *
 * Tenant names come from records, so a bounded number of them ({@value #MAX_TENANTS}) become tag
 * values; later ones count as {@value #OTHER_TENANT}, and records without a readable, valid tenant
 * as {@value #UNKNOWN_TENANT}. Thread-safe.
 */
public final class IngestMetrics {

  public static final String EXAMPLES = "perennial.ingest.examples";
  public static final String REJECTIONS = "perennial.ingest.rejections";
  public static final String REDACTIONS = "perennial.ingest.redactions";
  public static final String CONSENT_CHANGES = "perennial.ingest.consent.changes";
  public static final String ERASURES = "perennial.ingest.erasures";
  public static final String SUBJECT_KEYS = "perennial.ingest.subject.keys";
  public static final String KEY_REWRAPS = "perennial.ingest.key.rewraps";
  public static final String INPUT_PURGE_FAILURES = "perennial.ingest.input.purge.failures";

  public static final String UNKNOWN_TENANT = "(unknown)";
  public static final String OTHER_TENANT = "(other)";
  static final int MAX_TENANTS = 1000;

  /** What a consent record meant for the training purpose. */
  public enum ConsentDecision {
    GRANTED("granted"),
    REVOKED("revoked"),
    DELETED("deleted"),
    OTHER_PURPOSE("other-purpose"),
    /** A record that could not be read under a subject's key: revoked, fail closed. */
    UNREADABLE("unreadable");

    private final String tag;

    ConsentDecision(String tag) {
      this.tag = tag;
    }

    public String tag() {
      return tag;
    }
  }

  private final MeterRegistry registry;
  private final Set<String> tenants = ConcurrentHashMap.newKeySet();
  private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();

  public IngestMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void example(String tenant, ExampleKind kind, Map<String, Integer> redactions) {
    String tenantTag = tenantTag(tenant);
    counter(EXAMPLES, "Training examples written to examples.v1", tenantTag, "kind", kind.name())
        .increment();
    redactions.forEach(
        (type, count) ->
            counter(REDACTIONS, "Spans of personal data redacted", tenantTag, "type", type)
                .increment(count));
  }

  public void rejection(String tenant, RejectReason reason) {
    counter(
            REJECTIONS,
            "Input records written to rejected.v1, by reason",
            tenantTag(tenant),
            "reason",
            reason.name())
        .increment();
  }

  public void consentChange(String tenant, ConsentDecision decision) {
    counter(
            CONSENT_CHANGES,
            "Consent records read, by what they meant for training",
            tenantTag(tenant),
            "decision",
            decision.tag())
        .increment();
  }

  public void erasure(String tenant) {
    counter(ERASURES, "Erasure requests written to erasures.v1", tenantTag(tenant), null, null)
        .increment();
  }

  public void keyCreated(String tenant) {
    counter(SUBJECT_KEYS, "Subjects' data keys", tenantTag(tenant), "event", "created").increment();
  }

  public void keyErased(String tenant) {
    counter(SUBJECT_KEYS, "Subjects' data keys", tenantTag(tenant), "event", "erased").increment();
  }

  public void keysRewrapped(int count) {
    Counter.builder(KEY_REWRAPS)
        .description("Data keys re-wrapped under the current master key")
        .register(registry)
        .increment(count);
  }

  /**
   * The counter of failed input purges, registered (at 0) on the first call: the purger calls it
   * when it starts, so the series exists before anything fails.
   */
  public Counter inputPurgeFailures() {
    return Counter.builder(INPUT_PURGE_FAILURES)
        .description(
            "Input purges that could not delete consumed documents and feedback (tried again)")
        .register(registry);
  }

  /**
   * The sum of the meters of this name with these tags (key, value, ...); for tests and reports.
   */
  public double count(String name, String... tags) {
    return registry.find(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
  }

  private Counter counter(
      String name, String description, String tenantTag, String tagKey, String tagValue) {
    List<String> id =
        tagKey == null ? List.of(name, tenantTag) : List.of(name, tenantTag, tagKey, tagValue);
    return counters.computeIfAbsent(
        id,
        ignored -> {
          Counter.Builder builder =
              Counter.builder(name).description(description).tag("tenant", tenantTag);
          if (tagKey != null) {
            builder.tag(tagKey, tagValue);
          }
          return builder.register(registry);
        });
  }

  private String tenantTag(String tenant) {
    if (tenant == null || !AdapterKey.isValidName(tenant)) {
      return UNKNOWN_TENANT;
    }
    if (tenants.contains(tenant)) {
      return tenant;
    }
    synchronized (tenants) {
      if (tenants.size() < MAX_TENANTS) {
        tenants.add(tenant);
        return tenant;
      }
    }
    return tenants.contains(tenant) ? tenant : OTHER_TENANT;
  }
}
