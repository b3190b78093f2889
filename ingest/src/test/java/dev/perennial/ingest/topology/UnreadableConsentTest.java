package dev.perennial.ingest.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.TenantTopics;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.ingest.config.IngestConfig;
import dev.perennial.ingest.metrics.IngestMetrics;
import dev.perennial.ingest.redact.Pseudonymizer;
import dev.perennial.schemas.serde.ReadFailure;
import dev.perennial.schemas.v1.ErasureRequest;
import dev.perennial.schemas.v1.RejectReason;
import dev.perennial.schemas.v1.RejectedRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A {@code consent.v1} record whose value cannot be read (corrupt bytes, a schema id the registry
 * does not know) may be a revocation: consent is honoured fail-closed, so under a key naming a
 * subject it revokes that subject's training consent and requests the erasure, and it is still
 * dead-lettered with its reason. The production topology in the test driver, as {@link
 * IngestTopologyTest} runs it.
 */
class UnreadableConsentTest {

  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  private static final String RAW_SUBJECT = "user-4711";
  private static final byte[] CORRUPT = {7, 1, 2, 3};
  // magic byte 0, then a schema id no registry has
  private static final byte[] UNKNOWN_SCHEMA = {0, 0x7f, (byte) 0xff, 0x00, 0x01, 2, 4};
  private static final Instant WRITTEN_AT = Instant.parse("2026-03-01T11:30:00Z");

  @TempDir Path stateDir;

  private static byte[] bytes(String text) {
    return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
  }

