package dev.perennial.publisher.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.crypto.Digest;
import dev.perennial.core.ids.RecordIds;
import dev.perennial.core.kafka.TopicReader;
import dev.perennial.core.service.FailureText;
import dev.perennial.core.service.ServiceProcess;
import dev.perennial.core.testing.HalfOpenConnections;
import dev.perennial.publisher.PublisherException;
import dev.perennial.publisher.alias.AliasChangeRefusedException;
import dev.perennial.publisher.alias.AliasCommand;
import dev.perennial.publisher.audit.AuditEvents;
import dev.perennial.publisher.config.Aliases;
import dev.perennial.publisher.config.PublisherConfig;
import dev.perennial.publisher.manifest.Json;
import dev.perennial.publisher.publish.Decision;
import dev.perennial.publisher.retract.RetractCommand;
import dev.perennial.publisher.retract.RetractionRefusedException;
import dev.perennial.publisher.retract.RetractionRefusedException.Reason;
import dev.perennial.publisher.sign.SigningKey;
import dev.perennial.publisher.testing.TestVerdicts;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.AuditEvent;
import dev.perennial.schemas.v1.AuditStage;
import dev.perennial.schemas.v1.EvaluationVerdict;
import dev.perennial.schemas.v1.LineageMethod;
import dev.perennial.schemas.v1.ReleaseAction;
import dev.perennial.schemas.v1.SkipReason;
import dev.perennial.schemas.v1.TrainingJob;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;

/**
 * The publisher on the real broker and registry: verdicts in (hand-built, real serdes, adapter
 * files in the artifact store), release folders, {@code releases.v1} and {@code audit.v1} out, the
 * read API and the admin endpoint over HTTP.
 */
class PublisherServiceIT extends PublisherServiceHarness {

  @Test
  void aPassedVerdictBecomesASignedReleaseWithItsRecordsAndTheReadApiServesStable()
      throws Exception {
    ServiceProcess<PublisherServer> server = start(Map.of());
    EvaluationVerdict verdict =
        TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-1", null));

    send(verdict);

    List<AdapterRelease> releases = read(topics.releases(), r -> !r.isEmpty());
    assertThat(releases)
        .singleElement()
        .satisfies(
            release -> {
              assertThat(release.getAction()).isEqualTo(ReleaseAction.PUBLISHED);
              assertThat(release.getVersion()).isEqualTo(1);
              assertThat(release.getAliases()).containsExactlyEntriesOf(Map.of("stable", 1));
              assertThat(release.getLocation()).isEqualTo(verdict.getCandidate().getLocation());
              assertThat(release.getFileDigests())
                  .isEqualTo(verdict.getCandidate().getFileDigests());
            });
    List<AuditEvent> audits = read(topics.audit(), hasAudits(AuditEvents.RELEASE_PUBLISHED, 1));
    assertThat(audits)
        .singleElement()
        .satisfies(a -> assertThat(a.getStage()).isEqualTo(AuditStage.PUBLISHER));

    Path released = folder.resolve("releases/acme/support/v1");
    assertThat(verificationProblems(server, 1)).isEmpty();
    assertThat(releases.get(0).getManifestDigest())
        .isEqualTo(Digest.of(released.resolve("manifest.json")).hex());

    HttpResponse<String> stable = get(server, "/v1/adapters/acme/support/stable");
    assertThat(stable.statusCode()).isEqualTo(200);
    JsonNode body = Json.MAPPER.readTree(stable.body());
    assertThat(body.get("version").intValue()).isEqualTo(1);
    assertThat(body.get("path").textValue()).isEqualTo(released.toAbsolutePath().toString());
    assertThat(body.get("relativePath").textValue()).isEqualTo("acme/support/v1");
    assertThat(body.get("artifactLocation").textValue())
        .isEqualTo(verdict.getCandidate().getLocation());
    assertThat(body.at("/manifest/candidate/candidateId").textValue()).isEqualTo("cand-1");
    assertThat(body.at("/manifest/baseModel/digest").textValue())
        .isEqualTo("sha256:" + TestVerdicts.BASE_DIGEST);
    assertThat(get(server, "/v1/public-key").body()).isEqualTo(signingKey.publicKeyPem());
    HttpResponse<String> unknown = get(server, "/v1/adapters/acme/nope/stable");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(Json.MAPPER.readTree(unknown.body()).get("error").textValue())
        .isEqualTo("No releases of acme/nope");
    HttpResponse<String> noCanary = get(server, "/v1/adapters/acme/support/canary");
    assertThat(noCanary.statusCode()).isEqualTo(404);
    assertThat(noCanary.body())
        .contains("acme/support has no alias canary on base ")
        .contains("(aliases there: {stable=1})");
    assertThat(getAdmin(server, "/metrics").body())
        .contains(
            "perennial_publisher_releases_total{action=\"published\",service=\"publisher\"} 1.0")
        .containsPattern(
            "kafka_consumer_fetch_manager_records_lag_max\\{[^}]*service=\"publisher\"")
        .containsPattern("kafka_producer_txn_commit_time_ns_total\\{[^}]*service=\"publisher\"");
  }

