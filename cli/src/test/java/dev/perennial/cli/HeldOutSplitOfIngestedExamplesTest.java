package dev.perennial.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.crypto.AesGcm;
import dev.perennial.ingest.consent.ConsentState;
import dev.perennial.ingest.event.AppEvent;
import dev.perennial.ingest.example.ExampleFactory;
import dev.perennial.ingest.example.ExampleIds;
import dev.perennial.ingest.redact.PiiRedactor;
import dev.perennial.ingest.redact.Pseudonymizer;
import dev.perennial.ingest.validate.RatingThresholds;
import dev.perennial.schemas.privacy.ExampleCrypto;
import dev.perennial.schemas.v1.Feedback;
import dev.perennial.schemas.v1.FeedbackKind;
import dev.perennial.schemas.v1.SourceRef;
import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.trainer.shard.HeldOutSplit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;

/**
 * Ingest makes the examples and the trainer splits them, as ingest wrote them (encrypted): feedback
 * about one prompt, whatever kind it came as, is held out together or trained on together, so the
 * evaluator never scores a pair whose twin was trained on.
 */
class HeldOutSplitOfIngestedExamplesTest {

  private static final String SECRET = "held-out-split-test-secret";
  private static final HeldOutSplit SPLIT = new HeldOutSplit(0.25);
  private static final SecretKey DATA_KEY = AesGcm.newKey();

  private final ExampleFactory factory =
      new ExampleFactory(
          tenant -> new PiiRedactor(),
          new Pseudonymizer(SECRET),
          new ExampleIds(SECRET),
          new RatingThresholds(4, 2));
  private long offset;

  @Test
  void aPreferenceAndACorrectionOfTheSamePromptAndAnswersLandOnTheSameSide() {
    List<String> splitApart = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      String prompt = "What is the capital of country " + i + "?";
      TrainingExample preference =
          example(
              prompt,
              f -> f.setKind(FeedbackKind.PREFERENCE).setChosen(" Right").setRejected(" Wrong"));
      TrainingExample correction =
          example(prompt, f -> f.setKind(FeedbackKind.CORRECTION).setCorrection(" Right"));
      if (SPLIT.isHeldOut(preference) != SPLIT.isHeldOut(correction)) {
        splitApart.add(prompt);
      }
    }

    assertThat(splitApart).as("prompts whose twins were split apart").isEmpty();
  }

  @Test
  void ratingsOfAPromptsAnswersLandWhereThePairOfThemDoes() {
    List<String> splitApart = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      String prompt = "Who founded company " + i + "?";
      boolean pair =
          SPLIT.isHeldOut(
              example(
                  prompt,
                  f ->
                      f.setKind(FeedbackKind.PREFERENCE)
                          .setChosen(" Right")
                          .setRejected(" Wrong")));
      List<TrainingExample> ratings =
          List.of(
              example(
                  prompt, f -> f.setKind(FeedbackKind.RATING).setResponse(" Right").setRating(5)),
              example(prompt, f -> f.setKind(FeedbackKind.RATING).setRating(1)),
              example(
                  prompt,
                  f -> f.setKind(FeedbackKind.RATING).setRating(1).setCorrection(" Right")));
      if (ratings.stream().anyMatch(rating -> SPLIT.isHeldOut(rating) != pair)) {
        splitApart.add(prompt);
      }
    }

    assertThat(splitApart).as("prompts whose ratings and pair were split apart").isEmpty();
  }

  /** The example ingest writes for feedback on {@code prompt} (response " Wrong" unless set). */
  private TrainingExample example(String prompt, UnaryOperator<Feedback.Builder> kind) {
    Feedback feedback =
        kind.apply(
                Feedback.newBuilder()
                    .setEventId("event-" + offset)
                    .setTenant("acme")
                    .setSubject("alice")
                    .setPrompt(prompt)
                    .setResponse(" Wrong")
                    .setOccurredAt(Instant.EPOCH))
            .build();
    SourceRef source = new SourceRef("perennial.feedback.v1", 0, offset++);
    ConsentState consent =
        new ConsentState(true, Instant.EPOCH, null, "perennial.consent.v1", 0, 0);
    TrainingExample plain =
        factory.example(new AppEvent.FeedbackEvent(feedback, source), consent, Instant.EPOCH);
    return ExampleCrypto.encrypt(plain, "key-1", DATA_KEY);
  }
}
