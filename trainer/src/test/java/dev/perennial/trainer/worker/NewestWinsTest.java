package dev.perennial.trainer.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.model.train.TrainingExample;
import java.util.List;
import org.junit.jupiter.api.Test;

class NewestWinsTest {

  private static final String PRICE = "Question: How much does the Zix lamp cost?\nAnswer:";

  @Test
  void aNewerAnswerToTheSameQuestionSupersedesOlderOnesWhateverTheirForm() {
    TrainingExample oldCorrection = TrainingExample.completion(PRICE, " 40 dollars");
    TrainingExample oldGeneralText = TrainingExample.text(PRICE + " 40 dollars");
    TrainingExample otherQuestion =
        TrainingExample.completion("Question: What color is the Zix lamp?\nAnswer:", " red");
    TrainingExample document = TrainingExample.text("The Zix lamp costs 40 dollars.");
    TrainingExample newer = TrainingExample.completion(PRICE, " 55 dollars");

    List<TrainingExample> kept =
        NewestWins.filter(
            List.of(oldCorrection, oldGeneralText, otherQuestion, document), List.of(newer));

    assertThat(kept).containsExactly(otherQuestion, document);
  }

  @Test
  void theSameAnswerAgainIsNoContradiction() {
    TrainingExample old = TrainingExample.text(PRICE + " 55 dollars");

    assertThat(
            NewestWins.filter(
                List.of(old), List.of(TrainingExample.completion(PRICE, " 55 dollars"))))
        .containsExactly(old);
  }

  @Test
  void amongOlderExamplesTheLaterAnswerWins() {
    TrainingExample first = TrainingExample.completion(PRICE, " 40 dollars");
    TrainingExample later = TrainingExample.completion(PRICE, " 45 dollars");

    assertThat(NewestWins.filter(List.of(first, later), List.of())).containsExactly(later);
  }
}
