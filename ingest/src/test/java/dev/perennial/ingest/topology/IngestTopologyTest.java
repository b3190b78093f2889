package dev.perennial.ingest.topology;

import static dev.perennial.ingest.topology.Events.OCCURRED_AT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.perennial.core.config.StreamsSettings;
import dev.perennial.core.testing.RocksDbCacheMetrics;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.ingest.config.IngestConfig;
import dev.perennial.ingest.metrics.IngestMetrics;
import dev.perennial.ingest.redact.Pseudonymizer;
import dev.perennial.ingest.validate.EventIds;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.v1.ConsentChange;
import dev.perennial.schemas.v1.Document;
import dev.perennial.schemas.v1.ErasureRequest;
import dev.perennial.schemas.v1.ExampleKind;
import dev.perennial.schemas.v1.Feedback;
import dev.perennial.schemas.v1.FeedbackKind;
import dev.perennial.schemas.v1.RejectReason;
import dev.perennial.schemas.v1.RejectedRecord;
import dev.perennial.schemas.v1.TrainingExample;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The production topology with the production Streams configuration in a {@link
 * org.apache.kafka.streams.TopologyTestDriver}, its serdes on the real schema registry. Records
 * that cannot be deserialized are covered by IngestServiceIT: the test driver drops the dead
 * letters an exception handler returns under exactly-once (a real broker does not).
 */
class IngestTopologyTest {

  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  private static final String RAW_SUBJECT = "user-4711";

  @TempDir Path stateDir;

  private IngestDriver ingest;

  @BeforeEach
  void startDriver() {
    ingest = IngestDriver.start(REGISTRY.url(), stateDir);
  }

  @AfterEach
  void closeDriver() {
    ingest.close();
  }

  private static String pseudonym(String tenant, String subject) {
    return new Pseudonymizer(IngestDriver.SECRET).pseudonym(tenant, subject);
  }

  @Test
  void everyPersistentStoreCachesItsBlocksInTheSharedCacheOfTheRocksDbBudget() {
    ingest.grant("acme", RAW_SUBJECT);
    // the dedup store's first segment opens with the first event
    ingest.send(Events.document("acme", RAW_SUBJECT, "doc-1", "The Velmora lamp is blue.").build());

    assertThat(RocksDbCacheMetrics.blockCacheCapacities(ingest.driver.metrics()))
        // the dedup store is ingest's only persistent one: the consent store is in memory
        .containsOnlyKeys(IngestTopology.DEDUP_STORE)
        .allSatisfy(
            (store, capacity) ->
                assertThat(capacity).isEqualTo(StreamsSettings.ROCKSDB_MEMORY_BYTES_DEFAULT));
  }

  @Nested
  class Consent {

    @Test
    void aConsentedDocumentBecomesATextExampleKeyedByItsAdapterKey() {
      ingest.grant("acme", RAW_SUBJECT);
      ingest.send(
          Events.document("acme", RAW_SUBJECT, "doc-1", "The Velmora lamp is blue.").build());

      List<KeyValue<String, TrainingExample>> examples = ingest.examples();
      assertThat(examples)
          .singleElement()
          .satisfies(kv -> assertThat(kv.key).isEqualTo("acme/default"));
      TrainingExample example = examples.get(0).value;
      assertThat(example.getKind()).isEqualTo(ExampleKind.TEXT);
      assertThat(example.getText()).isEqualTo("The Velmora lamp is blue.");
      assertThat(example.getAdapterKey()).isEqualTo("acme/default");
      assertThat(example.getTenant()).isEqualTo("acme");
      assertThat(example.getSubjectPseudonym())
          .isEqualTo(pseudonym("acme", RAW_SUBJECT))
          .hasSize(64);
      assertThat(example.getEventId()).isEqualTo("doc-1");
      assertThat(example.getSource().getTopic()).isEqualTo("perennial.documents.v1");
      assertThat(example.getSource().getOffset()).isZero();
      assertThat(example.getConsentVersion()).isEqualTo("perennial.consent.v1-0@0");
      assertThat(example.getOccurredAt()).isEqualTo(OCCURRED_AT);
      assertThat(example.getIngestedAt()).isEqualTo(IngestDriver.START);
      assertThat(example.getRedactions()).isEmpty();
      assertThat(example.getExampleId()).matches("[0-9a-f]{64}");
      assertThat(example.toString()).doesNotContain(RAW_SUBJECT);
      assertThat(ingest.rejections()).isEmpty();
    }

    @Test
    void anEventWithoutAnyConsentIsRejectedWithoutItsContent() {
      ingest.send(Events.document("acme", RAW_SUBJECT, "doc-1", "Private words.").build());

      assertThat(ingest.examples()).isEmpty();
      RejectedRecord rejection = ingest.onlyRejection();
      assertThat(rejection.getReason()).isEqualTo(RejectReason.NO_CONSENT);
      assertThat(rejection.getKey()).isNull();
      assertThat(rejection.getValue()).isNull();
      assertThat(rejection.getTenant()).isEqualTo("acme");
      assertThat(rejection.getEventId()).isEqualTo("doc-1");
      assertThat(rejection.getSource().getTopic()).isEqualTo("perennial.documents.v1");
      assertThat(rejection.getDetail()).contains("adapter-training").doesNotContain("Private");
      assertThat(rejection.toString()).doesNotContain("Private words");
    }

    @Test
    void aRevocationRequestsAnErasureAndLaterEventsOfTheSubjectAreRejectedAsErased() {
      ingest.grant("acme", RAW_SUBJECT);
      ingest.send(Events.document("acme", RAW_SUBJECT, "doc-1", "Before.").build());
      ingest.revoke("acme", RAW_SUBJECT);
      ingest.send(Events.document("acme", RAW_SUBJECT, "doc-2", "After.").build());

      assertThat(ingest.examples())
          .extracting(kv -> kv.value.getEventId())
          .containsExactly("doc-1");
      RejectedRecord rejection = ingest.onlyRejection();
      assertThat(rejection.getReason()).isEqualTo(RejectReason.ERASED_SUBJECT);
      assertThat(rejection.getEventId()).isEqualTo("doc-2");
      assertThat(rejection.getKey()).isNull();
      assertThat(rejection.getValue()).isNull();
      List<KeyValue<String, ErasureRequest>> erasures = ingest.erasures.readKeyValuesToList();
      String pseudonym = pseudonym("acme", RAW_SUBJECT);
      assertThat(erasures)
          .singleElement()
          .satisfies(kv -> assertThat(kv.key).isEqualTo("acme/" + pseudonym));
      ErasureRequest erasure = erasures.get(0).value;
      assertThat(erasure.getTenant()).isEqualTo("acme");
      assertThat(erasure.getSubjectPseudonym()).isEqualTo(pseudonym);
      assertThat(erasure.getRevokedAt()).isEqualTo(Instant.parse("2026-03-01T11:00:00Z"));
      assertThat(erasure.getSource().getOffset()).isEqualTo(1);
      assertThat(erasure.getRequestId()).isEqualTo("erasure-perennial.consent.v1-0@1");
      assertThat(erasure.toString()).doesNotContain(RAW_SUBJECT);
    }

