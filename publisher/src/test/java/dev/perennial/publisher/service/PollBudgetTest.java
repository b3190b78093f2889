package dev.perennial.publisher.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

class PollBudgetTest {

  @Test
  void oneUnsetPollsRecordsAreHandledForHalfKafkasDefaultPollInterval() {
    // Kafka's max.poll.interval.ms, 5 min: 50 records failing 3 s of pauses each would take 150 s
    assertThat(PublisherService.pollBudget(Map.of())).isEqualTo(Duration.ofSeconds(150));
  }

  @Test
  void aPollIntervalSetHalvesAsSetWhetherTextOrNumber() {
    assertThat(
            PublisherService.pollBudget(
                Map.of(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "60000")))
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(
            PublisherService.pollBudget(Map.of(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 5000)))
        .isEqualTo(Duration.ofMillis(2500));
  }
}
