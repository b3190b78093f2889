package dev.perennial.ingest.consent;

import dev.perennial.ingest.deadletter.Rejection;
import dev.perennial.ingest.deadletter.Rejections;
import dev.perennial.ingest.deadletter.UnreadableRejections;
import dev.perennial.ingest.metrics.IngestMetrics;
import dev.perennial.ingest.redact.Pseudonymizer;
import dev.perennial.ingest.tenant.TenantBinding;
import dev.perennial.ingest.validate.EventIds;
import dev.perennial.ingest.validate.EventValidator;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.serde.ReadFailure;
import dev.perennial.schemas.v1.ConsentChange;
import dev.perennial.schemas.v1.ErasureRequest;
import dev.perennial.schemas.v1.RejectReason;
import dev.perennial.schemas.v1.SourceRef;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code consent.v1} records into {@link ConsentUpdate}s for the training purpose:
 *
 * <ul>
 *   <li>a grant or revocation of the training purpose sets the subject's state; a revocation also
 *       requests an erasure (keyed {@code tenant/pseudonym}: the erasure topic keeps its records
 *       for good, and no raw user id should live there);
 *   <li>a tombstone (the app deleted the subject's consent record) erases the subject as a
 *       revocation does, and a missing record must never leave an earlier grant in place, but it
 *       leaves no deletion marker: the subject's entry is deleted from the consent table, so no
 *       ingest store or changelog keeps the raw {@code tenant/subject} the app deleted, and the
 *       subject's later events find no consent ({@code NO_CONSENT});
 *   <li>a decision on another purpose changes nothing for training; it is counted, not forwarded;
 *   <li>a decision on a purpose that is the training purpose but for spelling, or names none, is
 *       dead-lettered: as a grant it grants nothing, as a revocation it revokes training consent
 *       all the same, fail closed ({@link #uncertainPurpose});
 *   <li>a record whose ids are invalid, or whose key is not its value's tenant/subject, is rejected
 *       ({@code INVALID_FIELD}): trusting it would set some other subject's consent; but a
 *       revocation so rejected still revokes the subject its key names, fail closed, as an
 *       unreadable record does ({@link #untrustedRevocation}); so is a grant whose {@code
 *       changedAt} is before {@link EventValidator#EARLIEST} (a revocation revokes whatever its
 *       {@code changedAt}: a garbled clock must not keep data in training), and, with per-tenant
 *       topics, a record or tombstone naming another tenant than its topic's ({@link
 *       TenantBinding});
 *   <li>a record whose value cannot be read (corrupt, unknown schema) under a key naming a subject
 *       revokes that subject, fail closed, and is dead-lettered ({@link #unreadable}); a registry
 *       outage throws, so the record is read again.
 * </ul>
 *
 * Records apply in offset order, as compaction keeps them: the latest record of a subject wins,
 * whatever its {@code changedAt}. The app's record headers are dropped.
 */
public final class ConsentReader implements FixedKeyProcessor<String, byte[], ConsentUpdate> {

  private static final Logger log = LoggerFactory.getLogger(ConsentReader.class);

  private final String trainingPurpose;
  private final String trainingPurposeSpelling;
  private final Deserializer<ConsentChange> deserializer;
  private final UnreadableRejections unreadable;
  private final Pseudonymizer pseudonymizer;
  private final IngestMetrics metrics;
  private final TenantBinding binding;
  private FixedKeyProcessorContext<String, ConsentUpdate> context;

  /**
   * @param deserializer reads the records' values ({@code consent.v1}'s value serde)
   * @param unreadable how a record that cannot be read is dead-lettered
   */
  public ConsentReader(
      String trainingPurpose,
      Deserializer<ConsentChange> deserializer,
      UnreadableRejections unreadable,
      Pseudonymizer pseudonymizer,
      IngestMetrics metrics,
      TenantBinding binding) {
    this.trainingPurpose = trainingPurpose;
    this.deserializer = deserializer;
    this.unreadable = unreadable;
    this.trainingPurposeSpelling = spelling(trainingPurpose);
    this.pseudonymizer = pseudonymizer;
    this.metrics = metrics;
    this.binding = binding;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, ConsentUpdate> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, byte[]> received) {
    SourceRef source = source(context.recordMetadata().orElseThrow());
    // The app's headers go no further (as EventReader's for events): they could hold data no one
    // redacted, and nothing bounds their size, so an erasure or a dead letter carrying them could
    // outgrow what the producer may write.
    FixedKeyRecord<String, byte[]> record = received.withHeaders(new RecordHeaders());
    String key = record.key();
    if (record.value() == null) {
      deleted(record, key, source);
      return;
    }
    ConsentChange change;
    try {
      change = deserializer.deserialize(source.getTopic(), record.value());
    } catch (RuntimeException e) {
      ReadFailure failure = ReadFailure.of(e);
      if (!failure.badRecord()) {
        throw e; // an outage: the stream thread is replaced and the record read again
      }
      unreadable(record, source, failure, e);
      return;
    }
    Optional<Rejection> invalid =
        EventIds.checkSubjectKey(key, change.getTenant(), change.getSubject())
            // a revocation revokes whatever its changedAt (warned below): never a grant that stays
            .or(
                () ->
                    change.getGranted() ? checkChangedAt(change.getChangedAt()) : Optional.empty())
            .or(() -> binding.check(source, change.getTenant()));
    if (invalid.isPresent()) {
      Rejection why = invalid.get();
      if (!change.getGranted()) {
        why = untrustedRevocation(record, source, why);
      }
      reject(record, source, why, binding.topicTenant(source).orElse(change.getTenant()));
      return;
    }
    if (!trainingPurpose.equals(change.getPurpose())) {
      String spelt = spelling(change.getPurpose());
      if (spelt.equals(trainingPurposeSpelling) || spelt.isEmpty()) {
        uncertainPurpose(record, source, change);
        return;
      }
      metrics.consentChange(change.getTenant(), IngestMetrics.ConsentDecision.OTHER_PURPOSE);
      log.debug(
          "Consent record {} is for purpose {}, not {}: training consent unchanged",
          source,
          change.getPurpose(),
          trainingPurpose);
      return;
    }
    ConsentState state = stateOf(change, source);
    if (change.getGranted()) {
      metrics.consentChange(change.getTenant(), IngestMetrics.ConsentDecision.GRANTED);
      context.forward(record.withValue(ConsentUpdate.grant(state)));
    } else {
      if (checkChangedAt(change.getChangedAt()).isPresent()) {
        log.warn(
            "Consent record {} revokes with changedAt {}, before {}: revoked all the same",
            source,
            change.getChangedAt(),
            EventValidator.EARLIEST);
      }
      metrics.consentChange(change.getTenant(), IngestMetrics.ConsentDecision.REVOKED);
      revoke(record, change.getTenant(), change.getSubject(), state);
    }
  }

  /**
   * A purpose that is the training purpose but for case, spaces or punctuation ({@code
   * Adapter_Training}), or that names none ({@code ""}, {@code "*"}), is almost surely meant as it
   * (or as every purpose), yet applying a grant on it would guess. So a grant so spelt grants
   * nothing, while a revocation so spelt revokes training consent, fail closed, as an unreadable
   * record does: a revocation must never go unseen. Either is dead-lettered for the app to send
   * again spelt exactly.
   */
  private void uncertainPurpose(
      FixedKeyRecord<String, byte[]> record, SourceRef source, ConsentChange change) {
    String consequence;
    if (change.getGranted()) {
      log.warn(
          "Consent record {} grants purpose \"{}\", which is not the training purpose \"{}\" but"
              + " may be meant as it: dead-lettered, training consent unchanged",
          source,
          shown(change.getPurpose()),
          trainingPurpose);
      consequence = "training consent unchanged";
    } else {
      ConsentState state = stateOf(change, source);
      ErasureRequest erasure = erasure(change.getTenant(), change.getSubject(), state);
      log.warn(
          "Consent record {} revokes purpose \"{}\", which is not the training purpose \"{}\" but"
              + " may be meant as it: training consent revoked, erasure {} requested, fail closed;"
              + " dead-lettered",
          source,
          shown(change.getPurpose()),
          trainingPurpose,
          erasure.getRequestId());
      metrics.consentChange(change.getTenant(), IngestMetrics.ConsentDecision.REVOKED);
      context.forward(record.withValue(ConsentUpdate.revoke(state, erasure)));
      consequence =
          "read as a revocation of it: training consent revoked, erasure "
              + erasure.getRequestId()
              + " requested";
    }
    reject(
        record,
        source,
        Rejection.of(
            RejectReason.INVALID_FIELD,
            "purpose \""
                + shown(change.getPurpose())
                + "\" is not the training purpose \""
                + trainingPurpose
                + "\" but may be meant as it (it differs only in case, spaces or punctuation, or"
                + " names no purpose); "
                + consequence
                + ": send the decision again with the purpose spelt exactly"),
        change.getTenant());
  }

  /** A purpose as a detail quotes it: padding could make a misspelt one as long as a record. */
  private static String shown(String purpose) {
    return purpose.length() <= 64
        ? purpose
        : purpose.substring(0, 64) + "... (" + purpose.length() + " characters)";
  }

  /** A purpose's letters and digits, lower case: what two spellings of one purpose share. */
  private static String spelling(String purpose) {
    return purpose.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]", "");
  }

  /** A consent change older than any event: a zero, negative or garbled clock. */
  private static Optional<Rejection> checkChangedAt(Instant changedAt) {
    return changedAt.isBefore(EventValidator.EARLIEST)
        ? Optional.of(
            Rejection.of(
                RejectReason.INVALID_FIELD,
                "changedAt " + changedAt + " is before " + EventValidator.EARLIEST))
        : Optional.empty();
  }

  /**
   * A record whose value cannot be read (corrupt, unknown schema) may be a revocation, so under a
   * key naming a subject of its topic's tenant it revokes that subject's training consent, whatever
   * it said: the subject's events are {@code ERASED_SUBJECT} until the app grants again, and the
   * erasure is requested (id {@code erasure-<topic>-<partition>@<offset>}, revoked at the record's
   * timestamp). It is dead-lettered all the same, for the app to find. A key that names no subject
   * (or another tenant than its topic's) revokes no one: such a record, however it read, could not
   * have changed any subject's consent.
   */
  private void unreadable(
      FixedKeyRecord<String, byte[]> record,
      SourceRef source,
      ReadFailure failure,
      RuntimeException cause) {
    Rejection why = UnreadableRejections.why(failure, cause);
    Optional<String> tenant = EventIds.tenantOfKey(record.key());
    Optional<ErasureRequest> revoked = revokeKeySubject(record, source);
    if (revoked.isPresent()) {
      ErasureRequest erasure = revoked.get();
      log.error(
          "Cannot read consent record {} ({}): revoking the training consent of subject {} of"
              + " tenant {} and requesting erasure {}, fail closed; the app must send the"
              + " subject's decision again",
          source,
          failure,
          erasure.getSubjectPseudonym(),
          erasure.getTenant(),
          erasure.getRequestId(),
          cause);
      metrics.consentChange(tenant.get(), IngestMetrics.ConsentDecision.UNREADABLE);
      why =
          Rejection.of(
              why.reason(),
              why.detail()
                  + "; read as a revocation: training consent revoked, erasure "
                  + erasure.getRequestId()
                  + " requested");
    } else {
      log.warn(
          "Cannot read consent record {} ({}); its key names no subject of the topic's tenant:"
              + " dead-lettered, no consent changed",
          source,
          failure,
          cause);
    }
    byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
    context.forward(
        record.withValue(
            ConsentUpdate.rejected(
                unreadable.rejection(
                    source,
                    key,
                    record.value(),
                    why,
                    binding.topicTenant(source).or(() -> tenant).orElse(null),
                    Instant.ofEpochMilli(context.currentSystemTimeMs())))));
  }

  /** The decision {@code change}, read at {@code source}, takes for the training purpose. */
  private static ConsentState stateOf(ConsentChange change, SourceRef source) {
    return new ConsentState(
        change.getGranted(),
        change.getChangedAt(),
        change.getPolicyVersion(),
        source.getTopic(),
        source.getPartition(),
        source.getOffset());
  }

  /**
   * A revocation whose value is rejected (its ids invalid, its key not its value's tenant/subject,
   * another tenant's) cannot be trusted for whom it names, yet it may be meant for the subject its
   * key names, by which consent is looked up: fail closed, as for an unreadable record, that
   * subject is revoked. The rejection's detail says so.
   */
  private Rejection untrustedRevocation(
      FixedKeyRecord<String, byte[]> record, SourceRef source, Rejection why) {
    Optional<ErasureRequest> revoked = revokeKeySubject(record, source);
    if (revoked.isEmpty()) {
      return why;
    }
    ErasureRequest erasure = revoked.get();
    log.error(
        "Consent record {} revokes, but is rejected ({}): revoking the training consent of subject"
            + " {} of tenant {} its key names and requesting erasure {}, fail closed",
        source,
        why.detail(),
        erasure.getSubjectPseudonym(),
        erasure.getTenant(),
        erasure.getRequestId());
    metrics.consentChange(erasure.getTenant(), IngestMetrics.ConsentDecision.REVOKED);
    return Rejection.of(
        why.reason(),
        why.detail()
            + "; read as a revocation of the subject its key names: training consent revoked,"
            + " erasure "
            + erasure.getRequestId()
            + " requested");
  }

  /**
   * Revokes the subject the record's key names, at the record's position and timestamp, when the
   * key names a subject of its topic's tenant; the erasure requested, or empty when it names none.
   */
  private Optional<ErasureRequest> revokeKeySubject(
      FixedKeyRecord<String, byte[]> record, SourceRef source) {
    Optional<String> tenant = EventIds.tenantOfKey(record.key());
    if (!EventIds.isSubjectKey(record.key()) || binding.check(source, tenant.get()).isPresent()) {
      return Optional.empty();
    }
    ConsentState revoked = revokedAt(record, source);
    ErasureRequest erasure = erasure(tenant.get(), EventIds.subjectOfKey(record.key()), revoked);
    context.forward(record.withValue(ConsentUpdate.revoke(revoked, erasure)));
    return Optional.of(erasure);
  }

  /** A revocation decided by the record at {@code source}, at the record's timestamp. */
  private static ConsentState revokedAt(FixedKeyRecord<String, byte[]> record, SourceRef source) {
    return new ConsentState(
        false,
        Instant.ofEpochMilli(record.timestamp()),
        null,
        source.getTopic(),
        source.getPartition(),
        source.getOffset());
  }

  private void deleted(FixedKeyRecord<String, byte[]> record, String key, SourceRef source) {
    Optional<String> tenant = EventIds.tenantOfKey(key);
    if (tenant.isEmpty()) {
      reject(
          record,
          source,
          Rejection.of(
              RejectReason.INVALID_FIELD,
              "tombstone whose key is not tenant/subject: no subject to erase"),
          null);
      return;
    }
    Optional<Rejection> mismatch = binding.check(source, tenant.get());
    if (mismatch.isPresent()) {
      reject(record, source, mismatch.get(), binding.topicTenant(source).orElse(null));
      return;
    }
    metrics.consentChange(tenant.get(), IngestMetrics.ConsentDecision.DELETED);
    // The tombstone's decision names the erasure request; it is not kept (no deletion marker).
    ConsentState decision = revokedAt(record, source);
    ErasureRequest erasure = erasure(tenant.get(), EventIds.subjectOfKey(key), decision);
    context.forward(record.withValue(ConsentUpdate.delete(erasure)));
  }

  private void revoke(
      FixedKeyRecord<String, byte[]> record, String tenant, String subject, ConsentState state) {
    context.forward(record.withValue(ConsentUpdate.revoke(state, erasure(tenant, subject, state))));
  }

  /** The erasure request of the subject whose consent {@code decision} revoked or deleted. */
  private ErasureRequest erasure(String tenant, String subject, ConsentState decision) {
    return ErasureRequest.newBuilder()
        .setRequestId("erasure-" + decision.version())
        .setTenant(tenant)
        .setSubjectPseudonym(pseudonymizer.pseudonym(tenant, subject))
        .setRevokedAt(decision.changedAt())
        .setSource(
            Rejections.source(
                decision.sourceTopic(), decision.sourcePartition(), decision.sourceOffset()))
        .build();
  }

  private void reject(
      FixedKeyRecord<String, byte[]> record, SourceRef source, Rejection rejection, String tenant) {
    String validTenant = tenant != null && AdapterKey.isValidName(tenant) ? tenant : null;
    context.forward(
        record.withValue(
            ConsentUpdate.rejected(
                Rejections.withoutContent(
                    source,
                    rejection,
                    validTenant,
                    null,
                    Instant.ofEpochMilli(context.currentSystemTimeMs())))));
  }

  static SourceRef source(RecordMetadata metadata) {
    return Rejections.source(metadata.topic(), metadata.partition(), metadata.offset());
  }
}