  @Test
  void failedAndUnreadableVerdictsReleaseNothingAndAreAuditedWhileTheNextOneIsReleased()
      throws Exception {
    start(Map.of());

    send(TestVerdicts.failedLeakage(TestVerdicts.candidate(store, "acme/support", "cand-1", null)));
    KAFKA.produce(
        topics.verdicts().name(),
        new StringSerializer(),
        new ByteArraySerializer(),
        List.of(KeyValue.pair("acme/support", "not avro".getBytes(StandardCharsets.UTF_8))));
    send(TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-2", null)));

    List<AuditEvent> audits = read(topics.audit(), hasAudits(AuditEvents.RELEASE_PUBLISHED, 1));
    assertThat(audits)
        .filteredOn(audit -> audit.getAction().equals(AuditEvents.RELEASE_REFUSED))
        .singleElement()
        .satisfies(
            audit -> {
              assertThat(audit.getReason()).contains("leakage: 3.5 (must be LESS_OR_EQUAL 1.0)");
              assertThat(audit.getDetails()).containsEntry("failedGates", "leakage");
              assertThat(audit.getDetails()).containsEntry("candidateId", "cand-1");
            });
    assertThat(audits)
        .filteredOn(audit -> audit.getAction().equals(AuditEvents.RECORD_UNREADABLE))
        .singleElement()
        .satisfies(
            audit -> {
              assertThat(audit.getAdapterKey()).isEqualTo("acme/support");
              assertThat(audit.getDetails()).containsEntry("topic", topics.verdicts().name());
            });
    assertThat(readAll(topics.releases()))
        .singleElement()
        .satisfies(release -> assertThat(release.getCandidateId()).isEqualTo("cand-2"));
    assertThat(folder.resolve("releases/acme/support")).isDirectoryContaining("glob:**/v1");
    assertThat(folder.resolve("releases/acme/support/v2")).doesNotExist();
  }

  @Test
  void aStartDeletesTheArtifactStoresWritesAbandonedLongerThanTheirAgeAndKeepsYoungerOnes()
      throws Exception {
    Path stale = Files.writeString(store.root().resolve("tmp/write-1.partial"), "killed mid-write");
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
    Path fresh = Files.writeString(store.root().resolve("tmp/write-2.partial"), "being written");

    start(Map.of(PerennialConfig.ARTIFACT_STORE_ABANDONED_WRITE_AGE_MS_CONFIG, "3600000"));

    assertThat(stale).doesNotExist();
    assertThat(fresh).exists();
  }

  @Test
  void theSameVerdictDeliveredAgainAndAfterARestartStillYieldsOneVersion() throws Exception {
    ServiceProcess<PublisherServer> first = start(Map.of());
    EvaluationVerdict verdict =
        TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-1", null));

    send(verdict, verdict);
    read(topics.audit(), hasAudits(AuditEvents.VERDICT_ALREADY_RELEASED, 1));
    first.close();
    servers.remove(first);
    ServiceProcess<PublisherServer> second = start(Map.of());
    send(verdict);
    send(TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-2", 1)));
    read(topics.audit(), hasAudits(AuditEvents.RELEASE_PUBLISHED, 2));

    assertThat(readAll(topics.releases()))
        .extracting(AdapterRelease::getVersion, AdapterRelease::getCandidateId)
        .containsExactly(tuple(1, "cand-1"), tuple(2, "cand-2"));
    assertThat(readAll(topics.audit()))
        .filteredOn(a -> a.getAction().equals(AuditEvents.VERDICT_ALREADY_RELEASED))
        .hasSize(2);
    try (Stream<Path> versions = Files.list(folder.resolve("releases/acme/support"))) {
      assertThat(versions.map(p -> p.getFileName().toString()).sorted())
          .containsExactly("v1", "v2");
    }
    assertThat(second.service().service().registry().get(KEY).aliases()).containsEntry("stable", 2);
  }

  @Test
  void anImportedAdapterThatPassedReplacesStableAndNamesItsOriginInTheRecordManifestAndReadApi()
      throws Exception {
    ServiceProcess<PublisherServer> server = start(Map.of());
    send(TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-1", null)));
    read(topics.releases(), r -> r.size() == 1);

    // no parent version, but the evaluator compared it with the key's stable v1, as with any
    // candidate of a key that has one
    EvaluationVerdict verdict =
        TestVerdicts.passed(TestVerdicts.imported(store, "acme/support", "cand-2"));
    verdict.setIncumbentVersion(1);
    send(verdict);

    List<AdapterRelease> releases = read(topics.releases(), r -> r.size() == 2);
    AdapterRelease imported =
        releases.stream().filter(r -> r.getVersion() == 2).findFirst().orElseThrow();
    assertThat(imported.getCandidateId()).isEqualTo("cand-2");
    assertThat(imported.getAliases()).containsEntry("stable", 2);
    assertThat(imported.getLineage().getMethod()).isEqualTo(LineageMethod.IMPORTED);
    assertThat(imported.getLineage().getImportedFrom()).isEqualTo("hf:acme/support-lora");
    assertThat(verificationProblems(server, 2)).isEmpty();

    JsonNode stable = Json.MAPPER.readTree(get(server, "/v1/adapters/acme/support/stable").body());
    assertThat(stable.get("version").intValue()).isEqualTo(2);
    assertThat(stable.at("/manifest/lineage/method").textValue()).isEqualTo("IMPORTED");
    assertThat(stable.at("/manifest/parentVersion").isNull()).isTrue();
    assertThat(stable.at("/manifest/candidate/adapterImport/importId").textValue())
        .isEqualTo("import-1");
    assertThat(stable.at("/manifest/candidate/adapterImport/importedBy").textValue())
        .isEqualTo("operator:alice");
  }

  @Test
  void tenantsNamedLikeTheAreasOwnFilesOrWithAnUnwritableFolderStopNoOtherTenant()
      throws Exception {
    ServiceProcess<PublisherServer> first = start(Map.of());
    // a file where the tenant's folder belongs: every write of blocked/default fails, others work
    Files.writeString(folder.resolve("releases/blocked"), "not a folder");
    // a tenant folder under keys/ as an area written before the name was reserved holds it
    Files.createDirectories(folder.resolve("releases/keys/default/v1"));

    send(
        TestVerdicts.passed(TestVerdicts.candidate(store, "keys/default", "cand-k", null)),
        TestVerdicts.passed(
            TestVerdicts.candidate(store, "public-key.pem/default", "cand-p", null)),
        TestVerdicts.passed(TestVerdicts.candidate(store, "blocked/default", "cand-b1", null)));
    send(
        TestVerdicts.passed(TestVerdicts.candidate(store, "blocked/default", "cand-b2", null)),
        TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-1", null)));

    List<AuditEvent> audits =
        read(
            topics.audit(),
            hasAudits(AuditEvents.RELEASE_PUBLISHED, 1)
                .and(hasAudits(AuditEvents.RELEASE_REFUSED, 2))
                .and(hasAudits(AuditEvents.KEY_QUARANTINED, 1))
                .and(hasAudits(AuditEvents.RECORD_QUARANTINED, 1)));
    assertThat(audits)
        .filteredOn(a -> a.getAction().equals(AuditEvents.RELEASE_REFUSED))
        .extracting(AuditEvent::getAdapterKey)
        .containsExactlyInAnyOrder("keys/default", "public-key.pem/default");
    assertThat(audits)
        .filteredOn(a -> a.getAction().equals(AuditEvents.RELEASE_REFUSED))
        .allSatisfy(a -> assertThat(a.getReason()).contains("is reserved"));
    assertThat(audits)
        .filteredOn(a -> a.getAction().equals(AuditEvents.KEY_QUARANTINED))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getAdapterKey()).isEqualTo("blocked/default");
              assertThat(a.getReason()).contains("after 5 attempts");
              assertThat(a.getDetails()).containsEntry("topic", topics.verdicts().name());
            });
    assertThat(audits)
        .filteredOn(a -> a.getAction().equals(AuditEvents.RECORD_QUARANTINED))
        .singleElement()
        .satisfies(a -> assertThat(a.getReason()).contains("blocked/default is quarantined"));
    assertThat(readAll(topics.releases()))
        .extracting(AdapterRelease::getAdapterKey, AdapterRelease::getVersion)
        .containsExactly(tuple("acme/support", 1));
    assertThat(first.service().failure()).isEmpty();
    assertThat(getAdmin(first, "/health/live").statusCode()).isEqualTo(200);
    assertThat(first.service().service().quarantined()).containsOnlyKeys("blocked/default");
    assertThat(folder.resolve("releases/public-key.pem")).hasContent(signingKey.publicKeyPem());

    first.close();
    servers.remove(first);
    ServiceProcess<PublisherServer> second = start(Map.of());
    send(TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-2", 1)));
    read(topics.audit(), hasAudits(AuditEvents.RELEASE_PUBLISHED, 2));

    assertThat(second.service().failure()).isEmpty();
    assertThat(second.service().service().area().scan(false).strays())
        .containsExactly(
            "blocked: a file where a tenant's folder belongs",
            "keys/default: a folder among the area's public keys ('keys' is a reserved name, no"
                + " tenant)");
    assertThat(get(second, "/v1/adapters/acme/support/stable").statusCode()).isEqualTo(200);
  }

  @Test
  void recordsUnderAKeyThatIsNoIdAreAuditedSkippedAndQuarantinedWithoutRepeatingIt()
      throws Exception {
    ServiceProcess<PublisherServer> server = start(Map.of());
    // a file where the tenant's folder belongs: every write of blocked/default fails
    Files.writeString(folder.resolve("releases/blocked"), "not a folder");
    String forged = "acme/support\n2026-01-02 03:04:05 INFO forged line";
    String control = "acme/support\u001b[31m\u0007";
    String huge = "e".repeat(100_000);

    KAFKA.produce(
        topics.verdicts().name(),
        new StringSerializer(),
        new ByteArraySerializer(),
        List.of(
            KeyValue.pair(forged, "not avro".getBytes(StandardCharsets.UTF_8)),
            KeyValue.pair(control, "not avro".getBytes(StandardCharsets.UTF_8)),
            KeyValue.pair(huge, "not avro".getBytes(StandardCharsets.UTF_8))));
    // verdicts whose folder cannot be written, sent under a key that is no id: the first fails
    // every attempt and quarantines that key, the second is skipped as quarantined
    KAFKA.produce(
        topics.verdicts().name(),
        topics.verdicts().keySerde().serializer(),
        topics.verdicts().valueSerde().serializer(),
        List.of(
            KeyValue.pair(
                forged,
                TestVerdicts.passed(
                    TestVerdicts.candidate(store, "blocked/default", "job-b1#candidate", null))),
            KeyValue.pair(
                forged,
                TestVerdicts.passed(
                    TestVerdicts.candidate(store, "blocked/default", "job-b2#candidate", null)))));
    send(
        TestVerdicts.passed(
            TestVerdicts.candidate(store, "acme/support", "job-1#candidate", null)));

    List<AuditEvent> audits =
        read(
            topics.audit(),
            hasAudits(AuditEvents.RELEASE_PUBLISHED, 1)
                .and(hasAudits(AuditEvents.RECORD_UNREADABLE, 3))
                .and(hasAudits(AuditEvents.KEY_QUARANTINED, 1))
                .and(hasAudits(AuditEvents.RECORD_QUARANTINED, 1)));
    List<String> actions =
        List.of(
            AuditEvents.RECORD_UNREADABLE,
            AuditEvents.KEY_QUARANTINED,
            AuditEvents.RECORD_QUARANTINED);
    assertThat(audits)
        .filteredOn(a -> actions.contains(a.getAction()))
        .hasSize(5)
        .allSatisfy(
            a -> {
              assertThat(a.getAdapterKey()).isEqualTo(RecordIds.NOT_SHOWN);
              assertThat(a.getReason() + a.getDetails())
                  .doesNotContain("forged line", "\n", "\u001b", "\u0007", "e".repeat(1_000));
              assertThat(a.getReason()).hasSizeLessThanOrEqualTo(FailureText.MAX_LENGTH);
            });
    assertThat(
            TopicReader.readRecords(
                KAFKA.clientProperties(),
                topics.audit().name(),
                new StringDeserializer(),
                new ByteArrayDeserializer(),
                TIMEOUT))
        .as("the audit records' keys")
        .extracting(ConsumerRecord::key)
        .containsOnly("acme/support", RecordIds.NOT_SHOWN);
    assertThat(server.service().service().quarantined()).containsOnlyKeys(RecordIds.NOT_SHOWN);
    assertThat(getAdmin(server, "/health/ready").body())
        .contains(RecordIds.NOT_SHOWN)
        .doesNotContain("forged line");
    assertThat(readAll(topics.releases()))
        .extracting(AdapterRelease::getAdapterKey, AdapterRelease::getVersion)
        .containsExactly(tuple("acme/support", 1));
  }

  /**
   * A release record Kafka refuses for its size (releases.v1 takes 200 bytes here) can never be
   * written: its key is quarantined at once with the reason, and the publisher goes on.
   */
  @Test
  void audit_aReleaseKafkaRefusesForItsSizeQuarantinesItsKeyAndThePublisherGoesOn()
      throws Exception {
    KAFKA.setTopicConfig(topics.releases().name(), "max.message.bytes", "200");
    ServiceProcess<PublisherServer> server = start(Map.of());

    send(TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-1", null)));

    // The refused transaction aborted 1 s after the start alone, 31 s after it in a loaded CI
    // (then the quarantine followed at once): the wait allows for that.
    List<AuditEvent> audits =
        read(topics.audit(), hasAudits(AuditEvents.KEY_QUARANTINED, 1), Duration.ofSeconds(90));
    assertThat(audits)
        .filteredOn(audit -> audit.getAction().equals(AuditEvents.KEY_QUARANTINED))
        .singleElement()
        .satisfies(audit -> assertThat(audit.getReason()).contains("RecordTooLargeException"));
    assertThat(server.service().failure()).isEmpty();
    assertThat(getAdmin(server, "/health/live").statusCode()).isEqualTo(200);
  }

  /**
   * Publishes {@code key}'s v1, then puts a file where v2's folder belongs, so that the key's next
   * release fails every attempt and the key is quarantined; returns that file.
   */
  private Path quarantineOnItsV2(String key) throws Exception {
    Path squatter = folder.resolve("releases/" + key + "/v2");
    send(TestVerdicts.passed(TestVerdicts.candidate(store, key, "cand-1", null)));
    read(topics.audit(), hasAudits(AuditEvents.RELEASE_PUBLISHED, 1));
    Files.writeString(squatter, "not a folder");
    send(TestVerdicts.passed(TestVerdicts.candidate(store, key, "cand-2", 1)));
    read(topics.audit(), hasAudits(AuditEvents.KEY_QUARANTINED, 1));
    return squatter;
  }

  /**
   * An ERASURE job read while its key is quarantined is not dropped with the key's other records:
   * the releases it names are retracted and purged once the key's state is known again (the next
   * start), however the tenant's policy says.
   */
  @Test
  void audit_anErasureJobReadWhileItsKeyIsQuarantinedRetractsItsReleasesOnceTheKeyIsBack()
      throws Exception {
    PublisherConfig config =
        config(Map.of("perennial.publisher.tenant.strict.retraction.policy", "immediate"));
    Path squatter;
    try (PublisherService publisher =
        PublisherService.start(config, new SimpleMeterRegistry(), Clock.systemUTC())) {
      squatter = quarantineOnItsV2("strict/support");

      send(TestVerdicts.erasureJob("strict/support", "job-erase-1", List.of(1)));
      read(topics.audit(), hasAudits(AuditEvents.RECORD_QUARANTINED, 1));
      assertThat(publisher.registry().get(AdapterKey.parse("strict/support")).isRetracted(1))
          .isFalse();
    }

    // the operator removes the file and restarts: the key is tried again, the erasure with it
    Files.delete(squatter);
    try (PublisherService publisher =
        PublisherService.start(config, new SimpleMeterRegistry(), Clock.systemUTC())) {
      List<AuditEvent> audits = read(topics.audit(), hasAudits(AuditEvents.RELEASE_RETRACTED, 1));
      assertThat(audits)
          .filteredOn(a -> a.getAction().equals(AuditEvents.RELEASE_RETRACTED))
          .singleElement()
          .satisfies(a -> assertThat(a.getDetails()).containsEntry("jobId", "job-erase-1"));
      Path v1 = folder.resolve("releases/strict/support/v1");
      await(
          "v1's weights are purged", () -> !Files.exists(v1.resolve("adapter_model.safetensors")));
      assertThat(publisher.registry().get(AdapterKey.parse("strict/support")).isRetracted(1))
          .isTrue();
    }
  }

  /**
   * An operator's retraction under a quarantined key is refused, as an erasure's is held: the key's
   * state is not known (its last decision failed, or its latest release record could not be read),
   * so a RETRACTED record built on it could drop what that state lacks from the compacted topic.
   */
  @Test
  void audit_anOperatorsRetractionUnderAQuarantinedKeyIsRefusedWithNothingChanged()
      throws Exception {
    try (PublisherService publisher =
        PublisherService.start(config(Map.of()), new SimpleMeterRegistry(), Clock.systemUTC())) {
      quarantineOnItsV2("acme/support");

      RetractCommand command =
          new RetractCommand(AdapterKey.parse("acme/support"), 1, "ops@acme", "harmful answers");
      assertThatThrownBy(() -> publisher.retract(command))
          .isInstanceOfSatisfying(
              RetractionRefusedException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.KEY_QUARANTINED))
          .hasMessageContaining("quarantined");
      assertThat(publisher.registry().get(AdapterKey.parse("acme/support")).isRetracted(1))
          .isFalse();
    }
  }

  /**
   * An operator's alias move under a quarantined key is refused as their retraction is: its
   * PROMOTED or ROLLED_BACK record is built on the key's state, which is not known, and would
   * replace the compacted topic's record for the key.
   */
  @Test
  void audit_anOperatorsAliasMoveUnderAQuarantinedKeyIsRefusedWithNothingChanged()
      throws Exception {
    try (PublisherService publisher =
        PublisherService.start(config(Map.of()), new SimpleMeterRegistry(), Clock.systemUTC())) {
      quarantineOnItsV2("acme/support");

      AliasCommand command =
          new AliasCommand(
              AdapterKey.parse("acme/support"),
              Aliases.CANARY,
              1,
              AliasCommand.Move.PROMOTE,
              "ops@acme",
              "canary on v1");
      assertThatThrownBy(() -> publisher.submit(command))
          .isInstanceOfSatisfying(
              AliasChangeRefusedException.class,
              e ->
                  assertThat(e.reason())
                      .isEqualTo(AliasChangeRefusedException.Reason.KEY_QUARANTINED))
          .hasMessageContaining("quarantined");
      assertThat(publisher.registry().get(AdapterKey.parse("acme/support")).alias(Aliases.CANARY))
          .isEmpty();
    }
  }

  /**
   * A retraction whose wait is over but whose RETRACTED record Kafka refuses for its size can never
   * be written: its key is quarantined with the reason (readiness and an audit event say so, the
   * other keys' retractions are no longer queued behind it), and the retraction stays scheduled for
   * the next start instead of being tried every 10 s, silently, for ever.
   */
  @Test
  void audit_aRetractionKafkaRefusesForItsSizeQuarantinesItsKeyAndStaysScheduled()
      throws Exception {
    PublisherConfig config = config(Map.of(PublisherConfig.RETRACTION_MAX_WAIT_MS_CONFIG, "1"));
    try (PublisherService publisher =
        PublisherService.start(config, new SimpleMeterRegistry(), Clock.systemUTC())) {
      send(TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-1", null)));
      read(topics.audit(), hasAudits(AuditEvents.RELEASE_PUBLISHED, 1));
      KAFKA.setTopicConfig(topics.releases().name(), "max.message.bytes", "200");

      send(TestVerdicts.erasureJob("acme/support", "job-erase-1", List.of(1)));

      List<AuditEvent> audits =
          read(topics.audit(), hasAudits(AuditEvents.KEY_QUARANTINED, 1), Duration.ofSeconds(90));
      assertThat(audits)
          .filteredOn(audit -> audit.getAction().equals(AuditEvents.KEY_QUARANTINED))
          .singleElement()
          .satisfies(audit -> assertThat(audit.getReason()).contains("RecordTooLargeException"));
      assertThat(publisher.quarantined()).containsOnlyKeys("acme/support");
      assertThat(publisher.readiness().detail()).contains("acme/support");
      assertThat(publisher.failure()).isEmpty();
      assertThat(publisher.registry().get(KEY).isRetracted(1)).isFalse();
      try (Stream<Path> scheduled =
          Files.list(folder.resolve("releases/.retractions")).filter(Files::isRegularFile)) {
        assertThat(scheduled).as("the retraction, kept for the next start").hasSize(1);
      }
    }
  }

  /**
   * A {@code training-jobs.v1} record the publisher cannot read may be an ERASURE job: skipping it
   * would lose the erasure's retraction for good. Fail closed: its key is quarantined (nothing more
   * is released under it), kept so across restarts, audited and named in readiness, until an
   * operator removes the file that keeps it (README, Erasure).
   */
  @Test
  void audit_anUnreadableTrainingJobQuarantinesItsKeyUntilTheOperatorLiftsIt() throws Exception {
    PublisherConfig config = config(Map.of());
    try (PublisherService publisher =
        PublisherService.start(config, new SimpleMeterRegistry(), Clock.systemUTC())) {
      send(TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-1", null)));
      read(topics.audit(), hasAudits(AuditEvents.RELEASE_PUBLISHED, 1));

      KAFKA.produce(
          topics.trainingJobs().name(),
          new StringSerializer(),
          new ByteArraySerializer(),
          List.of(KeyValue.pair("acme/support", "not avro".getBytes(StandardCharsets.UTF_8))));

      List<AuditEvent> audits = read(topics.audit(), hasAudits(AuditEvents.KEY_QUARANTINED, 1));
      assertThat(audits)
          .filteredOn(a -> a.getAction().equals(AuditEvents.KEY_QUARANTINED))
          .singleElement()
          .satisfies(
              a -> {
                assertThat(a.getAdapterKey()).isEqualTo("acme/support");
                assertThat(a.getReason()).contains("ERASURE");
                assertThat(a.getDetails())
                    .containsEntry("topic", topics.trainingJobs().name())
                    .containsKey("unreadableJobKept");
              });
      assertThat(publisher.quarantined()).containsOnlyKeys("acme/support");
      assertThat(publisher.readiness().detail()).contains("acme/support");
      send(TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-2", 1)));
      read(topics.audit(), hasAudits(AuditEvents.RECORD_QUARANTINED, 1));
    }
    // a restart does not lift it: the record's offset is committed, only the kept file remembers it
    Path kept;
    try (PublisherService publisher =
        PublisherService.start(config, new SimpleMeterRegistry(), Clock.systemUTC())) {
      assertThat(publisher.quarantined()).containsOnlyKeys("acme/support");
      try (Stream<Path> files =
          Files.list(folder.resolve("releases/.retractions/unreadable"))
              .filter(Files::isRegularFile)) {
        kept = files.toList().get(0);
      }
      assertThat(publisher.readiness().detail()).contains(kept.getFileName().toString());
    }
    assertThat(readAll(topics.releases()))
        .extracting(AdapterRelease::getAdapterKey, AdapterRelease::getVersion)
        .containsExactly(tuple("acme/support", 1));

    // the operator lifts it by removing the file
    Files.delete(kept);
    try (PublisherService publisher =
        PublisherService.start(config, new SimpleMeterRegistry(), Clock.systemUTC())) {
      assertThat(publisher.quarantined()).isEmpty();
    }
  }

  /**
   * A retraction kept in the release area that the publisher cannot read (truncated, edited) is an
   * erasure nobody carries out: readiness and a gauge must name it, not one log line at start.
   */
  @Test
  void audit_aKeptRetractionThatCannotBeReadIsNamedInReadinessAndCounted() throws Exception {
    Path kept = Files.createDirectories(folder.resolve("releases/.retractions"));
    Files.writeString(kept.resolve("0123abcd.json"), "{\"format\": \"perennial.retraction");
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (PublisherService publisher = PublisherService.start(config(Map.of()), meters)) {
      assertThat(publisher.readiness().ready()).isTrue();
      assertThat(publisher.readiness().detail()).contains("0123abcd.json");
      assertThat(meters.get("perennial.publisher.retractions.unreadable").gauge().value())
          .isEqualTo(1.0);
    }
  }

  @Test
  void aPublisherWhoseLoopDiedOfAnErrorIsNeitherLiveNorReady() throws Exception {
    ServiceProcess<PublisherServer> server = start(Map.of());
    assertThat(getAdmin(server, "/health/live").statusCode()).isEqualTo(200);
    // anything that escapes the loop ends it, an Error too (a decision listener's here)
    server
        .service()
        .service()
        .onDecision(
            decision -> {
              throw new AssertionError("a listener's bug");
            });

    send(TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-1", null)));
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    HttpResponse<String> live = getAdmin(server, "/health/live");
    while (live.statusCode() == 200 && System.nanoTime() < deadline) {
      Thread.sleep(100);
      live = getAdmin(server, "/health/live");
    }

    assertThat(live.statusCode()).isEqualTo(503);
    assertThat(live.body())
        .contains(
            "the perennial-publisher loop died of java.lang.AssertionError (its message is only in"
                + " the log: it may quote the data it failed on)")
        .doesNotContain("a listener's bug");
    assertThat(getAdmin(server, "/health/ready").statusCode()).isEqualTo(503);
    assertThat(server.service().failure()).isPresent();
  }

  @Test
  void aPublisherWhoseArtifactStoreHoldsNothingStopsRatherThanRefuseOrQuarantineAPassedVerdict()
      throws Exception {
    // the publisher's volume is not mounted: its store is the image's empty mount point, while the
    // candidate's files are in the real one
    Map<String, String> unmounted =
        Map.of(PerennialConfig.ARTIFACT_STORE_PATH_CONFIG, folder.resolve("unmounted").toString());
    ServiceProcess<PublisherServer> server = start(unmounted);

    send(TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-1", null)));
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    HttpResponse<String> live = getAdmin(server, "/health/live");
    while (live.statusCode() == 200
        && decisionsOn(readAll(topics.audit())).isEmpty()
        && System.nanoTime() < deadline) {
      Thread.sleep(500);
      live = getAdmin(server, "/health/live");
    }

    assertThat(decisionsOn(readAll(topics.audit())))
        .as("refusals, quarantines, releases")
        .isEmpty();
    assertThat(readAll(topics.releases())).isEmpty();
    assertThat(live.statusCode()).isEqualTo(503);
    assertThat(live.body()).contains("holds nothing").contains("is its volume mounted?");
    assertThat(server.service().failure()).isPresent();
    // the verdict stays to be published once the volume is mounted
    assertThat(committedOffsets(config(unmounted).instanceId())).isZero();
  }

  @Test
  void clientsThatSendHalfAHeaderBlockNeitherTheReadApiNorTheAdminPort() throws Exception {
    ServiceProcess<PublisherServer> server = start(Map.of());
    try (HalfOpenConnections slow =
        HalfOpenConnections.open(
            "/v1/adapters", 6, server.service().apiPort(), server.httpPort())) {
      assertThat(get(server, "/v1/adapters").statusCode()).isEqualTo(200);
      assertThat(getAdmin(server, "/health/live").statusCode()).isEqualTo(200);
      assertThat(getAdmin(server, "/v1/adapters").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void withoutATokenAliasMovesAreRefusedUnlessTheOperatorOpenedThem() throws Exception {
    ServiceProcess<PublisherServer> closed = start(Map.of());
    send(TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-1", null)));
    read(topics.audit(), hasAudits(AuditEvents.RELEASE_PUBLISHED, 1));
    String body = "{\"action\":\"promote\",\"version\":1,\"actor\":\"eve\",\"reason\":\"x\"}";

    HttpResponse<String> refused = post(closed, "/v1/adapters/acme/support/aliases/pwned", body);

    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("Alias moves are off: the publisher has no admin token");
    assertThat(closed.service().service().registry().get(KEY).aliases()).doesNotContainKey("pwned");
    closed.close();
    servers.remove(closed);

    ServiceProcess<PublisherServer> opened =
        start(Map.of(PublisherConfig.ADMIN_UNAUTHENTICATED_CONFIG, "true"));
    HttpResponse<String> moved = post(opened, "/v1/adapters/acme/support/aliases/canary", body);

    assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
    assertThat(opened.service().service().registry().get(KEY).aliases()).containsEntry("canary", 1);
  }

  @Test
  void aReleaseWhoseFilesFailItsSignedManifestIsNeitherServedNorAliasedNorTrustedAfterARestart()
      throws Exception {
    ServiceProcess<PublisherServer> first =
        start(Map.of(PublisherConfig.ADMIN_UNAUTHENTICATED_CONFIG, "true"));
    send(TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-1", null)));
    send(TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-2", 1)));
    read(topics.audit(), hasAudits(AuditEvents.RELEASE_PUBLISHED, 2));
    Path v1 = folder.resolve("releases/acme/support/v1");
    String rollback = "{\"action\":\"rollback\",\"version\":1,\"actor\":\"op\",\"reason\":\"r\"}";

    for (String file : List.of("adapter_model.safetensors", "manifest.json", "manifest.sig")) {
      byte[] original = Files.readAllBytes(v1.resolve(file));
      byte[] tampered = original.clone();
      // a different byte that keeps base64 base64 and JSON text text
      tampered[8] = (byte) (tampered[8] == 'A' ? 'B' : 'A');
      Files.write(v1.resolve(file), tampered);

      HttpResponse<String> read = get(first, "/v1/adapters/acme/support/versions/1");
      HttpResponse<String> moved =
          post(first, "/v1/adapters/acme/support/aliases/stable", rollback);

      assertThat(read.statusCode()).as(file).isEqualTo(500);
      assertThat(read.body()).as(file).contains("acme/support v1 fails verification");
      assertThat(moved.statusCode()).as(file).isEqualTo(409);
      assertThat(moved.body()).as(file).contains("fails verification, no alias moves onto it");
      Files.write(v1.resolve(file), original);
      assertThat(get(first, "/v1/adapters/acme/support/versions/1").statusCode())
          .as(file + " restored")
          .isEqualTo(200);
    }

    // re-signed with an attacker's key, published beside the area's own keys: not trusted
    SigningKey attacker = SigningKey.generate();
    String manifest =
        Files.readString(v1.resolve("manifest.json")).replace(signingKey.keyId(), attacker.keyId());
    Files.writeString(v1.resolve("manifest.json"), manifest);
    Files.writeString(
        v1.resolve("manifest.sig"),
        java.util.Base64.getEncoder()
                .encodeToString(attacker.sign(manifest.getBytes(StandardCharsets.UTF_8)))
            + "\n");
    Files.writeString(
        folder.resolve("releases/keys/" + attacker.keyId().substring("sha256:".length()) + ".pem"),
        attacker.publicKeyPem());
    HttpResponse<String> resigned = get(first, "/v1/adapters/acme/support/versions/1");
    assertThat(resigned.statusCode()).isEqualTo(500);
    assertThat(resigned.body()).contains("no trusted public key " + attacker.keyId());

    // a flipped byte in what stable serves, found again by a restarted publisher
    Path stable = folder.resolve("releases/acme/support/v2/adapter_model.safetensors");
    byte[] weights = Files.readAllBytes(stable);
    weights[weights.length - 1] ^= 1;
    Files.write(stable, weights);
    first.close();
    servers.remove(first);
    ServiceProcess<PublisherServer> second = start(Map.of());

    assertThat(second.service().service().integrityFailures())
        .singleElement()
        .satisfies(f -> assertThat(f).startsWith("acme/support v2: [adapter_model.safetensors"));
    assertThat(second.service().readiness().detail()).contains("failing verification: 1");
    assertThat(get(second, "/v1/adapters/acme/support/stable").statusCode()).isEqualTo(500);
    // v1's manifest, re-signed by the attacker, was read at the restart: quarantined, not listed
    assertThat(second.service().readiness().detail())
        .contains("quarantined releases (manifest does not verify): [acme/support v1]");
    JsonNode versions =
        Json.MAPPER.readTree(get(second, "/v1/adapters/acme/support/versions").body());
    assertThat(versions.at("/0/version").intValue()).isEqualTo(1);
    assertThat(versions.at("/0/quarantined").booleanValue()).isTrue();
    assertThat(versions.at("/0/reason").textValue())
        .contains("no trusted public key " + attacker.keyId());
    assertThat(versions.get(0).has("metrics")).isFalse();
  }

  @Test
  void operatorsPromoteAndRollBackThroughTheAdminEndpointWithActorAndReasonAudited()
      throws Exception {
    ServiceProcess<PublisherServer> server =
        start(
            Map.of(
                "perennial.publisher.tenant.acme.auto.promote",
                "false",
                PublisherConfig.ADMIN_UNAUTHENTICATED_CONFIG,
                "true"));
    send(
        TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-1", null)),
        TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-2", 1)));
    read(topics.audit(), hasAudits(AuditEvents.RELEASE_PUBLISHED, 2));
    assertThat(get(server, "/v1/adapters/acme/support/stable").statusCode()).isEqualTo(404);

    HttpResponse<String> promote1 =
        post(
            server,
            "/v1/adapters/acme/support/aliases/stable",
            "{\"action\":\"promote\",\"version\":1,\"actor\":\"alice\",\"reason\":\"canary ok\"}");
    HttpResponse<String> promote2 =
        post(
            server,
            "/v1/adapters/acme/support/aliases/stable",
            "{\"action\":\"promote\",\"version\":2,\"actor\":\"alice\",\"reason\":\"canary ok\"}");
    HttpResponse<String> rollback =
        post(
            server,
            "/v1/adapters/acme/support/aliases/stable",
            "{\"action\":\"rollback\",\"version\":1,\"actor\":\"bob\",\"reason\":\"latency regression\"}");
    HttpResponse<String> conflict =
        post(
            server,
            "/v1/adapters/acme/support/aliases/stable",
            "{\"action\":\"rollback\",\"version\":2,\"actor\":\"bob\",\"reason\":\"oops\"}");
    HttpResponse<String> bad =
        post(server, "/v1/adapters/acme/support/aliases/stable", "{\"action\":\"promote\"}");
    HttpResponse<String> onReadApi =
        post(
            server.service().apiPort(),
            "/v1/adapters/acme/support/aliases/stable",
            "{\"action\":\"promote\",\"version\":2,\"actor\":\"eve\",\"reason\":\"x\"}");

    assertThat(promote1.statusCode()).as(promote1.body()).isEqualTo(200);
    assertThat(promote2.statusCode()).isEqualTo(200);
    assertThat(rollback.statusCode()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(rollback.body()).at("/aliases/stable").intValue()).isEqualTo(1);
    assertThat(conflict.statusCode()).isEqualTo(409);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("version must be a whole number");
    assertThat(onReadApi.statusCode()).isEqualTo(405);
    List<AdapterRelease> releases = read(topics.releases(), r -> r.size() >= 5);
    assertThat(releases)
        .filteredOn(r -> r.getAction() == ReleaseAction.ROLLED_BACK)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getVersion()).isEqualTo(1);
              assertThat(r.getReason()).isEqualTo("latency regression");
              assertThat(r.getAliases()).containsEntry("stable", 1).containsEntry("canary", 2);
            });
    List<AuditEvent> audits = read(topics.audit(), hasAudits(AuditEvents.RELEASE_ROLLED_BACK, 1));
    assertThat(audits)
        .filteredOn(a -> a.getStage() == AuditStage.OPERATOR)
        .extracting(AuditEvent::getAction, AuditEvent::getActor, AuditEvent::getReason)
        .containsExactlyInAnyOrder(
            tuple(AuditEvents.RELEASE_PROMOTED, "alice", "canary ok"),
            tuple(AuditEvents.RELEASE_PROMOTED, "alice", "canary ok"),
            tuple(AuditEvents.RELEASE_ROLLED_BACK, "bob", "latency regression"));
    assertThat(folder.resolve("releases/acme/support/v2")).isDirectory();
  }

  @Test
  void anErasureJobRetractsTheAffectedReleasesAtOnceUnderTheImmediatePolicy() throws Exception {
    ServiceProcess<PublisherServer> server =
        start(Map.of("perennial.publisher.tenant.strict.retraction.policy", "immediate"));
    send(
        TestVerdicts.passed(TestVerdicts.candidate(store, "strict/support", "cand-1", null)),
        TestVerdicts.passed(TestVerdicts.candidate(store, "strict/support", "cand-2", 1)));
    read(topics.audit(), hasAudits(AuditEvents.RELEASE_PUBLISHED, 2));

    send(TestVerdicts.erasureJob("strict/support", "job-erase-1", List.of(2)));

    read(topics.audit(), hasAudits(AuditEvents.RELEASE_RETRACTED, 1));
    List<AdapterRelease> releases = readAll(topics.releases());
    assertThat(releases)
        .filteredOn(r -> r.getAction() == ReleaseAction.RETRACTED)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getVersion()).isEqualTo(2);
              assertThat(r.getRetractedVersions()).containsExactly(2);
              assertThat(r.getAliases()).containsExactlyEntriesOf(Map.of("stable", 1));
            });
    JsonNode stable =
        Json.MAPPER.readTree(get(server, "/v1/adapters/strict/support/stable").body());
    assertThat(stable.get("version").intValue()).isEqualTo(1);
    JsonNode v2 =
        Json.MAPPER.readTree(get(server, "/v1/adapters/strict/support/versions/2").body());
    assertThat(v2.get("retracted").booleanValue()).isTrue();
    assertThat(folder.resolve("releases/strict/support/v2")).isDirectory();
  }

  @Test
  void aPurgeThatFailsWhileThePublisherRunsIsRetriedUntilTheErasedWeightsAreGone()
      throws Exception {
    ServiceProcess<PublisherServer> server =
        start(Map.of("perennial.publisher.tenant.strict.retraction.policy", "immediate"));
    AdapterCandidate erased = TestVerdicts.candidate(store, "strict/support", "cand-2", 1);
    send(
        TestVerdicts.passed(TestVerdicts.candidate(store, "strict/support", "cand-1", null)),
        TestVerdicts.passed(erased));
    read(topics.audit(), hasAudits(AuditEvents.RELEASE_PUBLISHED, 2));
    Digest weights =
        Digest.parse("sha256:" + erased.getFileDigests().get("adapter_model.safetensors"));
    assertThat(store.exists(weights)).isTrue();

    // the artifact store's volume is gone while the retraction is purged
    Path unmounted = folder.resolve("artifacts-unmounted");
    Files.move(store.root(), unmounted);
    send(TestVerdicts.erasureJob("strict/support", "job-erase-1", List.of(2)));
    read(topics.audit(), hasAudits(AuditEvents.RELEASE_RETRACTED, 1));
    await(
        "readiness names the erased weights the publisher could not purge",
        () -> ready(server).contains("strict/support v2"));
    // ... and comes back: the erased data's weights are readable again, the publisher runs on
    Files.move(unmounted, store.root());
    assertThat(store.exists(weights)).isTrue();

    await("the erased weights are gone from the store", () -> !store.exists(weights));
    await("readiness names them no more", () -> !ready(server).contains("strict/support v2"));
    assertThat(getAdmin(server, "/metrics").body())
        .containsPattern("perennial_publisher_purge_failures_total\\{[^}]*\\} [1-9]")
        .containsPattern("perennial_publisher_purges_pending\\{[^}]*\\} 0.0");
    assertThat(server.service().failure()).isEmpty();
  }

  @Test
  void whileItsStartUpIsStillLoadingThePublisherIsLiveButNotReady() throws Exception {
    int port = freePort();
    PublisherConfig config =
        config(Map.of(PerennialConfig.HTTP_PORT_CONFIG, Integer.toString(port)));
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch loaded = new CountDownLatch(1);
    // the start-up as slow as a large release area makes it: held until the test lets it go on
    CompletableFuture<ServiceProcess<PublisherServer>> starting =
        CompletableFuture.supplyAsync(
            () ->
                ServiceProcess.start(
                    PublisherServer.SERVICE_NAME,
                    config,
                    metrics -> {
                      loading.countDown();
                      awaitQuietly(loaded);
                      return PublisherServer.start(config, metrics.registry());
                    }));
    HttpResponse<String> live;
    HttpResponse<String> ready;
    try {
      assertThat(loading.await(30, TimeUnit.SECONDS)).isTrue();
      live = get(port, "/health/live");
      ready = get(port, "/health/ready");
    } finally {
      loaded.countDown();
    }
    ServiceProcess<PublisherServer> server = starting.get(60, TimeUnit.SECONDS);
    servers.add(server);
    assertThat(live.statusCode()).as(live.body()).isEqualTo(200);
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).startsWith("DOWN starting");
    assertThat(get(port, "/health/ready").statusCode()).isEqualTo(200);
    assertThat(get(port, "/health/live").statusCode()).isEqualTo(200);
  }

  @Test
  void aStartUpThatFailsAfterTheHealthServerAnsweredFailsTheStartAndServesNoMore()
      throws Exception {
    int port = freePort();
    PublisherConfig config =
        config(Map.of(PerennialConfig.HTTP_PORT_CONFIG, Integer.toString(port)));
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch failing = new CountDownLatch(1);
    CompletableFuture<ServiceProcess<PublisherServer>> starting =
        CompletableFuture.supplyAsync(
            () ->
                ServiceProcess.start(
                    PublisherServer.SERVICE_NAME,
                    config,
                    metrics -> {
                      loading.countDown();
                      awaitQuietly(failing);
                      throw new PublisherException("the release area cannot be read");
                    }));
    HttpResponse<String> live;
    try {
      assertThat(loading.await(30, TimeUnit.SECONDS)).isTrue();
      live = get(port, "/health/live");
    } finally {
      failing.countDown();
    }

    assertThatThrownBy(() -> starting.get(60, TimeUnit.SECONDS))
        .hasRootCauseInstanceOf(PublisherException.class)
        .hasRootCauseMessage("the release area cannot be read");
    assertThat(live.statusCode()).as(live.body()).isEqualTo(200);
    assertThatThrownBy(() -> get(port, "/health/live")).isInstanceOf(java.io.IOException.class);
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** What {@code /health/ready} answers now (the readiness line). */
  private String ready(ServiceProcess<PublisherServer> server) {
    try {
      return getAdmin(server, "/health/ready").body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e.toString();
    } catch (Exception e) {
      return e.toString();
    }
  }

  @Test
  void releasesWaitingForAReplacementThatNeverComesAreRetractedOnceTheMaxWaitIsOverAfterARestart()
      throws Exception {
    PublisherConfig config = config(Map.of());
    try (PublisherService publisher =
        PublisherService.start(config, new SimpleMeterRegistry(), Clock.systemUTC())) {
      send(
          TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-1", null)),
          TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-2", 1)));
      read(topics.audit(), hasAudits(AuditEvents.RELEASE_PUBLISHED, 2));
      // v2 holds an erased subject's data; under the default policy (replacement) its retraction
      // waits for the ERASURE job's retrained release, which never comes: training fails on every
      // attempt, or no worker runs. No candidate, no verdict: nothing else reaches the publisher.
      send(TestVerdicts.erasureJob("acme/support", "job-erase-1", List.of(2)));
      read(topics.audit(), hasAudits(AuditEvents.RETRACTION_SCHEDULED, 1));
      assertThat(publisher.registry().get(KEY).isRetracted(2)).isFalse();
    }

    // A day and an hour later the publisher runs again (a new pod): it kept the schedule.
    Clock later = Clock.offset(Clock.systemUTC(), Duration.ofHours(25));
    try (PublisherService publisher =
        PublisherService.start(config, new SimpleMeterRegistry(), later)) {
      List<AuditEvent> audits = read(topics.audit(), hasAudits(AuditEvents.RELEASE_RETRACTED, 1));
      assertThat(audits)
          .filteredOn(a -> a.getAction().equals(AuditEvents.RELEASE_RETRACTED))
          .singleElement()
          .satisfies(
              a -> {
                assertThat(a.getDetails()).containsEntry("version", "2");
                assertThat(a.getDetails()).containsEntry("jobId", "job-erase-1");
                assertThat(a.getReason())
                    .contains("erase-job-erase-1")
                    .contains("perennial.publisher.retraction.replacement.max.wait.ms");
              });
      assertThat(readAll(topics.releases()))
          .filteredOn(r -> r.getAction() == ReleaseAction.RETRACTED)
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.getVersion()).isEqualTo(2);
                assertThat(r.getAliases()).containsExactlyEntriesOf(Map.of("stable", 1));
              });
      Path v2 = folder.resolve("releases/acme/support/v2");
      await(
          "v2's weights are purged", () -> !Files.exists(v2.resolve("adapter_model.safetensors")));
      assertThat(publisher.registry().get(KEY).isRetracted(2)).isTrue();
      assertThat(publisher.registry().get(KEY).alias("stable")).contains(1);
    }
  }

  @Test
  void anErasureJobTheWorkerGaveUpOnRetractsItsReleasesAtOnceWhicheverIsReadFirst()
      throws Exception {
    // the default policy (replacement) and max wait (24 h): nothing is retracted by the deadline
    PublisherConfig config = config(Map.of());
    TrainingJob acmeJob = TestVerdicts.erasureJob("acme/support", "job-erase-1", List.of(2));
    TrainingJob globexJob = TestVerdicts.erasureJob("globex/support", "job-erase-2", List.of(2));
    try (PublisherService publisher =
        PublisherService.start(config, new SimpleMeterRegistry(), Clock.systemUTC())) {
      send(
          TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-1", null)),
          TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-2", 1)),
          TestVerdicts.passed(TestVerdicts.candidate(store, "globex/support", "cand-3", null)),
          TestVerdicts.passed(TestVerdicts.candidate(store, "globex/support", "cand-4", 1)));
      read(topics.audit(), hasAudits(AuditEvents.RELEASE_PUBLISHED, 4));
      // acme's v2 waits for the retrain of job-erase-1, which the worker then gives up
      send(acmeJob);
      read(topics.audit(), hasAudits(AuditEvents.RETRACTION_SCHEDULED, 1));
      send(TestVerdicts.givenUp(acmeJob, null, "3 attempts failed: IllegalStateException"));
      // globex's give-up comes before its job has been read at all
      send(TestVerdicts.givenUp(globexJob, SkipReason.SHARD_GONE, "shard rewritten"));

      List<AuditEvent> audits =
          read(
              topics.audit(),
              hasAudits(AuditEvents.RELEASE_RETRACTED, 1)
                  .and(hasAudits(AuditEvents.ERASURE_JOB_GIVEN_UP, 1)));
      assertThat(audits)
          .filteredOn(a -> a.getAction().equals(AuditEvents.RELEASE_RETRACTED))
          .singleElement()
          .satisfies(
              a -> {
                assertThat(a.getAdapterKey()).isEqualTo("acme/support");
                assertThat(a.getDetails())
                    .containsEntry("version", "2")
                    .containsEntry("jobId", "job-erase-1")
                    .containsEntry("givenUp", "FAILED");
                assertThat(a.getReason()).contains("erase-job-erase-1").contains("given up");
              });
      Path v2 = folder.resolve("releases/acme/support/v2");
      await(
          "acme's v2 weights are purged",
          () -> !Files.exists(v2.resolve("adapter_model.safetensors")));
      assertThat(publisher.registry().get(KEY).alias("stable")).contains(1);
    }

    // the publisher restarts before it reads globex's job: the give-up it committed still counts
    try (PublisherService publisher =
        PublisherService.start(config, new SimpleMeterRegistry(), Clock.systemUTC())) {
      send(globexJob);
      List<AuditEvent> audits = read(topics.audit(), hasAudits(AuditEvents.RELEASE_RETRACTED, 2));
      assertThat(audits)
          .filteredOn(
              a ->
                  a.getAction().equals(AuditEvents.RELEASE_RETRACTED)
                      && a.getAdapterKey().equals("globex/support"))
          .singleElement()
          .satisfies(
              a -> {
                assertThat(a.getDetails())
                    .containsEntry("jobId", "job-erase-2")
                    .containsEntry("skipReason", "SHARD_GONE");
                assertThat(a.getReason()).contains("given up").doesNotContain("p-0123456789");
              });
      assertThat(audits)
          .filteredOn(a -> a.getAdapterKey().equals("globex/support"))
          .extracting(AuditEvent::getAction)
          .doesNotContain(AuditEvents.RETRACTION_SCHEDULED);
      Path v2 = folder.resolve("releases/globex/support/v2");
      await(
          "globex's v2 weights are purged",
          () -> !Files.exists(v2.resolve("adapter_model.safetensors")));
      await(
          "nothing waits any more",
          () -> {
            try (Stream<Path> files = Files.walk(folder.resolve("releases/.retractions"))) {
              return files.noneMatch(file -> file.toString().endsWith(".json"));
            } catch (java.io.IOException e) {
              return false;
            }
          });
    }
  }

  @Test
  void aStopRefusesAliasMovesAtOnceBothTheQueuedOnesAndThoseAskedForDuringIt() throws Exception {
    ServiceProcess<PublisherServer> server =
        start(
            Map.of(
                "perennial.publisher.tenant.acme.auto.promote",
                "false",
                PublisherConfig.ADMIN_UNAUTHENTICATED_CONFIG,
                "true"));
    PublisherService service = server.service().service();
    send(TestVerdicts.passed(TestVerdicts.candidate(store, "acme/support", "cand-1", null)));
    read(topics.audit(), hasAudits(AuditEvents.RELEASE_PUBLISHED, 1));
    // the loop held in the middle of a step that does not end (as a commit to a hung broker)
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch letGo = new CountDownLatch(1);
    service.onDecision(
        decision -> {
          if (decision.outcome() == Decision.Outcome.ALIAS_MOVED) {
            held.countDown();
            awaitQuietly(letGo);
          }
        });
    String promote = "{\"action\":\"promote\",\"version\":1,\"actor\":\"alice\",\"reason\":\"ok\"}";
    CompletableFuture<HttpResponse<String>> inProgress =
        http.sendAsync(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + server.httpPort()
                            + "/v1/adapters/acme/support/aliases/stable"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(promote))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    CompletableFuture<HttpResponse<String>> stopped;
    CompletableFuture<Void> closing;
    CompletableFuture<String> queuedAnswer = new CompletableFuture<>();
    try {
      assertThat(held.await(60, TimeUnit.SECONDS)).as("the loop runs the first move").isTrue();
      // a second move queued behind it before the stop begins: its caller waits on the loop
      Thread queued =
          new Thread(
              () -> {
                try {
                  service.submit(
                      new AliasCommand(
                          KEY, "stable", 1, AliasCommand.Move.PROMOTE, "bob", "queued"));
                  queuedAnswer.complete("carried out");
                } catch (RuntimeException e) {
                  queuedAnswer.complete(e.getMessage());
                }
              });
      queued.start();
      await(
          "the second move waits in the queue",
          () -> queued.getState() == Thread.State.TIMED_WAITING);

      closing = CompletableFuture.runAsync(server::close);
      // answered as soon as the stop begins, not after the loop or the command timeout
      assertThat(queuedAnswer.get(60, TimeUnit.SECONDS)).contains("is stopping");
      stopped =
          http.sendAsync(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:"
                              + server.httpPort()
                              + "/v1/adapters/acme/support/aliases/stable"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(promote))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> during = stopped.get(60, TimeUnit.SECONDS);
      assertThat(during.statusCode()).as(during.body()).isEqualTo(503);
      assertThat(during.body()).contains("is stopping");
    } finally {
      letGo.countDown();
    }
    closing.get(120, TimeUnit.SECONDS);
    servers.remove(server);
    // the move in progress when the stop began was carried out and answered
    assertThat(inProgress.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(read(topics.audit(), hasAudits(AuditEvents.RELEASE_PROMOTED, 1)))
        .filteredOn(a -> a.getAction().equals(AuditEvents.RELEASE_PROMOTED))
        .extracting(AuditEvent::getActor)
        .as("only the move in progress was carried out")
        .containsExactly("alice");
  }
}