    @Test
    void anEventThatHappenedBeforeTheRevocationButArrivesAfterItIsRejectedToo() {
      ingest.grant("acme", RAW_SUBJECT);
      ingest.consent.pipeInput(
          "acme/" + RAW_SUBJECT, Events.revoke("acme", RAW_SUBJECT), IngestDriver.START);
      Document late = Events.document("acme", RAW_SUBJECT, "doc-late", "Late.").build();
      ingest.documents.pipeInput(
          "acme/" + RAW_SUBJECT, late, IngestDriver.START.minus(Duration.ofHours(2)));

      assertThat(ingest.examples()).isEmpty();
      assertThat(ingest.onlyRejection().getReason()).isEqualTo(RejectReason.ERASED_SUBJECT);
    }

    @Test
    void aResentEventOfARevokedSubjectIsRejectedAgain() {
      Document document = Events.document("acme", RAW_SUBJECT, "doc-1", "Text.").build();
      ingest.grant("acme", RAW_SUBJECT);
      ingest.send(document);
      ingest.revoke("acme", RAW_SUBJECT);
      ingest.send(document);

      assertThat(ingest.examples()).hasSize(1);
      assertThat(ingest.onlyRejection().getReason()).isEqualTo(RejectReason.ERASED_SUBJECT);
    }

    @Test
    void aNewGrantAfterARevocationAdmitsTheSubjectsEventsAgain() {
      ingest.grant("acme", RAW_SUBJECT);
      ingest.revoke("acme", RAW_SUBJECT);
      ingest.send(Events.document("acme", RAW_SUBJECT, "doc-1", "While revoked.").build());
      ingest.grant("acme", RAW_SUBJECT);
      ingest.send(Events.document("acme", RAW_SUBJECT, "doc-2", "Granted again.").build());

      assertThat(ingest.onlyRejection().getReason()).isEqualTo(RejectReason.ERASED_SUBJECT);
      TrainingExample example = ingest.onlyExample();
      assertThat(example.getEventId()).isEqualTo("doc-2");
      assertThat(example.getConsentVersion()).isEqualTo("perennial.consent.v1-0@2");
    }

    @Test
    void consentForAnotherPurposeNeitherGrantsNorRevokesTrainingButIsCounted() {
      ingest.consent.pipeInput(
          "acme/" + RAW_SUBJECT, Events.consent("acme", RAW_SUBJECT, "marketing", true));
      ingest.send(Events.document("acme", RAW_SUBJECT, "doc-1", "Marketing only.").build());
      ingest.grant("acme", RAW_SUBJECT);
      ingest.consent.pipeInput(
          "acme/" + RAW_SUBJECT, Events.consent("acme", RAW_SUBJECT, "marketing", false));
      ingest.send(Events.document("acme", RAW_SUBJECT, "doc-2", "Training granted.").build());

      assertThat(ingest.onlyRejection().getReason()).isEqualTo(RejectReason.NO_CONSENT);
      assertThat(ingest.onlyExample().getEventId()).isEqualTo("doc-2");
      assertThat(ingest.erasures.isEmpty()).isTrue();
      assertThat(
              ingest.metrics.count(
                  IngestMetrics.CONSENT_CHANGES, "tenant", "acme", "decision", "other-purpose"))
          .isEqualTo(2);
      assertThat(
              ingest.metrics.count(
                  IngestMetrics.CONSENT_CHANGES, "tenant", "acme", "decision", "granted"))
          .isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {" Adapter_Training", "", " ", "*"})
    void aGrantOfAMisspeltOrUnnamedPurposeIsDeadLetteredAndGrantsNothing(String purpose) {
      ingest.consent.pipeInput(
          "acme/" + RAW_SUBJECT, Events.consent("acme", RAW_SUBJECT, purpose, true));
      ingest.send(Events.document("acme", RAW_SUBJECT, "doc-1", "Not granted.").build());

      assertThat(ingest.examples()).isEmpty();
      List<KeyValue<String, RejectedRecord>> rejections = ingest.rejections();
      assertThat(rejections)
          .extracting(kv -> kv.value.getReason())
          .containsExactly(RejectReason.INVALID_FIELD, RejectReason.NO_CONSENT);
      assertThat(rejections.get(0).value.getDetail())
          .contains("\"" + purpose + "\"")
          .contains("\"adapter-training\"")
          .contains("unchanged");
      assertThat(ingest.erasures.isEmpty()).isTrue();
      assertThat(
              ingest.metrics.count(
                  IngestMetrics.CONSENT_CHANGES, "tenant", "acme", "decision", "other-purpose"))
          .isZero();
    }

    /**
     * A revocation whose purpose is the training purpose but for spelling, or names no purpose at
     * all, may be meant for training: fail closed, it revokes training consent (and requests the
     * erasure) and is dead-lettered all the same, for the app to send it again spelt exactly.
     */
    @ParameterizedTest
    @ValueSource(strings = {" Adapter_Training", "ADAPTER TRAINING", "", " ", "*"})
    void audit_aRevocationOfAMisspeltOrUnnamedPurposeRevokesTrainingAndIsDeadLettered(
        String purpose) {
      ingest.grant("acme", RAW_SUBJECT);
      ingest.consent.pipeInput(
          "acme/" + RAW_SUBJECT, Events.consent("acme", RAW_SUBJECT, purpose, false));
      ingest.send(Events.document("acme", RAW_SUBJECT, "doc-1", "After the revocation.").build());

      assertThat(ingest.examples()).isEmpty();
      String pseudonym = pseudonym("acme", RAW_SUBJECT);
      assertThat(ingest.erasures.readKeyValuesToList())
          .singleElement()
          .satisfies(
              kv -> {
                assertThat(kv.key).isEqualTo("acme/" + pseudonym);
                assertThat(kv.value.getRequestId()).isEqualTo("erasure-perennial.consent.v1-0@1");
              });
      List<KeyValue<String, RejectedRecord>> rejections = ingest.rejections();
      assertThat(rejections)
          .extracting(kv -> kv.value.getReason())
          .containsExactly(RejectReason.INVALID_FIELD, RejectReason.ERASED_SUBJECT);
      assertThat(rejections.get(0).value.getDetail())
          .contains("\"" + purpose + "\"")
          .contains("\"adapter-training\"")
          .contains("training consent revoked")
          .contains("erasure-perennial.consent.v1-0@1");
      assertThat(
              ingest.metrics.count(
                  IngestMetrics.CONSENT_CHANGES, "tenant", "acme", "decision", "revoked"))
          .isEqualTo(1);
    }

