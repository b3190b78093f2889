package dev.perennial.evaluator.suite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.schemas.v1.ExampleKind;
import dev.perennial.schemas.v1.SourceRef;
import dev.perennial.schemas.v1.TrainingExample;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Which answer of a held-out example the learning suite scores: the one the trainer teaches. */
class HeldOutShardsTest {

  private static TrainingExample.Builder example(ExampleKind kind) {
    return TrainingExample.newBuilder()
        .setExampleId("id")
        .setAdapterKey("acme/support")
        .setTenant("acme")
        .setSubjectPseudonym("p")
        .setKind(kind)
        .setPrompt("Q:")
        .setSource(new SourceRef("perennial.feedback.v1", 0, 0L))
        .setEventId("e")
        .setConsentVersion("c")
        .setOccurredAt(Instant.EPOCH)
        .setIngestedAt(Instant.EPOCH);
  }

  @Test
  void aCorrectionIsAPairOfItsCorrectionOverTheResponseAndADesirableRatingIsItsAnswer() {
    TrainingExample correction =
        example(ExampleKind.CORRECTION).setChosen(" green").setRejected(" blue").build();
    TrainingExample liked =
        example(ExampleKind.RATING).setCompletion(" green").setDesirable(true).build();

    // scored on its correction, and a pair (correction over the response) for the feedback suite
    assertThat(HeldOutShards.toEvalExample(correction))
        .isEqualTo(EvalExample.preference("Q:", " green", " blue"));
    assertThat(HeldOutShards.toEvalExample(liked)).isEqualTo(EvalExample.question("Q:", " green"));
  }

  @Test
  void anUndesirableRatingsAnswerIsNeverScoredAsSomethingToLearn() {
    TrainingExample disliked =
        example(ExampleKind.RATING).setCompletion(" blue").setDesirable(false).build();

    assertThat(HeldOutShards.toEvalExample(disliked)).isNull();
  }
}
