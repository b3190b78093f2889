package dev.perennial.ingest.tenant;

import dev.perennial.core.kafka.TenantTopics;
import dev.perennial.ingest.deadletter.Rejection;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.v1.RejectReason;
import dev.perennial.schemas.v1.SourceRef;
import java.util.Optional;

/**
 * Whether a record may speak for the tenant it names. With shared input topics every record may
 * (the tenant is what it says). With per-tenant topics ({@link TenantTopics}) the tenant is the one
 * whose topic the record was written to, which Kafka's ACLs let only that tenant's principal write:
 * a record naming another tenant is rejected ({@code INVALID_FIELD}, tenant mismatch), whatever its
 * key and content say, so no tenant's app can add data to, or revoke consent in, another tenant.
 */
public final class TenantBinding {

  private final String topicPrefix;
  private final boolean perTenant;

  private TenantBinding(String topicPrefix, boolean perTenant) {
    this.topicPrefix = topicPrefix;
    this.perTenant = perTenant;
  }

  /** Every record speaks for the tenant it names (shared topics). */
  public static TenantBinding shared() {
    return new TenantBinding("", false);
  }

  /** Records speak for the tenant of their topic. */
  public static TenantBinding perTenant(String topicPrefix) {
    return new TenantBinding(topicPrefix, true);
  }

  /** The tenant of the topic {@code source} was read from, when topics are per tenant. */
  public Optional<String> topicTenant(SourceRef source) {
    return perTenant ? TenantTopics.tenantOf(topicPrefix, source.getTopic()) : Optional.empty();
  }

  /**
   * The rejection of a record read from {@code source} that names {@code tenant}, if it may not
   * speak for that tenant.
   */
  public Optional<Rejection> check(SourceRef source, String tenant) {
    if (!perTenant) {
      return Optional.empty();
    }
    Optional<String> owner = topicTenant(source);
    if (owner.isEmpty()) {
      return Optional.of(
          Rejection.of(
              RejectReason.INVALID_FIELD,
              "tenant mismatch: topic " + source.getTopic() + " is no tenant's input topic"));
    }
    if (owner.get().equals(tenant)) {
      return Optional.empty();
    }
    String named =
        tenant != null && AdapterKey.isValidName(tenant) ? "tenant " + tenant : "an invalid tenant";
    return Optional.of(
        Rejection.of(
            RejectReason.INVALID_FIELD,
            "tenant mismatch: the record names "
                + named
                + " but was written to tenant "
                + owner.get()
                + "'s topic "
                + source.getTopic()
                + "; a tenant may write only its own topics"));
  }
}