    @Test
    void aDeletedConsentRecordErasesTheSubjectWhoseLaterEventsFindNoConsent() {
      ingest.grant("acme", RAW_SUBJECT);
      ingest.consent.pipeInput("acme/" + RAW_SUBJECT, (ConsentChange) null);
      ingest.send(Events.document("acme", RAW_SUBJECT, "doc-1", "After deletion.").build());

      // No deletion marker is kept for a deleted record (it would keep the raw subject id), so the
      // subject is as one who never consented.
      RejectedRecord rejection = ingest.onlyRejection();
      assertThat(rejection.getReason()).isEqualTo(RejectReason.NO_CONSENT);
      assertThat(rejection.getEventId()).isEqualTo("doc-1");
      assertThat(ingest.examples()).isEmpty();
      assertThat(ingest.erasures.readKeyValuesToList())
          .singleElement()
          .satisfies(
              kv -> {
                assertThat(kv.key).isEqualTo("acme/" + pseudonym("acme", RAW_SUBJECT));
                assertThat(kv.value.getSubjectPseudonym())
                    .isEqualTo(pseudonym("acme", RAW_SUBJECT));
                assertThat(kv.value.getRequestId()).isEqualTo("erasure-perennial.consent.v1-0@1");
              });
      assertThat(
              ingest.metrics.count(
                  IngestMetrics.CONSENT_CHANGES, "tenant", "acme", "decision", "deleted"))
          .isEqualTo(1);
    }

    @Test
    void deletingARevokedSubjectsConsentRecordRemovesItsDeletionMarkerAndARegrantAdmitsAgain() {
      ingest.grant("acme", RAW_SUBJECT);
      ingest.revoke("acme", RAW_SUBJECT);
      ingest.consent.pipeInput("acme/" + RAW_SUBJECT, (ConsentChange) null);
      ingest.send(Events.document("acme", RAW_SUBJECT, "doc-1", "After deletion.").build());
      ingest.grant("acme", RAW_SUBJECT);
      ingest.send(Events.document("acme", RAW_SUBJECT, "doc-2", "Granted again.").build());

      assertThat(ingest.onlyRejection().getReason()).isEqualTo(RejectReason.NO_CONSENT);
      assertThat(ingest.onlyExample().getEventId()).isEqualTo("doc-2");
      assertThat(ingest.erasures.readValuesToList()).hasSize(2);
    }

    @Test
    void aConsentChangeBeforeTheYear2000IsRejectedAndChangesNothing() {
      ConsentChange garbled = Events.grant("acme", RAW_SUBJECT);
      garbled.setChangedAt(Instant.ofEpochMilli(Long.MIN_VALUE));
      ingest.consent.pipeInput("acme/" + RAW_SUBJECT, garbled);
      ingest.send(Events.document("acme", RAW_SUBJECT, "doc-1", "Text.").build());

      assertThat(ingest.examples()).isEmpty();
      assertThat(ingest.rejections())
          .extracting(kv -> kv.value.getReason(), kv -> kv.value.getDetail())
          .containsExactly(
              tuple(
                  RejectReason.INVALID_FIELD,
                  "changedAt -292275055-05-16T16:47:04.192Z is before 2000-01-01T00:00:00Z"),
              tuple(
                  RejectReason.NO_CONSENT,
                  "the subject has not consented to adapter-training; content not kept"));
    }

    @Test
    void audit_aRevocationBeforeTheYear2000StillRevokesAndRequestsTheErasure() {
      // a garbled clock on the consent service must not keep the subject's data in training
      ingest.grant("acme", RAW_SUBJECT);
      ingest.send(Events.document("acme", RAW_SUBJECT, "doc-1", "Before.").build());
      ConsentChange garbled = Events.revoke("acme", RAW_SUBJECT);
      garbled.setChangedAt(Instant.EPOCH);
      ingest.consent.pipeInput("acme/" + RAW_SUBJECT, garbled);
      ingest.send(Events.document("acme", RAW_SUBJECT, "doc-2", "After.").build());

      assertThat(ingest.examples())
          .extracting(kv -> kv.value.getEventId())
          .containsExactly("doc-1");
      assertThat(ingest.onlyRejection().getReason()).isEqualTo(RejectReason.ERASED_SUBJECT);
      assertThat(ingest.erasures.readValuesToList())
          .singleElement()
          .satisfies(
              erasure ->
                  assertThat(erasure.getSubjectPseudonym())
                      .isEqualTo(pseudonym("acme", RAW_SUBJECT)));
    }

    @Test
    void aConsentRecordWhoseKeyNamesAnotherSubjectIsRejectedAndChangesNothing() {
      ingest.consent.pipeInput("acme/someone-else", Events.grant("acme", RAW_SUBJECT));
      ingest.send(Events.document("acme", RAW_SUBJECT, "doc-1", "Text.").build());
      ingest.send(Events.document("acme", "someone-else", "doc-2", "Text.").build());

      assertThat(ingest.examples()).isEmpty();
      assertThat(ingest.rejections())
          .extracting(kv -> kv.value.getReason(), kv -> kv.value.getSource().getTopic())
          .containsExactly(
              tuple(RejectReason.INVALID_FIELD, "perennial.consent.v1"),
              tuple(RejectReason.NO_CONSENT, "perennial.documents.v1"),
              tuple(RejectReason.NO_CONSENT, "perennial.documents.v1"));
    }

    /**
     * A revocation whose value cannot be trusted (it names another subject than its key, or a
     * subject id that is no id) may still be meant for the subject its key names, by which consent
     * is looked up: fail closed, as an unreadable record, it revokes that subject and is
     * dead-lettered all the same.
     */
    @ParameterizedTest
    @ValueSource(strings = {"someone-else", "user-4711\nforged"})
    void audit_aRevocationWhoseValueIsNotItsKeysSubjectRevokesTheKeysSubject(String named) {
      ingest.grant("acme", RAW_SUBJECT);
      ingest.consent.pipeInput("acme/" + RAW_SUBJECT, Events.revoke("acme", named));
      ingest.send(Events.document("acme", RAW_SUBJECT, "doc-1", "After the revocation.").build());

      assertThat(ingest.examples()).isEmpty();
      assertThat(ingest.erasures.readKeyValuesToList())
          .singleElement()
          .satisfies(
              kv -> {
                assertThat(kv.key).isEqualTo("acme/" + pseudonym("acme", RAW_SUBJECT));
                assertThat(kv.value.getRequestId()).isEqualTo("erasure-perennial.consent.v1-0@1");
              });
      List<KeyValue<String, RejectedRecord>> rejections = ingest.rejections();
      assertThat(rejections)
          .extracting(kv -> kv.value.getReason())
          .containsExactly(RejectReason.INVALID_FIELD, RejectReason.ERASED_SUBJECT);
      assertThat(rejections.get(0).value.getDetail())
          .contains("training consent revoked")
          .doesNotContain(RAW_SUBJECT);
    }

    @Test
    void consentOfOneTenantsSubjectDoesNotAdmitTheSameUserIdInAnotherTenant() {
      ingest.grant("acme", RAW_SUBJECT);
      ingest.send(Events.document("globex", RAW_SUBJECT, "doc-1", "Text.").build());

      assertThat(ingest.onlyRejection().getReason()).isEqualTo(RejectReason.NO_CONSENT);
      assertThat(pseudonym("acme", RAW_SUBJECT)).isNotEqualTo(pseudonym("globex", RAW_SUBJECT));
    }

