package dev.perennial.ingest.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.schemas.v1.RejectReason;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class IngestMetricsTest {

  private final IngestMetrics metrics = new IngestMetrics(new SimpleMeterRegistry());

  @Test
  void invalidTenantNamesAreCountedAsUnknownSoTheyCannotFloodTheTagValues() {
    metrics.rejection("no such/tenant", RejectReason.INVALID_FIELD);
    metrics.rejection(null, RejectReason.UNDESERIALIZABLE);

    assertThat(metrics.count(IngestMetrics.REJECTIONS, "tenant", IngestMetrics.UNKNOWN_TENANT))
        .isEqualTo(2);
  }

  @Test
  void tenantsBeyondTheLimitShareOneTagValue() {
    for (int i = 0; i < IngestMetrics.MAX_TENANTS + 5; i++) {
      metrics.rejection("tenant-" + i, RejectReason.NO_CONSENT);
    }
    metrics.rejection("tenant-0", RejectReason.NO_CONSENT);

    assertThat(metrics.count(IngestMetrics.REJECTIONS, "tenant", IngestMetrics.OTHER_TENANT))
        .isEqualTo(5);
    assertThat(metrics.count(IngestMetrics.REJECTIONS, "tenant", "tenant-0")).isEqualTo(2);
    assertThat(metrics.count(IngestMetrics.REJECTIONS)).isEqualTo(IngestMetrics.MAX_TENANTS + 6);
  }
}
