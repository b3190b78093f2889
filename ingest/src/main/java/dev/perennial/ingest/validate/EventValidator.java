package dev.perennial.ingest.validate;

import dev.perennial.core.kafka.SaneTimestampExtractor;
import dev.perennial.ingest.deadletter.Rejection;
import dev.perennial.ingest.event.AppEvent;
import dev.perennial.schemas.v1.Document;
import dev.perennial.schemas.v1.Feedback;
import dev.perennial.schemas.v1.RejectReason;
import dev.perennial.schemas.v1.TrainingExample;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Checks the content of an app event whose ids and consent are in order: required fields, text
 * sizes ({@code TOO_LARGE}), valid UTF-8, known feedback kinds, ratings from 1 to 5, an {@code
 * occurredAt} in the sane range (not before {@link #EARLIEST}, 2000-01-01, and not further ahead of
 * ingest's clock than the allowed skew), and that feedback carries something to train on ({@code
 * INVALID_FIELD} otherwise). The first problem found is reported.
 *
 * @param maxTextBytes the most UTF-8 bytes a text field may have
 * @param maxFutureSkew how far ahead of ingest's clock an {@code occurredAt} may be
 * @param ratings what a rating marks its response as; a neutral rating without a correction has no
 *     training signal
 */
public record EventValidator(long maxTextBytes, Duration maxFutureSkew, RatingThresholds ratings) {

  /** The earliest {@code occurredAt} of an event (and {@code changedAt} of a consent change). */
  public static final Instant EARLIEST = SaneTimestampExtractor.EARLIEST;

  private static final int MAX_CONTENT_TYPE_LENGTH = 100;
  private static final int MAX_LANGUAGE_LENGTH = 35;

  /** The first problem with the event's content, judged at {@code now}; empty if none. */
  public Optional<Rejection> check(AppEvent event, Instant now) {
    if (event instanceof AppEvent.DocumentEvent document) {
      return check(document.document(), now);
    }
    if (event instanceof AppEvent.FeedbackEvent feedback) {
      return check(feedback.feedback(), now);
    }
    return invalid("record has no value (a tombstone); event topics take events, not deletions");
  }

  private Optional<Rejection> check(Document document, Instant now) {
    return first(
        () -> requiredText("content", document.getContent()),
        () -> requiredText("source", document.getSource()),
        () -> requiredShortText("contentType", document.getContentType(), MAX_CONTENT_TYPE_LENGTH),
        () -> optionalShortText("language", document.getLanguage(), MAX_LANGUAGE_LENGTH),
        () -> inSaneRange("occurredAt", document.getOccurredAt(), now));
  }

  private Optional<Rejection> check(Feedback feedback, Instant now) {
    return first(
        () -> requiredText("prompt", feedback.getPrompt()),
        () -> requiredText("response", feedback.getResponse()),
        () -> optionalText("correction", feedback.getCorrection()),
        () -> optionalText("chosen", feedback.getChosen()),
        () -> optionalText("rejected", feedback.getRejected()),
        () -> ratingInRange(feedback.getRating()),
        () -> inSaneRange("occurredAt", feedback.getOccurredAt(), now),
        () -> trainingTarget(feedback));
  }

  /**
   * The first text of {@code example} that is larger than the limit once redacted (a placeholder
   * can be longer than what it replaces); empty if none. Within the limit, every example fits the
   * producer's request size ({@code IngestConfig}'s size check counts on it).
   */
  public Optional<Rejection> checkRedacted(TrainingExample example) {
    return first(
        () -> redactedText("text", example.getText()),
        () -> redactedText("prompt", example.getPrompt()),
        () -> redactedText("completion", example.getCompletion()),
        () -> redactedText("chosen", example.getChosen()),
        () -> redactedText("rejected", example.getRejected()));
  }

  private Optional<Rejection> redactedText(String field, String value) {
    return value == null
        ? Optional.empty()
        : tooLarge(field, value, " once personal data is redacted", "; content not kept");
  }

  /** What the feedback's kind needs to become an example. */
  private Optional<Rejection> trainingTarget(Feedback feedback) {
    return switch (feedback.getKind()) {
      case CORRECTION ->
          first(
              () -> present("correction", feedback.getCorrection(), "a CORRECTION"),
              () -> correctionDiffers(feedback));
      case PREFERENCE ->
          first(
              () -> present("chosen", feedback.getChosen(), "a PREFERENCE"),
              () -> present("rejected", feedback.getRejected(), "a PREFERENCE"),
              () ->
                  feedback.getChosen().equals(feedback.getRejected())
                      ? invalid("chosen and rejected of a PREFERENCE are the same text")
                      : Optional.empty());
      case RATING -> {
        if (feedback.getRating() == null) {
          yield invalid("rating is missing; a RATING needs one from 1 to 5");
        }
        RatingThresholds.Signal signal = ratings.signal(feedback.getRating());
        if (signal != RatingThresholds.Signal.DESIRABLE && hasText(feedback.getCorrection())) {
          yield correctionDiffers(feedback);
        }
        if (signal != RatingThresholds.Signal.NEUTRAL) {
          yield Optional.empty();
        }
        yield invalid(
            "rating "
                + feedback.getRating()
                + " is neutral (above the negative threshold "
                + ratings.negativeMax()
                + ", below the positive "
                + ratings.positiveMin()
                + ") and there is no correction: no training signal");
      }
      case UNKNOWN ->
          invalid("kind is UNKNOWN (a kind this version of ingest does not know, or none)");
    };
  }