    @Test
    void consentAndPseudonymTakeTheSubjectIdExactlySoNoCaseOrSpaceVariantSharesAConsent() {
      String subject = "Alice@Example.com";
      ingest.grant("acme", subject);
      ingest.send(Events.document("acme", "alice@example.com", "doc-1", "Lower case.").build());
      ingest.send(Events.document("acme", subject + " ", "doc-2", "Trailing space.").build());
      ingest.send(Events.document("Acme", subject, "doc-3", "Upper-case tenant.").build());
      ingest.send(Events.document("acme", subject, "doc-4", "The granting id.").build());
      ingest.revoke("acme", subject);

      assertThat(ingest.rejections())
          .extracting(kv -> kv.value.getEventId(), kv -> kv.value.getReason())
          .containsExactly(
              tuple("doc-1", RejectReason.NO_CONSENT),
              tuple("doc-2", RejectReason.NO_CONSENT),
              tuple("doc-3", RejectReason.INVALID_FIELD));
      TrainingExample example = ingest.onlyExample();
      assertThat(example.getEventId()).isEqualTo("doc-4");
      // the revocation's erasure finds the example: one pseudonym, made from the same bytes
      assertThat(ingest.erasures.readValuesToList())
          .singleElement()
          .satisfies(
              erasure ->
                  assertThat(erasure.getSubjectPseudonym())
                      .isEqualTo(example.getSubjectPseudonym()));
    }
  }

  @Nested
  class Duplicates {

    @Test
    void theSameEventSentTwiceBecomesOneExampleAndOneDuplicateRejection() {
      Document document = Events.document("acme", RAW_SUBJECT, "doc-1", "Text.").build();
      ingest.grant("acme", RAW_SUBJECT);
      ingest.send(document);
      ingest.send(document);

      assertThat(ingest.examples()).hasSize(1);
      RejectedRecord duplicate = ingest.onlyRejection();
      assertThat(duplicate.getReason()).isEqualTo(RejectReason.DUPLICATE);
      assertThat(duplicate.getEventId()).isEqualTo("doc-1");
      assertThat(duplicate.getSource().getOffset()).isEqualTo(1);
      assertThat(duplicate.getDetail()).contains("perennial.documents.v1-0@0");
      assertThat(duplicate.getValue()).isNull();
    }

    @Test
    void anEventIdSeenAgainAfterTheWindowOnIngestsClockIsAdmittedAgain() {
      Document document = Events.document("acme", RAW_SUBJECT, "doc-1", "Text.").build();
      ingest.grant("acme", RAW_SUBJECT);
      ingest.send(document);
      ingest.driver.advanceWallClockTime(Duration.ofHours(23));
      ingest.send(document);
      ingest.driver.advanceWallClockTime(Duration.ofHours(25));
      ingest.send(document);

      assertThat(ingest.examples()).hasSize(2);
      assertThat(ingest.onlyRejection().getReason()).isEqualTo(RejectReason.DUPLICATE);
    }

    @Test
    void duplicatesAreRecognisedWhateverTimestampTheirRecordsClaim() {
      Document document = Events.document("acme", RAW_SUBJECT, "doc-1", "Text.").build();
      ingest.grant("acme", RAW_SUBJECT);
      Instant backfill = Instant.parse("2020-01-01T00:00:00Z");
      ingest.documents.pipeInput("acme/" + RAW_SUBJECT, document, backfill);
      ingest.documents.pipeInput("acme/" + RAW_SUBJECT, document, backfill);
      ingest.documents.pipeInput("acme/" + RAW_SUBJECT, document, Instant.ofEpochMilli(1));
      ingest.documents.pipeInput("acme/" + RAW_SUBJECT, document, IngestDriver.START);

      assertThat(ingest.examples()).hasSize(1);
      assertThat(ingest.rejections())
          .extracting(r -> r.value.getReason())
          .containsExactly(RejectReason.DUPLICATE, RejectReason.DUPLICATE, RejectReason.DUPLICATE);
    }

    @Test
    void anEventRejectedForMissingConsentIsAdmittedWhenSentAgainAfterTheGrant() {
      Document document = Events.document("acme", RAW_SUBJECT, "doc-1", "Text.").build();
      ingest.send(document);
      ingest.grant("acme", RAW_SUBJECT);
      ingest.send(document);

      assertThat(ingest.onlyRejection().getReason()).isEqualTo(RejectReason.NO_CONSENT);
      assertThat(ingest.onlyExample().getEventId()).isEqualTo("doc-1");
    }

    @Test
    void aDocumentResentAfterARevocationAndANewGrantIsAdmittedUnderTheNewGrant() {
      Document document = Events.document("acme", RAW_SUBJECT, "doc-1", "Text.").build();
      ingest.grant("acme", RAW_SUBJECT);
      ingest.send(document);
      ingest.revoke("acme", RAW_SUBJECT);
      ingest.grant("acme", RAW_SUBJECT);
      ingest.send(document);

      // The first copy was erased with the subject's data key: the re-sent one is the only copy.
      assertThat(ingest.rejections()).isEmpty();
      assertThat(ingest.examples())
          .extracting(kv -> kv.value.getEventId(), kv -> kv.value.getConsentVersion())
          .containsExactly(
              tuple("doc-1", "perennial.consent.v1-0@0"),
              tuple("doc-1", "perennial.consent.v1-0@2"));

      // The copy admitted under the new grant is remembered like any other.
      ingest.send(document);
      RejectedRecord duplicate = ingest.onlyRejection();
      assertThat(duplicate.getReason()).isEqualTo(RejectReason.DUPLICATE);
      assertThat(duplicate.getDetail()).contains("perennial.documents.v1-0@1");
      assertThat(ingest.examples()).isEmpty();
    }

    @Test
    void feedbackResentAfterARevocationAndANewGrantIsAdmittedUnderTheNewGrant() {
      Feedback correction = Events.correction("acme", RAW_SUBJECT, "feedback-1").build();
      ingest.grant("acme", RAW_SUBJECT);
      ingest.send(correction);
      ingest.driver.advanceWallClockTime(Duration.ofHours(1));
      ingest.revoke("acme", RAW_SUBJECT);
      ingest.driver.advanceWallClockTime(Duration.ofHours(1));
      ingest.grant("acme", RAW_SUBJECT);
      ingest.send(correction);
      ingest.send(correction);

      assertThat(ingest.examples())
          .extracting(kv -> kv.value.getEventId(), kv -> kv.value.getConsentVersion())
          .containsExactly(
              tuple("feedback-1", "perennial.consent.v1-0@0"),
              tuple("feedback-1", "perennial.consent.v1-0@2"));
      assertThat(ingest.onlyRejection().getReason()).isEqualTo(RejectReason.DUPLICATE);
    }

