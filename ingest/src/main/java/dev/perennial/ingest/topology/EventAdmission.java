package dev.perennial.ingest.topology;

import dev.perennial.ingest.consent.ConsentState;
import dev.perennial.ingest.deadletter.Rejection;
import dev.perennial.ingest.deadletter.Rejections;
import dev.perennial.ingest.event.AppEvent;
import dev.perennial.ingest.event.Outcome;
import dev.perennial.ingest.example.ExampleFactory;
import dev.perennial.ingest.tenant.TenantBinding;
import dev.perennial.ingest.validate.EventIds;
import dev.perennial.ingest.validate.EventValidator;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.v1.RejectReason;
import dev.perennial.schemas.v1.TrainingExample;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Decides what an app event becomes, in this order:
 *
 * <ol>
 *   <li>its ids and key ({@link EventIds}): {@code INVALID_FIELD} if the key is not the value's
 *       tenant/subject, since consent was looked up by the key; with per-tenant topics, {@code
 *       INVALID_FIELD} if it names another tenant than its topic's ({@link TenantBinding});
 *   <li>its subject's consent: {@code NO_CONSENT} without a decision (never given, or its record
 *       deleted by the app), {@code ERASED_SUBJECT} after a revocation (the deletion marker), until
 *       consent is granted again;
 *   <li>its content ({@link EventValidator}): {@code INVALID_FIELD}, {@code TOO_LARGE};
 *   <li>its example ({@link ExampleFactory}): redacted, pseudonymised, routed; {@code TOO_LARGE}
 *       when redaction exhausts the stack or makes a text larger than the limit (a placeholder can
 *       be longer than what it replaces), {@code INVALID_FIELD} when a pair's two answers are the
 *       same text once redacted.
 * </ol>
 *
 * Rejections keep ids (those that are valid) and offsets, never content: content of a subject
 * without consent must not be stored anywhere, and content that failed validation has not been
 * redacted.
 */
final class EventAdmission implements FixedKeyProcessor<String, EventWithConsent, Outcome> {

  private final String trainingPurpose;
  private final EventValidator validator;
  private final ExampleFactory examples;
  private final TenantBinding binding;
  private FixedKeyProcessorContext<String, Outcome> context;

  EventAdmission(
      String trainingPurpose,
      EventValidator validator,
      ExampleFactory examples,
      TenantBinding binding) {
    this.trainingPurpose = trainingPurpose;
    this.validator = validator;
    this.examples = examples;
    this.binding = binding;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, Outcome> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, EventWithConsent> record) {
    AppEvent event = record.value().event();
    Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
    Optional<Rejection> rejection = rejection(record.key(), event, record.value().consent(), now);
    Outcome outcome =
        rejection.isPresent()
            ? rejected(event, rejection.get(), now)
            : admitted(event, record.value().consent(), now);
    context.forward(record.withValue(outcome));
  }

  private Outcome admitted(AppEvent event, ConsentState consent, Instant now) {
    try {
      TrainingExample example = examples.example(event, consent, now);
      Optional<Rejection> tooLarge = validator.checkRedacted(example);
      if (tooLarge.isPresent()) {
        return rejected(event, tooLarge.get(), now);
      }
      if (example.getChosen() != null && example.getChosen().equals(example.getRejected())) {
        // the validator compared the texts as sent; redaction can make them equal (two e-mail
        // addresses both become <EMAIL>), and a pair of equal answers ranks neither way: trained
        // it teaches nothing, held out it counts against the feedback accuracy gate for good
        return rejected(
            event,
            Rejection.of(
                RejectReason.INVALID_FIELD,
                "chosen and rejected are the same text once personal data is redacted: no"
                    + " preference left to learn; content not kept"),
            now);
      }
      return Outcome.admitted(example);
    } catch (StackOverflowError e) {
      // java.util.regex takes stack frames as a group repeats (a tenant's own pattern can, on a
      // long enough text); uncaught, the error would kill the stream thread, and every restart
      // would read the same record again
      return rejected(
          event,
          Rejection.of(
              RejectReason.TOO_LARGE,
              "the content is too intricate to redact (redaction exhausted the thread's stack);"
                  + " content not kept"),
          now);
    }
  }

  private Outcome rejected(AppEvent event, Rejection rejection, Instant now) {
    return Outcome.rejected(
        Rejections.withoutContent(
            event.source(),
            rejection,
            binding.topicTenant(event.source()).orElse(validOrNull(event.tenant())),
            validEventIdOrNull(event.eventId()),
            now));
  }

  private Optional<Rejection> rejection(
      String key, AppEvent event, ConsentState consent, Instant now) {
    if (event instanceof AppEvent.Tombstone) {
      return validator.check(event, now);
    }
    Optional<Rejection> badIds =
        EventIds.checkSubjectKey(key, event.tenant(), event.subject())
            .or(() -> binding.check(event.source(), event.tenant()))
            .or(() -> EventIds.checkEventIdAndAdapter(event.eventId(), event.adapter()));
    if (badIds.isPresent()) {
      return badIds;
    }
    if (consent == null) {
      return Optional.of(
          Rejection.of(
              RejectReason.NO_CONSENT,
              "the subject has not consented to " + trainingPurpose + "; content not kept"));
    }
    if (!consent.granted()) {
      return Optional.of(
          Rejection.of(
              RejectReason.ERASED_SUBJECT,
              "the subject revoked consent to "
                  + trainingPurpose
                  + " at "
                  + consent.changedAt()
                  + " ("
                  + consent.version()
                  + "); content not kept"));
    }
    return validator.check(event, now);
  }

  /**
   * The event id, if it is a valid one: a rejection may be of an event id too long to write (the
   * dead letter would outgrow the producer's request size, and ingest stops on a record it cannot
   * write) or holding control characters.
   */
  private static String validEventIdOrNull(String eventId) {
    return EventIds.isValidId(eventId) ? eventId : null;
  }

  private static String validOrNull(String tenant) {
    return tenant != null && AdapterKey.isValidName(tenant) ? tenant : null;
  }
}