  /** A correction is trained as preferred over the response: the two must differ. */
  private static Optional<Rejection> correctionDiffers(Feedback feedback) {
    return feedback.getCorrection().equals(feedback.getResponse())
        ? invalid("correction and response are the same text: nothing was corrected")
        : Optional.empty();
  }

  private Optional<Rejection> requiredText(String field, String value) {
    if (!hasText(value)) {
      return invalid(field + " is missing or blank");
    }
    return optionalText(field, value);
  }

  private Optional<Rejection> optionalText(String field, String value) {
    if (value == null) {
      return Optional.empty();
    }
    Optional<Rejection> tooLarge = tooLarge(field, value, "", "");
    if (tooLarge.isPresent()) {
      return tooLarge;
    }
    if (!Texts.isWellFormedUtf8(value)) {
      return invalid(field + " is not valid UTF-8 (replacement characters or lone surrogates)");
    }
    return Optional.empty();
  }

  /**
   * TOO_LARGE when {@code value} has more than the limit's bytes of UTF-8; {@code measured} says
   * when it was measured, {@code after} what follows the limit in the detail.
   */
  private Optional<Rejection> tooLarge(String field, String value, String measured, String after) {
    long bytes = Texts.utf8Length(value);
    if (bytes <= maxTextBytes) {
      return Optional.empty();
    }
    return Optional.of(
        Rejection.of(
            RejectReason.TOO_LARGE,
            field
                + " has "
                + bytes
                + " bytes of UTF-8"
                + measured
                + ", more than "
                + maxTextBytes
                + after));
  }

  private static Optional<Rejection> requiredShortText(String field, String value, int maxLength) {
    if (!hasText(value)) {
      return invalid(field + " is missing or blank");
    }
    return optionalShortText(field, value, maxLength);
  }

  private static Optional<Rejection> optionalShortText(String field, String value, int maxLength) {
    if (value == null) {
      return Optional.empty();
    }
    if (value.length() > maxLength) {
      return invalid(field + " has " + value.length() + " characters, more than " + maxLength);
    }
    if (Texts.hasControlCharacter(value) || !Texts.isWellFormedUtf8(value)) {
      return invalid(field + " holds control characters or is not valid UTF-8");
    }
    return Optional.empty();
  }

  private static Optional<Rejection> present(String field, String value, String kind) {
    return hasText(value)
        ? Optional.empty()
        : invalid(field + " is missing; " + kind + " needs it");
  }

  private static Optional<Rejection> ratingInRange(Integer rating) {
    if (rating != null && (rating < 1 || rating > 5)) {
      return invalid("rating " + rating + " is not from 1 to 5");
    }
    return Optional.empty();
  }

  /**
   * Checks a time an app gives: not before {@link #EARLIEST} (a zero, negative or garbled clock),
   * not more than the allowed skew ahead of ingest's clock. Outside that range a time is no event's
   * and would break readers downstream (JavaScript's numbers cannot hold it exactly).
   */
  public Optional<Rejection> inSaneRange(String field, Instant time, Instant now) {
    if (time.isBefore(EARLIEST)) {
      return invalid(field + " " + time + " is before " + EARLIEST);
    }
    if (time.isAfter(now.plus(maxFutureSkew))) {
      return invalid(
          field
              + " "
              + time
              + " is more than "
              + maxFutureSkew
              + " ahead of ingest's clock ("
              + now
              + ")");
    }
    return Optional.empty();
  }

  private static boolean hasText(String value) {
    return value != null && !value.isBlank();
  }

  /** The first problem the checks find, running them in order until one does. */
  @SafeVarargs
  private static Optional<Rejection> first(Supplier<Optional<Rejection>>... checks) {
    for (Supplier<Optional<Rejection>> check : checks) {
      Optional<Rejection> problem = check.get();
      if (problem.isPresent()) {
        return problem;
      }
    }
    return Optional.empty();
  }

  private static Optional<Rejection> invalid(String detail) {
    return Optional.of(Rejection.of(RejectReason.INVALID_FIELD, detail));
  }
}