    @Test
    void anEventResentAfterItsConsentRecordWasDeletedAndGrantedAgainIsAdmitted() {
      Document document = Events.document("acme", RAW_SUBJECT, "doc-1", "Text.").build();
      ingest.grant("acme", RAW_SUBJECT);
      ingest.send(document);
      ingest.consent.pipeInput("acme/" + RAW_SUBJECT, (ConsentChange) null);
      ingest.grant("acme", RAW_SUBJECT);
      ingest.send(document);

      assertThat(ingest.rejections()).isEmpty();
      assertThat(ingest.examples())
          .extracting(kv -> kv.value.getConsentVersion())
          .containsExactly("perennial.consent.v1-0@0", "perennial.consent.v1-0@2");
    }

    @Test
    void anEventIsAdmittedOnceUnderEachGrantThatFollowsAnErasure() {
      Document document = Events.document("acme", RAW_SUBJECT, "doc-1", "Text.").build();
      for (int grant = 0; grant < 3; grant++) {
        ingest.grant("acme", RAW_SUBJECT);
        ingest.send(document);
        ingest.send(document);
        ingest.revoke("acme", RAW_SUBJECT);
      }

      assertThat(ingest.examples())
          .extracting(kv -> kv.value.getConsentVersion())
          .containsExactly(
              "perennial.consent.v1-0@0", "perennial.consent.v1-0@2", "perennial.consent.v1-0@4");
      assertThat(ingest.rejections())
          .extracting(r -> r.value.getReason())
          .containsOnly(RejectReason.DUPLICATE)
          .hasSize(3);
    }

    @Test
    void aNewGrantWithoutAnErasureBeforeItLeavesAResentEventADuplicate() {
      Document document = Events.document("acme", RAW_SUBJECT, "doc-1", "Text.").build();
      ingest.grant("acme", RAW_SUBJECT);
      ingest.send(document);
      ingest.grant("acme", RAW_SUBJECT);
      ingest.send(document);

      // The first copy is still there to train on: the second is a duplicate.
      assertThat(ingest.onlyExample().getConsentVersion()).isEqualTo("perennial.consent.v1-0@0");
      assertThat(ingest.onlyRejection().getReason()).isEqualTo(RejectReason.DUPLICATE);
    }

    @Test
    void anotherSubjectsErasureLeavesAResentEventADuplicate() {
      Document document = Events.document("acme", RAW_SUBJECT, "doc-1", "Text.").build();
      ingest.grant("acme", RAW_SUBJECT);
      ingest.send(document);
      ingest.grant("acme", "user-other");
      ingest.revoke("acme", "user-other");
      ingest.consent.pipeInput("acme/user-gone", (ConsentChange) null);
      ingest.send(document);

      assertThat(ingest.examples()).hasSize(1);
      assertThat(ingest.onlyRejection().getReason()).isEqualTo(RejectReason.DUPLICATE);
    }

    @Test
    void anEventAdmittedBeforeTheUpgradeIsADuplicateUntilItsSubjectIsErasedAndGrantedAgain() {
      // Entries as versions that recorded no consent in the dedup store wrote them: key
      // topic|tenant|event id, value the admitted record's topic-partition@offset.
      WindowStore<String, String> store = ingest.driver.getWindowStore(IngestTopology.DEDUP_STORE);
      long admittedAt = IngestDriver.START.minus(Duration.ofHours(1)).toEpochMilli();
      store.put("perennial.documents.v1|acme|doc-old", "perennial.documents.v1-0@7", admittedAt);
      store.put("perennial.documents.v1|acme|doc-kept", "perennial.documents.v1-0@8", admittedAt);
      ingest.grant("acme", RAW_SUBJECT);
      ingest.grant("acme", "user-kept");
      ingest.send(Events.document("acme", RAW_SUBJECT, "doc-old", "Text.").build());
      ingest.send(Events.document("acme", "user-kept", "doc-kept", "Text.").build());
      assertThat(ingest.rejections())
          .extracting(r -> r.value.getReason())
          .containsExactly(RejectReason.DUPLICATE, RejectReason.DUPLICATE);

      ingest.revoke("acme", RAW_SUBJECT);
      ingest.grant("acme", RAW_SUBJECT);
      ingest.send(Events.document("acme", RAW_SUBJECT, "doc-old", "Text.").build());
      ingest.send(Events.document("acme", "user-kept", "doc-kept", "Text.").build());

      assertThat(ingest.onlyExample().getEventId()).isEqualTo("doc-old");
      assertThat(ingest.onlyRejection().getEventId()).isEqualTo("doc-kept");
    }

    @Test
    void aDocumentAndAFeedbackWithTheSameEventIdAreDifferentEvents() {
      ingest.grant("acme", RAW_SUBJECT);
      ingest.send(Events.document("acme", RAW_SUBJECT, "event-1", "Text.").build());
      ingest.send(Events.correction("acme", RAW_SUBJECT, "event-1").build());

      assertThat(ingest.examples()).hasSize(2);
      assertThat(ingest.rejections()).isEmpty();
    }
  }

  @Nested
  class Validation {

    static Stream<Arguments> invalidDocuments() {
      Function<Document.Builder, Document.Builder> keep = builder -> builder;
      return Stream.of(
          invalid("an empty event id", keep.andThen(b -> b.setEventId(" ")), "eventId is empty"),
          invalid(
              "a tenant name with a slash",
              keep.andThen(b -> b.setTenant("acme/eu")),
              "tenant is not a valid name"),
          invalid(
              "an adapter name with a space",
              keep.andThen(b -> b.setAdapter("support bot")),
              "adapter is not a valid name"),
          invalid("blank content", keep.andThen(b -> b.setContent("  ")), "content is missing"),
          invalid("a blank source", keep.andThen(b -> b.setSource("")), "source is missing"),
          invalid(
              "a content type with a line break",
              keep.andThen(b -> b.setContentType("text/plain\nX: y")),
              "contentType holds control characters"),
          invalid(
              "content that was not UTF-8",
              keep.andThen(b -> b.setContent("caf\uFFFD au lait")),
              "content is not valid UTF-8"),
          invalid(
              "an occurrence an hour ahead of the clock",
              keep.andThen(b -> b.setOccurredAt(IngestDriver.START.plus(Duration.ofHours(1)))),
              "occurredAt 2026-03-01T13:00:00Z is more than PT5M ahead"),
          invalid(
              "an occurrence at the smallest long",
              keep.andThen(b -> b.setOccurredAt(Instant.ofEpochMilli(Long.MIN_VALUE))),
              "is before 2000-01-01T00:00:00Z"),
          invalid(
              "an occurrence a millisecond before 1970",
              keep.andThen(b -> b.setOccurredAt(Instant.ofEpochMilli(-1))),
              "occurredAt 1969-12-31T23:59:59.999Z is before 2000-01-01T00:00:00Z"),
          invalid(
              "an occurrence in the year 1",
              keep.andThen(b -> b.setOccurredAt(Instant.parse("0001-01-01T00:00:00Z"))),
              "occurredAt 0001-01-01T00:00:00Z is before 2000-01-01T00:00:00Z"));
    }

    private static Arguments invalid(
        String name, Function<Document.Builder, Document.Builder> spoil, String detail) {
      return Arguments.of(name, spoil, detail);
    }

