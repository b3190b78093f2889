package dev.perennial.model.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SyntheticFeedbackTest {

  private final World world = World.standard();
  private final UpdateStream.Update update =
      UpdateStream.generate(world, List.of("acme"), UpdateStream.Shape.defaults(3), 7)
          .get(0)
          .update(2);
  private final List<QaPair> questions = update.feedback();

  @Test
  void withoutNoiseTheRightAnswerIsChosenRatedDesirableAndTheCorrection() {
    SyntheticFeedback feedback = SyntheticFeedback.on(world, questions, 0, 1);

    assertThat(feedback.preferences()).hasSameSizeAs(questions);
    for (int i = 0; i < questions.size(); i++) {
      QaPair question = questions.get(i);
      SyntheticFeedback.Preference pair = feedback.preferences().get(i);
      assertThat(pair.prompt()).isEqualTo(question.prompt());
      assertThat(pair.chosen()).isEqualTo(question.completion());
      assertThat(pair.rejected()).isNotEqualTo(pair.chosen()).startsWith(" ");
      assertThat(pair.flipped()).isFalse();
      SyntheticFeedback.Correction correction = feedback.corrections().get(i);
      assertThat(correction.corrected()).isEqualTo(question.completion());
      assertThat(correction.original()).isEqualTo(pair.rejected());
    }
    assertThat(feedback.ratings()).hasSize(2 * questions.size());
    assertThat(feedback.ratings()).allSatisfy(r -> assertThat(r.desirable()).isEqualTo(r.right()));
  }

  @Test
  void aChangedFactsWrongAnswerIsItsStaleValue() {
    SyntheticFeedback feedback = SyntheticFeedback.on(world, questions, 0, 1);

    List<SyntheticFeedback.Preference> changes =
        feedback.preferences().stream().filter(p -> p.fact().isChange()).toList();
    assertThat(changes).isNotEmpty();
    assertThat(changes)
        .allSatisfy(p -> assertThat(p.rejected()).isEqualTo(" " + p.fact().previousValue()));
  }

  @Test
  void exactlyTheNoiseShareOfEachKindIsFlippedAndSaysSo() {
    SyntheticFeedback feedback = SyntheticFeedback.on(world, questions, 0.3, 1);
    int n = questions.size();

    List<SyntheticFeedback.Preference> flipped =
        feedback.preferences().stream().filter(SyntheticFeedback.Preference::flipped).toList();
    assertThat(flipped).hasSize((int) Math.round(0.3 * n));
    assertThat(flipped).allSatisfy(p -> assertThat(p.rejected()).isEqualTo(" " + p.fact().value()));
    assertThat(feedback.ratings().stream().filter(SyntheticFeedback.Rating::flipped))
        .hasSize((int) Math.round(0.3 * 2 * n));
    assertThat(feedback.corrections().stream().filter(SyntheticFeedback.Correction::flipped))
        .hasSize((int) Math.round(0.3 * n));
  }

  @Test
  void theSameSeedGivesTheSameFeedbackAndTheNoiseShareIsBounded() {
    assertThat(SyntheticFeedback.on(world, questions, 0.1, 3).preferences())
        .isEqualTo(SyntheticFeedback.on(world, questions, 0.1, 3).preferences());
    assertThatThrownBy(() -> SyntheticFeedback.on(world, questions, 0.5, 3))
        .hasMessageContaining("noise share must be in [0, 0.5)");
  }
}
