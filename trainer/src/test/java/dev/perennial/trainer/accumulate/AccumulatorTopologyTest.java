package dev.perennial.trainer.accumulate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.testing.LogCapture;
import dev.perennial.schemas.v1.ErasureRequest;
import dev.perennial.schemas.v1.SourceRef;
import dev.perennial.trainer.accumulate.TrainerEvent.ErasureArrived;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The accumulator topology's own steps, alone. */
class AccumulatorTopologyTest {

  @Test
  void anErasureWithoutATenantIsSkippedNamingItsRequestNotItsKey() {
    // erasures.v1 is keyed tenant/pseudonym
    ErasureRequest request =
        ErasureRequest.newBuilder()
            .setRequestId("erasure-17")
            .setTenant("")
            .setSubjectPseudonym("p-alice")
            .setRevokedAt(Instant.ofEpochMilli(4_500))
            .setSource(new SourceRef("perennial.consent.v1", 0, 1L))
            .build();

    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    boolean kept;
    String logged;
    try (LogCapture logs = new LogCapture()) {
      kept = AccumulatorTopology.hasValidTenant("/p-alice", new ErasureArrived(request), meters);
      logged = logs.text();
    }

    assertThat(kept).isFalse();
    assertThat(logged).contains("erasure-17", "tenant is missing").doesNotContain("p-alice");
    assertThat(meters.get("perennial.trainer.erasures").tag("outcome", "skipped").counter().count())
        .isEqualTo(1);
  }
}
