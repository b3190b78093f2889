package dev.perennial.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.config.PerennialConfig;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicCatalogTest {

  private final TopicCatalog catalog =
      TopicCatalog.from(
          new PerennialConfig(
              Map.of(
                  "bootstrap.servers", "kafka:9092",
                  "schema.registry.url", "http://registry:8081",
                  "perennial.topic.prefix", "acme.",
                  "perennial.topic.partitions", "12",
                  "perennial.topic.replication.factor", "3",
                  "perennial.topic.retention.ms", "86400000",
                  "perennial.topic.long.retention.ms", "31536000000")));

  @Test
  void everyTopicOfTheDesignIsInTheCatalogUnderThePrefix() {
    assertThat(catalog.specs())
        .extracting(TopicSpec::name)
        .containsExactly(
            "acme.documents.v1",
            "acme.feedback.v1",
            "acme.consent.v1",
            "acme.examples.v1",
            "acme.rejected.v1",
            "acme.erasures.v1",
            "acme.training-jobs.v1",
            "acme.candidates.v1",
            "acme.verdicts.v1",
            "acme.releases.v1",
            "acme.audit.v1",
            "acme.subject-keys.v1",
            "acme.bases.v1",
            "acme.imports.v1",
            "acme.job-outcomes.v1");
    assertThat(catalog.name(PerennialTopic.DOCUMENTS)).isEqualTo("acme.documents.v1");
  }

  @Test
  void consentAndReleasesAreCompacted() {
    for (PerennialTopic topic :
        new PerennialTopic[] {PerennialTopic.CONSENT, PerennialTopic.RELEASES}) {
      assertThat(catalog.spec(topic).configs())
          .containsExactlyInAnyOrderEntriesOf(
              Map.of("cleanup.policy", "compact", "min.insync.replicas", "2"));
    }
  }

  @Test
  void theSubjectKeysAreCompactedWithinTheConfiguredBound() {
    TopicCatalog bounded =
        TopicCatalog.from(
            new PerennialConfig(
                Map.of(
                    "bootstrap.servers", "kafka:9092",
                    "schema.registry.url", "http://registry:8081",
                    "perennial.topic.keys.max.compaction.lag.ms", "60000")));

    assertThat(bounded.spec(PerennialTopic.SUBJECT_KEYS).configs())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "cleanup.policy", "compact",
                "segment.ms", "60000",
                "max.compaction.lag.ms", "60000",
                "min.compaction.lag.ms", "0",
                "file.delete.delay.ms", "1000",
                "message.timestamp.type", "LogAppendTime"));
    assertThat(catalog.spec(PerennialTopic.SUBJECT_KEYS).configs())
        .containsEntry("max.compaction.lag.ms", "3600000");
    assertThat(bounded.keysMaxCompactionLagMs()).isEqualTo(60_000);
  }

  @Test
  void theAppsContentTopicsRollShortSegmentsSoPurgedRecordsLeaveTheBrokersDisk() {
    assertThat(catalog.spec(PerennialTopic.DOCUMENTS).configs())
        .containsEntry("segment.ms", "3600000");
    assertThat(catalog.spec(PerennialTopic.FEEDBACK).configs())
        .containsEntry("segment.ms", "3600000");
    assertThat(catalog.spec(PerennialTopic.CONSENT).configs()).doesNotContainKey("segment.ms");
  }

  @Test
  void examplesErasuresAuditAndJobOutcomesKeepTheLongRetention() {
    for (PerennialTopic topic :
        new PerennialTopic[] {
          PerennialTopic.EXAMPLES,
          PerennialTopic.ERASURES,
          PerennialTopic.AUDIT,
          PerennialTopic.JOB_OUTCOMES
        }) {
      assertThat(catalog.spec(topic).configs())
          .containsExactlyInAnyOrderEntriesOf(
              Map.of(
                  "cleanup.policy",
                  "delete",
                  "retention.ms",
                  "31536000000",
                  "min.insync.replicas",
                  "2"));
    }
  }

  @Test
  void theOtherTopicsKeepTheStandardRetention() {
    assertThat(catalog.specs())
        .filteredOn(spec -> !spec.configs().get("cleanup.policy").equals("compact"))
        .filteredOn(spec -> !spec.configs().get("retention.ms").equals("31536000000"))
        .extracting(TopicSpec::name)
        .containsExactly(
            "acme.documents.v1",
            "acme.feedback.v1",
            "acme.rejected.v1",
            "acme.training-jobs.v1",
            "acme.candidates.v1",
            "acme.verdicts.v1")
        .allSatisfy(
            name ->
                assertThat(catalog.specs())
                    .filteredOn(spec -> spec.name().equals(name))
                    .singleElement()
                    .satisfies(
                        spec ->
                            assertThat(spec.configs()).containsEntry("retention.ms", "86400000")));
  }

  @Test
  void aTopicReplicatedThreeTimesTakesAWriteOnlyOnceTwoReplicasHoldIt() {
    // acks=all waits for the in-sync replicas only: with the brokers' default of 1, a write one
    // replica holds is acknowledged, and lost with that broker
    assertThat(catalog.specs())
        .allSatisfy(
            spec ->
                assertThat(spec.configs())
                    .as(spec.name())
                    .containsEntry("min.insync.replicas", "2"));
  }

  @Test
  void belowThreeReplicasTheBrokersMinimumInSyncReplicasStands() {
    for (String replicationFactor : List.of("-1", "1", "2")) {
      TopicCatalog fewer =
          TopicCatalog.from(
              new PerennialConfig(
                  Map.of(
                      "bootstrap.servers", "kafka:9092",
                      "schema.registry.url", "http://registry:8081",
                      "perennial.topic.replication.factor", replicationFactor)));
      assertThat(fewer.specs())
          .as("replication factor %s", replicationFactor)
          .allSatisfy(spec -> assertThat(spec.configs()).doesNotContainKey("min.insync.replicas"));
    }
  }

  @Test
  void everyTopicGetsTheConfiguredPartitionsAndReplicationFactor() {
    assertThat(catalog.specs())
        .allSatisfy(
            spec -> {
              assertThat(spec.partitions()).isEqualTo(12);
              assertThat(spec.replicationFactor()).isEqualTo((short) 3);
            });
  }

  @Test
  void theKeysCompactionLagsDocumentationNamesEveryTopicItSets() {
    String lag = "1234567";
    TopicCatalog catalog =
        TopicCatalog.from(
            new PerennialConfig(
                Map.of(
                    "bootstrap.servers",
                    "kafka:9092",
                    "schema.registry.url",
                    "http://registry:8081",
                    PerennialConfig.TOPIC_KEYS_MAX_COMPACTION_LAG_MS_CONFIG,
                    lag)));
    String documentation =
        PerennialConfig.configDef()
            .configKeys()
            .get(PerennialConfig.TOPIC_KEYS_MAX_COMPACTION_LAG_MS_CONFIG)
            .documentation;

    List<PerennialTopic> set =
        Arrays.stream(PerennialTopic.values())
            .filter(topic -> catalog.spec(topic).configs().containsValue(lag))
            .toList();

    assertThat(set).contains(PerennialTopic.SUBJECT_KEYS);
    for (PerennialTopic topic : set) {
      assertThat(documentation).as(topic.suffix()).contains(topic.suffix().replace(".v1", ""));
    }
  }
}