    @ParameterizedTest(name = "a document with {0} is rejected as an invalid field")
    @MethodSource("invalidDocuments")
    void aDocumentWithAnInvalidFieldIsRejectedNamingTheField(
        String name, Function<Document.Builder, Document.Builder> spoil, String detail) {
      ingest.grant("acme", RAW_SUBJECT);
      Document document =
          spoil.apply(Events.document("acme", RAW_SUBJECT, "doc-1", "Valid text.")).build();
      ingest.documents.pipeInput("acme/" + RAW_SUBJECT, document);

      RejectedRecord rejection = ingest.onlyRejection();
      assertThat(rejection.getReason()).isEqualTo(RejectReason.INVALID_FIELD);
      assertThat(rejection.getDetail()).contains(detail);
      assertThat(rejection.getValue()).isNull();
      assertThat(ingest.examples()).isEmpty();
    }

    static Stream<Arguments> invalidFeedback() {
      return Stream.of(
          Arguments.of(
              "a rating of 7",
              Events.rating("acme", RAW_SUBJECT, "fb", 7),
              "rating 7 is not from 1 to 5"),
          Arguments.of(
              "a rating without its number",
              Events.feedback("acme", RAW_SUBJECT, "fb", FeedbackKind.RATING),
              "rating is missing"),
          Arguments.of(
              "a correction without the corrected text",
              Events.feedback("acme", RAW_SUBJECT, "fb", FeedbackKind.CORRECTION),
              "correction is missing"),
          Arguments.of(
              "a preference without a chosen response",
              Events.preference("acme", RAW_SUBJECT, "fb").setChosen(null),
              "chosen is missing"),
          Arguments.of(
              "a preference of a response over itself",
              Events.preference("acme", RAW_SUBJECT, "fb").setChosen(" blue"),
              "chosen and rejected of a PREFERENCE are the same text"),
          Arguments.of(
              "a preference whose answers differ only in personal data",
              Events.preference("acme", RAW_SUBJECT, "fb")
                  .setChosen(" write to anna.berg@example.com")
                  .setRejected(" write to jon.berg@example.com"),
              "chosen and rejected are the same text once personal data is redacted"),
          Arguments.of(
              "a correction that changes only personal data",
              Events.correction("acme", RAW_SUBJECT, "fb")
                  .setResponse(" write to anna.berg@example.com")
                  .setCorrection(" write to jon.berg@example.com"),
              "chosen and rejected are the same text once personal data is redacted"),
          Arguments.of(
              "an unknown kind",
              Events.feedback("acme", RAW_SUBJECT, "fb", FeedbackKind.UNKNOWN),
              "kind is UNKNOWN"),
          Arguments.of(
              "a blank prompt",
              Events.correction("acme", RAW_SUBJECT, "fb").setPrompt(""),
              "prompt is missing"),
          Arguments.of(
              "a correction that changes nothing",
              Events.correction("acme", RAW_SUBJECT, "fb").setCorrection(" blue"),
              "correction and response are the same text: nothing was corrected"),
          Arguments.of(
              "a neutral rating without a correction",
              Events.rating("acme", RAW_SUBJECT, "fb", 3),
              "rating 3 is neutral (above the negative threshold 2, below the positive 4) and"
                  + " there is no correction: no training signal"));
    }

    @ParameterizedTest(name = "feedback with {0} is rejected as an invalid field")
    @MethodSource("invalidFeedback")
    void feedbackWithAnInvalidFieldIsRejectedNamingTheField(
        String name, Feedback.Builder feedback, String detail) {
      ingest.grant("acme", RAW_SUBJECT);
      ingest.send(feedback.build());

      RejectedRecord rejection = ingest.onlyRejection();
      assertThat(rejection.getReason()).isEqualTo(RejectReason.INVALID_FIELD);
      assertThat(rejection.getDetail()).contains(detail);
      assertThat(ingest.examples()).isEmpty();
    }

    @Test
    void contentThatIsNotUtf8OnTheWireIsRejected() {
      ingest.grant("acme", RAW_SUBJECT);
      byte[] framed =
          ingest
              .topics
              .documents()
              .valueSerde()
              .serializer()
              .serialize(
                  ingest.topics.documents().name(),
                  Events.document("acme", RAW_SUBJECT, "doc-1", "caf\u00e9").build());
      // é is C3 A9 in UTF-8; C3 28 is no UTF-8 at all, and Avro still reads the record.
      int at = indexOf(framed, (byte) 0xC3, (byte) 0xA9);
      framed[at + 1] = 0x28;
      ingest.rawDocuments.pipeInput(
          ("acme/" + RAW_SUBJECT).getBytes(StandardCharsets.UTF_8), framed);

      RejectedRecord rejection = ingest.onlyRejection();
      assertThat(rejection.getReason()).isEqualTo(RejectReason.INVALID_FIELD);
      assertThat(rejection.getDetail())
          .isEqualTo("content is not valid UTF-8 (replacement characters or lone surrogates)");
    }

    private static int indexOf(byte[] bytes, byte first, byte second) {
      for (int i = 0; i + 1 < bytes.length; i++) {
        if (bytes[i] == first && bytes[i + 1] == second) {
          return i;
        }
      }
      throw new AssertionError("byte pair not found");
    }

    @Test
    void aDocumentLargerThanTheLimitIsRejectedAsTooLarge() {
      ingest.grant("acme", RAW_SUBJECT);
      String large = "x".repeat(IngestConfig.MAX_TEXT_BYTES_DEFAULT) + "é";
      ingest.send(Events.document("acme", RAW_SUBJECT, "doc-1", large).build());

      RejectedRecord rejection = ingest.onlyRejection();
      assertThat(rejection.getReason()).isEqualTo(RejectReason.TOO_LARGE);
      assertThat(rejection.getDetail())
          .isEqualTo("content has 65538 bytes of UTF-8, more than 65536");
    }

    @Test
    void anEventIdLargerThanAnyRecordIngestMayWriteIsRejectedWithoutCopyingItIntoTheDeadLetter() {
      // A compressed batch (or a topic that allows larger messages) takes an event id of 2 MiB; a
      // dead letter holding it is larger than the producer's max.request.size (1 MiB), and ingest
      // stops on a record it cannot write (StopOnProductionErrorHandler): on this same record
      // again after every restart.
      ingest.grant("acme", RAW_SUBJECT);
      String eventId = "e".repeat(2 * 1024 * 1024);
      ingest.send(Events.document("acme", RAW_SUBJECT, eventId, "Text.").build());
      ingest.documents.pipeInput(
          "../acme/" + RAW_SUBJECT,
          Events.document("../acme", RAW_SUBJECT, eventId, "Text.").build());

      assertThat(ingest.rejections())
          .extracting(
              r -> r.value.getReason(),
              r -> r.value.getDetail(),
              r -> r.value.getEventId() == null ? null : r.value.getEventId().length())
          .containsExactly(
              tuple(
                  RejectReason.INVALID_FIELD,
                  "eventId has 2097152 characters, more than " + EventIds.MAX_ID_LENGTH,
                  null),
              tuple(
                  RejectReason.INVALID_FIELD,
                  "tenant is not a valid name (" + AdapterKey.NAME_RULE + ")",
                  null));
      assertThat(ingest.examples()).isEmpty();
    }

