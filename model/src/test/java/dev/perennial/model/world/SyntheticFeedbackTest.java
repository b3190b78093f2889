package dev.perennial.model.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
  void aFactHasOneWrongAnswerInEveryPhrasingRecordAndNoiseShare() {
    SyntheticFeedback clean = SyntheticFeedback.on(world, questions, 0, 1);
    SyntheticFeedback noisy = SyntheticFeedback.on(world, questions, 3, 0.3, 1);
    // the same facts asked from another list: the wrong answer depends on the fact and seed alone
    SyntheticFeedback fewer = SyntheticFeedback.on(world, questions.subList(1, 4), 2, 0.3, 1);

    Map<String, Set<String>> wrong = new HashMap<>();
    for (SyntheticFeedback feedback : List.of(clean, noisy, fewer)) {
      for (SyntheticFeedback.Preference pair : feedback.preferences()) {
        String value = pair.flipped() ? pair.chosen() : pair.rejected();
        wrong.computeIfAbsent(pair.fact().key(), k -> new HashSet<>()).add(value);
      }
      for (SyntheticFeedback.Correction correction : feedback.corrections()) {
        String value = correction.flipped() ? correction.corrected() : correction.original();
        wrong.get(correction.fact().key()).add(value);
      }
    }
    long facts = questions.stream().map(q -> q.fact().key()).distinct().count();
    assertThat(facts).as("facts asked in more than one phrasing").isLessThan(questions.size());
    assertThat(wrong).hasSize((int) facts);
    wrong.forEach((fact, values) -> assertThat(values).as(fact).hasSize(1));
    for (QaPair question : questions) {
      assertThat(wrong.get(question.fact().key()))
          .containsExactly(SyntheticFeedback.wrongAnswer(world, question.fact(), 1))
          .doesNotContain(question.completion());
    }
  }

  @Test
  void eachQuestionCarriesItsRecordsAndExactlyTheNoiseShareOfAllOfThemIsFlipped() {
    int records = 3;
    SyntheticFeedback feedback = SyntheticFeedback.on(world, questions, records, 0.3, 1);
    int n = questions.size() * records;

    assertThat(feedback.preferences()).hasSize(n);
    assertThat(feedback.corrections()).hasSize(n);
    assertThat(feedback.ratings()).hasSize(2 * n);
    for (int r = 0; r < n; r++) {
      QaPair question = questions.get(r / records);
      assertThat(feedback.preferences().get(r).prompt()).isEqualTo(question.prompt());
      assertThat(feedback.ratings().get(2 * r).right()).isTrue();
      assertThat(feedback.ratings().get(2 * r + 1).right()).isFalse();
      assertThat(feedback.ratings().get(2 * r + 1).prompt()).isEqualTo(question.prompt());
    }
    assertThat(feedback.preferences().stream().filter(SyntheticFeedback.Preference::flipped))
        .hasSize((int) Math.round(0.3 * n));
    assertThat(feedback.ratings().stream().filter(SyntheticFeedback.Rating::flipped))
        .hasSize((int) Math.round(0.3 * 2 * n));
    assertThat(feedback.corrections().stream().filter(SyntheticFeedback.Correction::flipped))
        .hasSize((int) Math.round(0.3 * n));
    assertThat(feedback.preferences().get(4).user()).isEqualTo(1);
    assertThat(feedback.ratings().get(2 * 5 + 1).user()).isEqualTo(2);
    assertThat(feedback.noisyUsers()).isEmpty();
  }

  @Test
  void byUserExactlyTheNoiseShareOfUsersIsNoisyAndFlipsEverythingTheyGive() {
    int records = 5;
    int users = 20;
    SyntheticFeedback feedback =
        SyntheticFeedback.byUsers(world, questions, records, users, 0.3, 1);
    SyntheticFeedback truth = SyntheticFeedback.on(world, questions, records, 0, 1);

    assertThat(feedback.noisyUsers()).hasSize(6).allSatisfy(u -> assertThat(u).isBetween(0, 19));
    assertThat(feedback.preferences()).hasSize(questions.size() * records);
    for (int q = 0; q < questions.size(); q++) {
      Set<Integer> asked = new HashSet<>();
      for (int r = q * records; r < (q + 1) * records; r++) {
        SyntheticFeedback.Preference pair = feedback.preferences().get(r);
        boolean noisy = feedback.noisyUsers().contains(pair.user());
        asked.add(pair.user());
        assertThat(pair.prompt()).isEqualTo(questions.get(q).prompt());
        assertThat(pair.flipped()).isEqualTo(noisy);
        assertThat(pair.chosen())
            .isEqualTo(
                noisy ? truth.preferences().get(r).rejected() : questions.get(q).completion());
        assertThat(feedback.corrections().get(r).flipped()).isEqualTo(noisy);
        assertThat(feedback.corrections().get(r).user()).isEqualTo(pair.user());
        assertThat(feedback.ratings().get(2 * r).flipped()).isEqualTo(noisy);
        assertThat(feedback.ratings().get(2 * r + 1).flipped()).isEqualTo(noisy);
      }
      assertThat(asked).as("a question's records come from distinct users").hasSize(records);
    }
    assertThat(SyntheticFeedback.byUsers(world, questions, records, users, 0.3, 1).preferences())
        .isEqualTo(feedback.preferences());
    assertThat(SyntheticFeedback.byUsers(world, questions, records, users, 0, 1).noisyUsers())
        .isEmpty();
    assertThatThrownBy(() -> SyntheticFeedback.byUsers(world, questions, records, 4, 0.3, 1))
        .hasMessageContaining("need as many users");
  }

  @Test
  void theSameSeedGivesTheSameFeedbackAndTheNoiseShareIsBounded() {
    assertThat(SyntheticFeedback.on(world, questions, 0.1, 3).preferences())
        .isEqualTo(SyntheticFeedback.on(world, questions, 0.1, 3).preferences());
    assertThatThrownBy(() -> SyntheticFeedback.on(world, questions, 0.5, 3))
        .hasMessageContaining("noise share must be in [0, 0.5)");
  }
}
