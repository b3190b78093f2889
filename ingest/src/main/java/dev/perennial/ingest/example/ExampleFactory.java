package dev.perennial.ingest.example;

import dev.perennial.core.crypto.Digest;
import dev.perennial.ingest.consent.ConsentState;
import dev.perennial.ingest.event.AppEvent;
import dev.perennial.ingest.redact.PiiRedactor;
import dev.perennial.ingest.redact.PiiType;
import dev.perennial.ingest.redact.Pseudonymizer;
import dev.perennial.ingest.validate.EventIds;
import dev.perennial.schemas.v1.Document;
import dev.perennial.schemas.v1.ExampleKind;
import dev.perennial.schemas.v1.Feedback;
import dev.perennial.schemas.v1.TrainingExample;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a valid, consented app event into its training example: the kind the event makes, every
 * text redacted ({@link PiiRedactor}), the subject replaced by its pseudonym, routed to the adapter
 * key {@code tenant/adapter} ({@code default} when the event names none).
 *
 * <ul>
 *   <li>a document becomes a TEXT example of its content;
 *   <li>a correction, or a rating below the positive threshold that carries a correction, becomes
 *       an SFT example of the prompt and the correction;
 *   <li>a rating at or above the threshold becomes an SFT example of the prompt and the rated
 *       response;
 *   <li>a preference becomes a PREFERENCE example of the prompt, chosen and rejected.
 * </ul>
 *
 * A low rating without a correction never gets here: it has no training target ({@link
 * dev.perennial.ingest.validate.EventValidator} rejects it). Not thread-safe (the pseudonymizer).
 */
public final class ExampleFactory {

  private final PiiRedactor redactor;
  private final Pseudonymizer pseudonymizer;
  private final int positiveRatingMin;

  public ExampleFactory(PiiRedactor redactor, Pseudonymizer pseudonymizer, int positiveRatingMin) {
    this.redactor = redactor;
    this.pseudonymizer = pseudonymizer;
    this.positiveRatingMin = positiveRatingMin;
  }

  /**
   * The example of an event that passed validation, admitted under {@code consent}.
   *
   * @throws IllegalArgumentException for a tombstone or feedback without a training target
   */
  public TrainingExample example(AppEvent event, ConsentState consent, Instant ingestedAt) {
    Redactions redactions = new Redactions();
    TrainingExample.Builder example = TrainingExample.newBuilder();
    if (event instanceof AppEvent.DocumentEvent document) {
      Document value = document.document();
      example
          .setKind(ExampleKind.TEXT)
          .setText(redactions.redact(value.getContent()))
          .setOccurredAt(value.getOccurredAt());
    } else if (event instanceof AppEvent.FeedbackEvent feedback) {
      Feedback value = feedback.feedback();
      example.setPrompt(redactions.redact(value.getPrompt())).setOccurredAt(value.getOccurredAt());
      switch (value.getKind()) {
        case PREFERENCE ->
            example
                .setKind(ExampleKind.PREFERENCE)
                .setChosen(redactions.redact(value.getChosen()))
                .setRejected(redactions.redact(value.getRejected()));
        case CORRECTION ->
            example
                .setKind(ExampleKind.SFT)
                .setCompletion(redactions.redact(value.getCorrection()));
        case RATING -> {
          String completion = ratedCompletion(value);
          example.setKind(ExampleKind.SFT).setCompletion(redactions.redact(completion));
        }
        default ->
            throw new IllegalArgumentException(
                "Feedback of kind " + value.getKind() + " makes no example");
      }
    } else {
      throw new IllegalArgumentException("A " + event.type() + " makes no example");
    }
    return example
        .setExampleId(exampleId(example))
        .setAdapterKey(EventIds.adapterKey(event.tenant(), event.adapter()))
        .setTenant(event.tenant())
        .setSubjectPseudonym(pseudonymizer.pseudonym(event.tenant(), event.subject()))
        .setSource(event.source())
        .setEventId(event.eventId())
        .setConsentVersion(consent.version())
        .setRedactions(redactions.counts())
        .setIngestedAt(ingestedAt)
        .build();
  }

  /** A positively rated response is the target; a low rating's correction replaces it. */
  private String ratedCompletion(Feedback feedback) {
    Integer rating = feedback.getRating();
    if (rating != null && rating >= positiveRatingMin) {
      return feedback.getResponse();
    }
    if (feedback.getCorrection() != null && !feedback.getCorrection().isBlank()) {
      return feedback.getCorrection();
    }
    throw new IllegalArgumentException(
        "A rating of " + rating + " without a correction has no training target");
  }

  /**
   * SHA-256 of the example's kind and texts (each length-prefixed, so no two different examples
   * hash the same bytes): equal content, equal id, whoever sent it.
   */
  private static String exampleId(TrainingExample.Builder example) {
    MessageDigest digest = Digest.newMessageDigest();
    update(digest, example.getKind().name());
    update(digest, example.getText());
    update(digest, example.getPrompt());
    update(digest, example.getCompletion());
    update(digest, example.getChosen());
    update(digest, example.getRejected());
    return Digest.fromBytes(digest.digest()).hex();
  }

  private static void update(MessageDigest digest, String text) {
    if (text == null) {
      digest.update(ByteBuffer.allocate(4).putInt(-1).array());
      return;
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    digest.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
    digest.update(bytes);
  }

  /** Redacts the texts of one example and adds up what it replaced. */
  private final class Redactions {
    private final Map<PiiType, Integer> counts = new EnumMap<>(PiiType.class);

    String redact(String text) {
      PiiRedactor.Redaction redaction = redactor.redact(text);
      redaction.counts().forEach((type, count) -> counts.merge(type, count, Integer::sum));
      return redaction.text();
    }

    Map<String, Integer> counts() {
      Map<String, Integer> byName = new TreeMap<>();
      counts.forEach((type, count) -> byName.put(type.name(), count));
      return byName;
    }
  }
}