    @Test
    void aRecordWhoseKeyNamesAnotherSubjectIsRejectedRatherThanTrusted() {
      ingest.grant("acme", "someone-else");
      ingest.documents.pipeInput(
          "acme/someone-else", Events.document("acme", RAW_SUBJECT, "doc-1", "Text.").build());

      RejectedRecord rejection = ingest.onlyRejection();
      assertThat(rejection.getReason()).isEqualTo(RejectReason.INVALID_FIELD);
      assertThat(rejection.getDetail())
          .isEqualTo("record key is not the value's tenant/subject")
          .doesNotContain("someone-else")
          .doesNotContain(RAW_SUBJECT);
      assertThat(ingest.examples()).isEmpty();
    }

    @ParameterizedTest(name = "a document of tenant or adapter {0} is rejected")
    @ValueSource(strings = {"keys", "public-key.pem"})
    void aTenantOrAdapterNamedLikeTheReleaseAreasOwnFilesIsRejectedAsReserved(String reserved) {
      ingest.grant("acme", RAW_SUBJECT);
      ingest.documents.pipeInput(
          reserved + "/" + RAW_SUBJECT,
          Events.document(reserved, RAW_SUBJECT, "doc-1", "Valid text.").build());
      ingest.documents.pipeInput(
          "acme/" + RAW_SUBJECT,
          Events.document("acme", RAW_SUBJECT, "doc-2", "Valid text.")
              .setAdapter(reserved)
              .build());

      String why =
          "is reserved (the release area's own files use " + AdapterKey.RESERVED_NAMES + ")";
      assertThat(ingest.rejections())
          .extracting(r -> r.value.getReason(), r -> r.value.getDetail())
          .containsExactly(
              tuple(RejectReason.INVALID_FIELD, "tenant " + why),
              tuple(RejectReason.INVALID_FIELD, "adapter " + why));
      assertThat(ingest.examples()).isEmpty();
    }

    @Test
    void aRecordWithoutAKeyIsRejected() {
      ingest.grant("acme", RAW_SUBJECT);
      ingest.documents.pipeInput(
          (String) null, Events.document("acme", RAW_SUBJECT, "doc-1", "Text.").build());

      RejectedRecord rejection = ingest.onlyRejection();
      assertThat(rejection.getReason()).isEqualTo(RejectReason.INVALID_FIELD);
      assertThat(rejection.getDetail()).contains("record has no key");
    }

    @Test
    void aTombstoneOnAnEventTopicIsRejected() {
      ingest.documents.pipeInput("acme/" + RAW_SUBJECT, (Document) null);

      RejectedRecord rejection = ingest.onlyRejection();
      assertThat(rejection.getReason()).isEqualTo(RejectReason.INVALID_FIELD);
      assertThat(rejection.getDetail()).contains("tombstone");
      assertThat(rejection.getTenant()).isNull();
    }
  }

  @Nested
  class Examples {

    @Test
    void personalDataIsRedactedAndCountedOnTheExample() {
      ingest.grant("acme", RAW_SUBJECT);
      ingest.send(
          Events.document(
                  "acme",
                  RAW_SUBJECT,
                  "doc-1",
                  "Mail jane.doe@example.com or john@example.org, call +49 30 1234 5678, pay with"
                      + " 4111 1111 1111 1111 to DE89 3704 0044 0532 0130 00 from 192.168.10.7.")
              .build());

      TrainingExample example = ingest.onlyExample();
      assertThat(example.getText())
          .isEqualTo("Mail <EMAIL> or <EMAIL>, call <PHONE>, pay with <CARD> to <IBAN> from <IP>.");
      assertThat(example.getRedactions())
          .containsExactlyInAnyOrderEntriesOf(
              Map.of("EMAIL", 2, "PHONE", 1, "CARD", 1, "IBAN", 1, "IP", 1));
      assertThat(ingest.metrics.count(IngestMetrics.REDACTIONS, "tenant", "acme", "type", "EMAIL"))
          .isEqualTo(2);
    }

    @Test
    void everyTextOfFeedbackIsRedacted() {
      ingest.grant("acme", RAW_SUBJECT);
      ingest.send(
          Events.preference("acme", RAW_SUBJECT, "fb-1")
              .setPrompt("Who is a@b.io?")
              .setChosen(" Ask c@d.io.")
              .setRejected(" Call 555-123-4567.")
              .build());

      TrainingExample example = ingest.onlyExample();
      assertThat(example.getPrompt()).isEqualTo("Who is <EMAIL>?");
      assertThat(example.getChosen()).isEqualTo(" Ask <EMAIL>.");
      assertThat(example.getRejected()).isEqualTo(" Call <PHONE>.");
      assertThat(example.getRedactions())
          .containsExactlyInAnyOrderEntriesOf(Map.of("EMAIL", 2, "PHONE", 1));
    }

    @Test
    void aCorrectionBecomesAPairOfTheCorrectionChosenOverTheResponse() {
      ingest.grant("acme", RAW_SUBJECT);
      ingest.send(Events.correction("acme", RAW_SUBJECT, "fb-1").build());

      TrainingExample example = ingest.onlyExample();
      assertThat(example.getKind()).isEqualTo(ExampleKind.CORRECTION);
      assertThat(example.getPrompt())
          .isEqualTo("Question: What colour is the Velmora lamp?\nAnswer:");
      assertThat(example.getChosen()).isEqualTo(" green");
      assertThat(example.getRejected()).isEqualTo(" blue");
      assertThat(example.getCompletion()).isNull();
      assertThat(example.getText()).isNull();
      assertThat(example.getDesirable()).isNull();
    }

    @Test
    void aPositivelyRatedResponseBecomesADesirableRatingExample() {
      ingest.grant("acme", RAW_SUBJECT);
      ingest.send(Events.rating("acme", RAW_SUBJECT, "fb-1", 4).build());

      TrainingExample example = ingest.onlyExample();
      assertThat(example.getKind()).isEqualTo(ExampleKind.RATING);
      assertThat(example.getCompletion()).isEqualTo(" blue");
      assertThat(example.getDesirable()).isTrue();
      assertThat(example.getRating()).isEqualTo(4);
    }

    @Test
    void aThumbsDownWithoutACorrectionBecomesAnUndesirableRatingExample() {
      ingest.grant("acme", RAW_SUBJECT);
      ingest.send(Events.rating("acme", RAW_SUBJECT, "fb-1", 1).build());
      ingest.send(Events.rating("acme", RAW_SUBJECT, "fb-2", 2).build());

      assertThat(ingest.rejections()).isEmpty();
      assertThat(ingest.examples())
          .extracting(kv -> kv.value)
          .allSatisfy(
              example -> {
                assertThat(example.getKind()).isEqualTo(ExampleKind.RATING);
                assertThat(example.getCompletion()).isEqualTo(" blue");
                assertThat(example.getDesirable()).isFalse();
              })
          .extracting(TrainingExample::getRating)
          .containsExactly(1, 2);
    }