  private static String pseudonym(String tenant, String subject) {
    return new Pseudonymizer(IngestDriver.SECRET).pseudonym(tenant, subject);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource({"corrupt, UNDESERIALIZABLE", "unknown-schema, UNKNOWN_SCHEMA"})
  void audit_anUnreadableConsentRecordUnderASubjectsKeyRevokesTheSubjectAndIsDeadLettered(
      String kind, RejectReason reason) {
    byte[] value = kind.equals("corrupt") ? CORRUPT : UNKNOWN_SCHEMA;
    try (IngestDriver ingest = IngestDriver.start(REGISTRY.url(), stateDir)) {
      ingest.grant("acme", RAW_SUBJECT);
      ingest.send(Events.document("acme", RAW_SUBJECT, "doc-1", "Before.").build());
      ingest.rawConsent.pipeInput(bytes("acme/" + RAW_SUBJECT), value, WRITTEN_AT);
      ingest.send(Events.document("acme", RAW_SUBJECT, "doc-2", "After.").build());

      // what cannot be read may have been a revocation: the subject's data leaves training
      assertThat(ingest.examples())
          .extracting(kv -> kv.value.getEventId())
          .containsExactly("doc-1");
      String pseudonym = pseudonym("acme", RAW_SUBJECT);
      List<KeyValue<String, ErasureRequest>> erasures = ingest.erasures.readKeyValuesToList();
      assertThat(erasures)
          .singleElement()
          .satisfies(
              kv -> {
                assertThat(kv.key).isEqualTo("acme/" + pseudonym);
                assertThat(kv.value.getTenant()).isEqualTo("acme");
                assertThat(kv.value.getSubjectPseudonym()).isEqualTo(pseudonym);
                assertThat(kv.value.getRequestId()).isEqualTo("erasure-perennial.consent.v1-0@1");
                assertThat(kv.value.getRevokedAt()).isEqualTo(WRITTEN_AT);
                assertThat(kv.value.getSource().getOffset()).isEqualTo(1);
              });
      // the subject's key is shredded in the same transaction
      assertThat(ingest.readKeys()).last().satisfies(kv -> assertThat(kv.value).isNull());
      // dead-lettered all the same, with its reason, keyed and named as any rejection
      List<KeyValue<String, RejectedRecord>> rejections = ingest.rejections();
      assertThat(rejections)
          .extracting(
              kv -> kv.key,
              kv -> kv.value.getReason(),
              kv -> kv.value.getSource().getTopic(),
              kv -> kv.value.getSource().getOffset(),
              kv -> kv.value.getTenant())
          .containsExactly(
              tuple("acme/" + pseudonym, reason, "perennial.consent.v1", 1L, "acme"),
              tuple(
                  "acme/" + pseudonym,
                  RejectReason.ERASED_SUBJECT,
                  "perennial.documents.v1",
                  1L,
                  "acme"));
      RejectedRecord deadLetter = rejections.get(0).value;
      assertThat(deadLetter.getDetail())
          .startsWith("cannot deserialize: ")
          .contains("revoked")
          .doesNotContain(RAW_SUBJECT);
      assertThat(deadLetter.getKey()).isNull();
      assertThat(deadLetter.getValue()).isNull();
      assertThat(
              ingest.metrics.count(
                  IngestMetrics.CONSENT_CHANGES, "tenant", "acme", "decision", "unreadable"))
          .isEqualTo(1);
      assertThat(ingest.metrics.count(IngestMetrics.ERASURES, "tenant", "acme")).isEqualTo(1);

      // a grant the app sends again admits the subject again
      ingest.grant("acme", RAW_SUBJECT);
      ingest.send(Events.document("acme", RAW_SUBJECT, "doc-3", "Granted again.").build());
      assertThat(ingest.onlyExample().getEventId()).isEqualTo("doc-3");
    }
  }

  @ParameterizedTest(name = "[{index}] key {0}")
  @ValueSource(strings = {"no-slash", "Not A Tenant/" + RAW_SUBJECT, "acme/", "<null>"})
  void audit_anUnreadableConsentRecordWhoseKeyNamesNoSubjectIsDeadLetteredAndRevokesNoOne(
      String key) {
    try (IngestDriver ingest = IngestDriver.start(REGISTRY.url(), stateDir)) {
      ingest.grant("acme", RAW_SUBJECT);
      ingest.rawConsent.pipeInput(bytes(key.equals("<null>") ? null : key), CORRUPT);
      ingest.send(Events.document("acme", RAW_SUBJECT, "doc-1", "Still granted.").build());

      assertThat(ingest.onlyExample().getEventId()).isEqualTo("doc-1");
      assertThat(ingest.erasures.isEmpty()).isTrue();
      RejectedRecord deadLetter = ingest.onlyRejection();
      assertThat(deadLetter.getReason()).isEqualTo(RejectReason.UNDESERIALIZABLE);
      assertThat(deadLetter.getSource().getTopic()).isEqualTo("perennial.consent.v1");
      assertThat(deadLetter.getDetail()).startsWith("cannot deserialize: ");
    }
  }

  @Test
  void audit_anUnreadableConsentRecordOnATenantsTopicRevokesNoSubjectOfAnotherTenant() {
    try (IngestDriver ingest =
        IngestDriver.start(
            REGISTRY.url(), stateDir, Map.of(IngestConfig.INPUT_TOPICS_CONFIG, "per-tenant"))) {
      ingest
          .tenantInput("globex", PerennialTopic.CONSENT, ingest.topics.consent())
          .pipeInput("globex/" + RAW_SUBJECT, Events.grant("globex", RAW_SUBJECT));
      // acme's producer writes under globex's subject: the ACLs let it write only its own topic
      ingest
          .raw(TenantTopics.name("perennial.", "acme", PerennialTopic.CONSENT))
          .pipeInput(bytes("globex/" + RAW_SUBJECT), CORRUPT);
      ingest
          .tenantInput("globex", PerennialTopic.DOCUMENTS, ingest.topics.documents())
          .pipeInput(
              "globex/" + RAW_SUBJECT,
              Events.document("globex", RAW_SUBJECT, "doc-1", "Still granted.").build());

      assertThat(ingest.onlyExample().getEventId()).isEqualTo("doc-1");
      assertThat(ingest.erasures.isEmpty()).isTrue();
      RejectedRecord deadLetter = ingest.onlyRejection();
      assertThat(deadLetter.getReason()).isEqualTo(RejectReason.UNDESERIALIZABLE);
      assertThat(deadLetter.getTenant()).isEqualTo("acme");
    }
  }

  @Test
  void aRegistryThatCannotBeReachedRevokesNoOneAndStopsOnTheRecord() {
    // a registry outage says nothing about the record: revoking on it would erase every subject
    // whose consent arrives while the registry is down
    try (IngestDriver ingest = IngestDriver.start("http://127.0.0.1:1", stateDir)) {
      assertThatThrownBy(
              () -> ingest.rawConsent.pipeInput(bytes("acme/" + RAW_SUBJECT), UNKNOWN_SCHEMA))
          .satisfies(e -> assertThat(ReadFailure.of(e)).isEqualTo(ReadFailure.OUTAGE));
      assertThat(
              ingest.metrics.count(
                  IngestMetrics.CONSENT_CHANGES, "tenant", "acme", "decision", "unreadable"))
          .isZero();
      assertThat(ingest.metrics.count(IngestMetrics.ERASURES, "tenant", "acme")).isZero();
    }
  }
}
