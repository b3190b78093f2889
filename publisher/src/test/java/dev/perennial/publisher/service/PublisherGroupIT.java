package dev.perennial.publisher.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.service.ServiceProcess;
import dev.perennial.core.testing.LogCapture;
import dev.perennial.publisher.audit.AuditEvents;
import dev.perennial.publisher.testing.TestVerdicts;
import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.AuditEvent;
import dev.perennial.schemas.v1.EvaluationVerdict;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;

/**
 * The publisher stays in its consumer group while a record cannot be handled for longer than its
 * {@code max.poll.interval.ms}: through a schema registry outage, and through keys that fail one
 * after another in one poll. Apart from {@link PublisherServiceIT} so that Failsafe runs these
 * waits beside it.
 */
class PublisherGroupIT extends PublisherServiceHarness {

  @Test
  void aPublisherWaitingForTheRegistryLongerThanItsPollIntervalStaysInItsGroupAndPublishesOnce()
      throws Exception {
    // below the 3.2 s and 6.4 s pauses the outage brings
    Map<String, String> shortPolls = Map.of(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "3000");
    ServiceProcess<PublisherServer> server = start(shortPolls);
    String group = config(shortPolls).instanceId();
    await("in its group", () -> KAFKA.groupMembers(group) == 1);
    EvaluationVerdict verdict =
        TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-1", null));
    // serialized while the registry answers; the publisher has read no verdict schema yet
    byte[] bytes =
        topics.verdicts().valueSerde().serializer().serialize(topics.verdicts().name(), verdict);

    REGISTRY.stop();
    try {
      KAFKA.produce(
          topics.verdicts().name(),
          new StringSerializer(),
          new ByteArraySerializer(),
          List.of(KeyValue.pair(verdict.getAdapterKey(), bytes)));
      await(
          "the outage reported",
          () ->
              server
                  .service()
                  .service()
                  .readiness()
                  .detail()
                  .startsWith("schema registry unavailable"));
      // pauses of 0.2, 0.4, 0.8, 1.6, 3.2 and 6.4 s: a loop that sleeps them polls up to 6.4 s
      // apart, and its consumer leaves the group once 3 s pass without a poll
      Thread.sleep(12_000);

      assertThat(KAFKA.groupMembers(group))
          .as("the publisher's consumers in its group")
          .isEqualTo(1);
      assertThat(server.service().failure()).isEmpty();
      assertThat(committedOffsets(group)).isZero();
    } finally {
      REGISTRY.restart();
    }

    assertThat(read(topics.releases(), r -> !r.isEmpty()))
        .singleElement()
        .satisfies(release -> assertThat(release.getVersion()).isEqualTo(1));
    await("the verdict's offset committed", () -> committedOffsetsQuietly(group) == 1);
    await("ready again", () -> server.service().service().readiness().ready());
    assertThat(server.service().failure()).isEmpty();
    assertThat(decisionsOn(readAll(topics.audit())))
        .extracting(AuditEvent::getAction)
        .containsExactly(AuditEvents.RELEASE_PUBLISHED);
    assertThat(readAll(topics.releases())).hasSize(1);
  }

  @Test
  void keysFailingOneAfterAnotherInOnePollKeepThePublisherInItsGroup() throws Exception {
    // each blocked key's record is tried 5 times, 0.2 + 0.4 + 0.8 + 1.6 = 3 s of pauses, then
    // quarantined; with 2 partitions at least two of the four are in one fetch: 6 s or more
    Map<String, String> shortPolls = Map.of(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "5000");
    try (LogCapture log = new LogCapture()) {
      ServiceProcess<PublisherServer> server = start(shortPolls);
      String group = config(shortPolls).instanceId();
      await("in its group", () -> KAFKA.groupMembers(group) == 1);
      // a file where the tenant's folder belongs: every write of blocked/* fails, others work
      Files.writeString(folder.resolve("releases/blocked"), "not a folder");

      send(
          TestVerdicts.passed(TestVerdicts.candidate(store, "blocked/a", "cand-a", null)),
          TestVerdicts.passed(TestVerdicts.candidate(store, "blocked/b", "cand-b", null)),
          TestVerdicts.passed(TestVerdicts.candidate(store, "blocked/c", "cand-c", null)),
          TestVerdicts.passed(TestVerdicts.candidate(store, "blocked/d", "cand-d", null)),
          TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-1", null)));
      read(
          topics.audit(),
          hasAudits(AuditEvents.KEY_QUARANTINED, 4)
              .and(hasAudits(AuditEvents.RELEASE_PUBLISHED, 1)));
      await("every offset committed", () -> committedOffsetsQuietly(group) == 5);

      assertThat(log.text())
          .as("the publisher's log")
          .doesNotContain("poll timeout has expired")
          .doesNotContain("Revoke previously assigned partitions");
      assertThat(KAFKA.groupMembers(group)).isEqualTo(1);
      assertThat(server.service().failure()).isEmpty();
      assertThat(server.service().service().quarantined())
          .containsOnlyKeys("blocked/a", "blocked/b", "blocked/c", "blocked/d");
      assertThat(readAll(topics.releases()))
          .extracting(AdapterRelease::getAdapterKey)
          .containsExactly("acme/support");
    }
  }
}