    @Test
    void theSameResponseRatedUpAndDownGetsTwoExampleIds() {
      ingest.grant("acme", RAW_SUBJECT);
      ingest.send(Events.rating("acme", RAW_SUBJECT, "fb-1", 5).build());
      ingest.send(Events.rating("acme", RAW_SUBJECT, "fb-2", 1).build());

      assertThat(ingest.examples())
          .extracting(kv -> kv.value.getExampleId())
          .doesNotHaveDuplicates()
          .hasSize(2);
    }

    @Test
    void aNegativeRatingWithACorrectionBecomesACorrectionPair() {
      ingest.grant("acme", RAW_SUBJECT);
      ingest.send(Events.rating("acme", RAW_SUBJECT, "fb-1", 1).setCorrection(" green").build());

      TrainingExample example = ingest.onlyExample();
      assertThat(example.getKind()).isEqualTo(ExampleKind.CORRECTION);
      assertThat(example.getChosen()).isEqualTo(" green");
      assertThat(example.getRejected()).isEqualTo(" blue");
      assertThat(example.getRating()).isEqualTo(1);
    }

    @Test
    void aPreferenceBecomesAPreferenceExample() {
      ingest.grant("acme", RAW_SUBJECT);
      ingest.send(Events.preference("acme", RAW_SUBJECT, "fb-1").build());

      TrainingExample example = ingest.onlyExample();
      assertThat(example.getKind()).isEqualTo(ExampleKind.PREFERENCE);
      assertThat(example.getChosen()).isEqualTo(" green");
      assertThat(example.getRejected()).isEqualTo(" blue");
      assertThat(example.getCompletion()).isNull();
    }

    @Test
    void anEventNamingAnAdapterIsRoutedToThatAdapterKey() {
      ingest.grant("acme", RAW_SUBJECT);
      ingest.send(Events.correction("acme", RAW_SUBJECT, "fb-1").setAdapter("support").build());
      ingest.send(Events.document("acme", RAW_SUBJECT, "doc-1", "Text.").build());

      assertThat(ingest.examples())
          .extracting(kv -> kv.key)
          .containsExactly("acme/support", "acme/default");
    }

    @Test
    void equalContentGetsTheSameExampleIdWhoeverSentIt() {
      ingest.grant("acme", RAW_SUBJECT);
      ingest.grant("acme", "user-2");
      ingest.send(Events.document("acme", RAW_SUBJECT, "doc-1", "Same text.").build());
      ingest.send(Events.document("acme", "user-2", "doc-2", "Same text.").build());
      ingest.send(Events.document("acme", "user-2", "doc-3", "Other text.").build());

      List<TrainingExample> examples = ingest.examples().stream().map(kv -> kv.value).toList();
      assertThat(examples.get(0).getExampleId()).isEqualTo(examples.get(1).getExampleId());
      assertThat(examples.get(2).getExampleId()).isNotEqualTo(examples.get(0).getExampleId());
    }

    @Test
    void theAppsRecordHeadersAreNotCarriedIntoExamplesOrRejections() {
      ingest.grant("acme", RAW_SUBJECT);
      RecordHeaders headers = new RecordHeaders();
      headers.add("x-user-email", "jane@example.com".getBytes(StandardCharsets.UTF_8));
      ingest.documents.pipeInput(
          new TestRecord<>(
              "acme/" + RAW_SUBJECT,
              Events.document("acme", RAW_SUBJECT, "doc-1", "Text.").build(),
              headers,
              IngestDriver.START));
      ingest.documents.pipeInput(
          new TestRecord<>(
              "acme/nobody",
              Events.document("acme", "nobody", "doc-2", "Text.").build(),
              headers,
              IngestDriver.START));

      assertThat(ingest.examples.readRecord().headers().toArray()).isEmpty();
      assertThat(ingest.rejected.readRecord().headers().toArray()).isEmpty();
    }

    @Test
    void theAppsRecordHeadersOnConsentAreNotCarriedIntoErasuresKeysOrRejections() {
      // Headers could hold data no one redacted, and nothing bounds their size: a consent record
      // whose headers are larger than the producer's max.request.size would stop ingest (it stops
      // on a record it cannot write) if they travelled on to erasures.v1 or rejected.v1.
      RecordHeaders headers = new RecordHeaders();
      headers.add("x-user-email", "jane@example.com".getBytes(StandardCharsets.UTF_8));
      ingest.grant("acme", RAW_SUBJECT);
      ingest.send(Events.document("acme", RAW_SUBJECT, "doc-1", "Text.").build());
      ingest.consent.pipeInput(
          new TestRecord<>(
              "acme/" + RAW_SUBJECT,
              Events.revoke("acme", RAW_SUBJECT),
              headers,
              IngestDriver.START));
      ingest.consent.pipeInput(
          new TestRecord<>(
              "acme/someone-else", Events.grant("acme", RAW_SUBJECT), headers, IngestDriver.START));

      assertThat(ingest.erasures.readRecord().headers().toArray()).isEmpty();
      // the subject's key, made with its example, then its tombstone, written with the erasure
      assertThat(ingest.subjectKeys.readRecordsToList())
          .hasSize(2)
          .allSatisfy(key -> assertThat(key.headers().toArray()).isEmpty());
      assertThat(ingest.rejected.readRecord().headers().toArray()).isEmpty();
    }
  }

  @Test
  void everyExampleAndRejectionIsCountedPerTenantAndReason() {
    ingest.grant("acme", RAW_SUBJECT);
    ingest.send(Events.document("acme", RAW_SUBJECT, "doc-1", "Text.").build());
    ingest.send(Events.document("acme", RAW_SUBJECT, "doc-1", "Text.").build());
    ingest.send(Events.document("globex", RAW_SUBJECT, "doc-1", "Text.").build());
    ingest.revoke("acme", RAW_SUBJECT);

    IngestMetrics metrics = ingest.metrics;
    assertThat(metrics.count(IngestMetrics.EXAMPLES, "tenant", "acme", "kind", "TEXT"))
        .isEqualTo(1);
    assertThat(metrics.count(IngestMetrics.REJECTIONS, "tenant", "acme", "reason", "DUPLICATE"))
        .isEqualTo(1);
    assertThat(metrics.count(IngestMetrics.REJECTIONS, "tenant", "globex", "reason", "NO_CONSENT"))
        .isEqualTo(1);
    assertThat(metrics.count(IngestMetrics.ERASURES, "tenant", "acme")).isEqualTo(1);
    assertThat(metrics.count(IngestMetrics.CONSENT_CHANGES, "decision", "revoked")).isEqualTo(1);
  }

  @Test
  void theReadmeShowsTheCurrentTopologyDescription() throws Exception {
    Path readme = Path.of("..", "README.md");
    String description = ingest.topology.describe().toString().strip();
    // For whoever changes the topology: the text to paste into the README.
    Files.writeString(Path.of("target", "ingest-topology.txt"), description + "\n");

    assertThat(Files.readString(readme))
        .as("README.md's section 'Ingest topology' must show IngestTopology's describe() output")
        .contains(description);
  }
}
