package dev.perennial.model.rebase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.model.TestModels;
import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.score.Generator;
import dev.perennial.model.train.TrainingExample;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The teacher's answers of a distillation, on a tiny random model. */
class RebasingTest {

  @Test
  void theTeacherReportsHowManyOfTheDistinctPromptsItHasAnsweredAfterEachBatch() {
    LlamaConfig config = TestModels.tinyLlama(true);
    List<TrainingExample> data = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      data.add(TrainingExample.completion("Question: " + i + "?\nAnswer:", " " + i));
    }
    data.add(TrainingExample.completion("Question: 0?\nAnswer:", " again"));
    List<String> reported = new ArrayList<>();

    try (LanguageModel teacher =
        TestModels.model(config, TestModels.randomWeights(config, 7), null)) {
      Rebasing.teacherExamples(
          teacher,
          data,
          new Generator.Options(2, false, 2),
          (answered, prompts) -> reported.add(answered + "/" + prompts));
    }

    assertThat(reported).containsExactly("2/5", "4/5", "5/5");
  }
}
