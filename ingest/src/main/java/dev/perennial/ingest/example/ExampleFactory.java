package dev.perennial.ingest.example;

import dev.perennial.ingest.consent.ConsentState;
import dev.perennial.ingest.event.AppEvent;
import dev.perennial.ingest.redact.PiiRedactor;
import dev.perennial.ingest.redact.Pseudonymizer;
import dev.perennial.ingest.validate.EventIds;
import dev.perennial.ingest.validate.RatingThresholds;
import dev.perennial.schemas.v1.Document;
import dev.perennial.schemas.v1.ExampleKind;
import dev.perennial.schemas.v1.Feedback;
import dev.perennial.schemas.v1.TrainingExample;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Turns a valid, consented app event into its training example: the kind the event makes, every
 * text redacted ({@link PiiRedactor}, with the tenant's own patterns), the subject replaced by its
 * pseudonym, the id a keyed digest of the content ({@link ExampleIds}), routed to the adapter key
 * {@code tenant/adapter} ({@code default} when the event names none). The example leaves here in
 * the clear; ingest encrypts it before it is written. Its split key ({@link ExampleIds#splitKey})
 * is a keyed digest of its prompt (a TEXT's text) alone, whatever its kind.
 *
 * <ul>
 *   <li>a document becomes a TEXT example of its content;
 *   <li>a correction, or a rating below the positive threshold that carries a correction, becomes a
 *       CORRECTION example: the correction chosen over the response (and the rating, if any);
 *   <li>a rating at or above the positive threshold becomes a desirable RATING example of the
 *       prompt and the rated response, one at or below the negative threshold an undesirable one;
 *   <li>a preference becomes a PREFERENCE example of the prompt, chosen and rejected.
 * </ul>
 *
 * A neutral rating without a correction never gets here: it has no training signal ({@link
 * dev.perennial.ingest.validate.EventValidator} rejects it). Not thread-safe (the pseudonymizer and
 * the ids).
 */
public final class ExampleFactory {

  private final Function<String, PiiRedactor> redactors;
  private final Pseudonymizer pseudonymizer;
  private final ExampleIds ids;
  private final RatingThresholds ratings;

  /**
   * @param redactors the redactor of each tenant
   */
  public ExampleFactory(
      Function<String, PiiRedactor> redactors,
      Pseudonymizer pseudonymizer,
      ExampleIds ids,
      RatingThresholds ratings) {
    this.redactors = redactors;
    this.pseudonymizer = pseudonymizer;
    this.ids = ids;
    this.ratings = ratings;
  }

  /**
   * The example of an event that passed validation, admitted under {@code consent}.
   *
   * @throws IllegalArgumentException for a tombstone or feedback without a training target
   */
  public TrainingExample example(AppEvent event, ConsentState consent, Instant ingestedAt) {
    Redactions redactions = new Redactions(redactors.apply(event.tenant()));
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
        case CORRECTION -> correction(example, value, redactions);
        case RATING -> rating(example, value, redactions);
        default ->
            throw new IllegalArgumentException(
                "Feedback of kind " + value.getKind() + " makes no example");
      }
    } else {
      throw new IllegalArgumentException("A " + event.type() + " makes no example");
    }
    return example
        .setExampleId(exampleId(example))
        .setSplitKey(
            ids.splitKey(example.getPrompt() != null ? example.getPrompt() : example.getText()))
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

  /** The correction chosen over the response it corrects. */
  private static void correction(
      TrainingExample.Builder example, Feedback feedback, Redactions redactions) {
    example
        .setKind(ExampleKind.CORRECTION)
        .setChosen(redactions.redact(feedback.getCorrection()))
        .setRejected(redactions.redact(feedback.getResponse()))
        .setRating(feedback.getRating());
  }

  /**
   * A rating below the positive threshold with a correction is a correction; otherwise the rated
   * response is desirable or undesirable by the thresholds.
   */
  private void rating(TrainingExample.Builder example, Feedback feedback, Redactions redactions) {
    Integer rating = feedback.getRating();
    if (rating == null) {
      throw new IllegalArgumentException("A RATING without a rating has no training signal");
    }
    RatingThresholds.Signal signal = ratings.signal(rating);
    if (signal != RatingThresholds.Signal.DESIRABLE
        && feedback.getCorrection() != null
        && !feedback.getCorrection().isBlank()) {
      correction(example, feedback, redactions);
      return;
    }
    if (signal == RatingThresholds.Signal.NEUTRAL) {
      throw new IllegalArgumentException(
          "A neutral rating of " + rating + " without a correction has no training signal");
    }
    example
        .setKind(ExampleKind.RATING)
        .setCompletion(redactions.redact(feedback.getResponse()))
        .setDesirable(signal == RatingThresholds.Signal.DESIRABLE)
        .setRating(rating);
  }

  /**
   * Equal content, equal id, whoever sent it; a rating's label is part of its content (the other
   * kinds' ids are as before ratings had labels).
   */
  private String exampleId(TrainingExample.Builder example) {
    String kind = example.getKind().name();
    if (example.getDesirable() != null) {
      return ids.id(
          kind,
          example.getPrompt(),
          example.getCompletion(),
          example.getDesirable() ? "desirable" : "undesirable");
    }
    return ids.id(
        kind,
        example.getText(),
        example.getPrompt(),
        example.getCompletion(),
        example.getChosen(),
        example.getRejected());
  }

  /** Redacts the texts of one example and adds up what it replaced. */
  private static final class Redactions {
    private final PiiRedactor redactor;
    private final Map<String, Integer> counts = new TreeMap<>();

    Redactions(PiiRedactor redactor) {
      this.redactor = redactor;
    }

    String redact(String text) {
      PiiRedactor.Redaction redaction = redactor.redact(text);
      redaction.counts().forEach((type, count) -> counts.merge(type, count, Integer::sum));
      return redaction.text();
    }

    Map<String, Integer> counts() {
      return counts;
    }
  }
}
