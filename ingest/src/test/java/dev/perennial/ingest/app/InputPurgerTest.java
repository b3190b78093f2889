package dev.perennial.ingest.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.ingest.metrics.IngestMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/** What ingest's input purge leaves for an operator to see when it cannot delete. */
class InputPurgerTest {

  /** The Prometheus name is perennial_ingest_input_purge_failures_total (README, Metrics). */
  private static final String FAILURES = "perennial.ingest.input.purge.failures";

  /** An admin client for a broker that is not there: every call fails after a second. */
  private static Admin unreachable() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    return Admin.create(
        Map.<String, Object>of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 1000,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 500));
  }

  @Test
  void aPurgeThatFailsIsCountedSoConsumedInputKeptReadableCanBeAlertedOn() throws Exception {
    IngestMetrics metrics = new IngestMetrics(new SimpleMeterRegistry());

    try (InputPurger purger =
        new InputPurger(unreachable(), "perennial-ingest", topic -> true, metrics)) {
      assertThat(metrics.registry().find(FAILURES).counter())
          .as("exported from the start, at 0, so an alert has a series to compare")
          .isNotNull()
          .extracting(Counter::count)
          .isEqualTo(0.0);

      purger.purgeQuietly();
    }

    assertThat(metrics.count(IngestMetrics.INPUT_PURGE_FAILURES)).isEqualTo(1);
  }
}
