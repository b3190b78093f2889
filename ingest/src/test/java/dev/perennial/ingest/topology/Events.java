package dev.perennial.ingest.topology;

import dev.perennial.schemas.v1.ConsentChange;
import dev.perennial.schemas.v1.Document;
import dev.perennial.schemas.v1.Feedback;
import dev.perennial.schemas.v1.FeedbackKind;
import java.time.Instant;

/** App events for the topology tests: valid ones, to be spoiled one field at a time. */
final class Events {

  static final Instant OCCURRED_AT = Instant.parse("2026-03-01T11:59:00Z");
  static final String PURPOSE = "adapter-training";

  private Events() {}

  static Document.Builder document(String tenant, String subject, String eventId, String content) {
    return Document.newBuilder()
        .setEventId(eventId)
        .setTenant(tenant)
        .setSubject(subject)
        .setAdapter(null)
        .setSource("kb://articles/" + eventId)
        .setContent(content)
        .setContentType("text/plain")
        .setLanguage("en")
        .setOccurredAt(OCCURRED_AT);
  }

  static Feedback.Builder feedback(
      String tenant, String subject, String eventId, FeedbackKind kind) {
    return Feedback.newBuilder()
        .setEventId(eventId)
        .setTenant(tenant)
        .setSubject(subject)
        .setPrompt("Question: What colour is the Velmora lamp?\nAnswer:")
        .setResponse(" blue")
        .setKind(kind)
        .setOccurredAt(OCCURRED_AT);
  }

  static Feedback.Builder rating(String tenant, String subject, String eventId, int rating) {
    return feedback(tenant, subject, eventId, FeedbackKind.RATING).setRating(rating);
  }

  static Feedback.Builder correction(String tenant, String subject, String eventId) {
    return feedback(tenant, subject, eventId, FeedbackKind.CORRECTION).setCorrection(" green");
  }

  static Feedback.Builder preference(String tenant, String subject, String eventId) {
    return feedback(tenant, subject, eventId, FeedbackKind.PREFERENCE)
        .setChosen(" green")
        .setRejected(" blue");
  }

  static ConsentChange consent(String tenant, String subject, String purpose, boolean granted) {
    return ConsentChange.newBuilder()
        .setTenant(tenant)
        .setSubject(subject)
        .setPurpose(purpose)
        .setGranted(granted)
        .setChangedAt(Instant.parse("2026-03-01T11:00:00Z"))
        .setSource("consent-service")
        .setPolicyVersion("2026-01")
        .build();
  }

  static ConsentChange grant(String tenant, String subject) {
    return consent(tenant, subject, PURPOSE, true);
  }

  static ConsentChange revoke(String tenant, String subject) {
    return consent(tenant, subject, PURPOSE, false);
  }
}
