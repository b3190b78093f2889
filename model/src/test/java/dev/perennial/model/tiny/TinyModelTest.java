package dev.perennial.model.tiny;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.score.ExactMatch;
import dev.perennial.model.score.Generator;
import dev.perennial.model.world.QaPair;
import dev.perennial.model.world.World;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bundled perennial-tiny: complete, matching its record, and knowing the general world. */
class TinyModelTest {

  @Test
  void theBundledModelMatchesItsRecordedDigestAndSettings() {
    BaseModel tiny = TinyModel.open();

    assertThat(tiny.digest()).isEqualTo(TinyModel.digest());
    assertThat(tiny.config()).isEqualTo(TinyModel.config());
    JsonNode record = TinyModel.record();
    assertThat(record.at("/recipe/steps").asInt()).isEqualTo(TinyModel.settings().recipe().steps());
    assertThat(record.at("/recipe/threads").asInt())
        .isEqualTo(TinyModel.settings().recipe().threads());
    assertThat(record.at("/world/seed").asLong()).isEqualTo(World.STANDARD_SEED);
  }

  @Test
  void theShippedEvaluationAndReplaySetsAreTheWorldsGeneralSlice() {
    List<QaPair> evaluation = World.standard().general().evaluationSet();
    List<JsonNode> shipped = TinyModel.generalEvaluationSet();

    assertThat(shipped).hasSameSizeAs(evaluation);
    for (int i = 0; i < shipped.size(); i++) {
      assertThat(shipped.get(i).get("prompt").asText()).isEqualTo(evaluation.get(i).prompt());
      assertThat(shipped.get(i).get("answer").asText()).isEqualTo(evaluation.get(i).answer());
    }
    assertThat(TinyModel.generalReplaySet()).isEqualTo(World.standard().general().replaySet());
  }

  @Test
  void theBaseAnswersAFairShareOfGeneralQuestionsExactly() {
    List<QaPair> questions = World.standard().general().evaluationSet().subList(0, 64);
    try (LanguageModel model = LanguageModel.load(TinyModel.open(), Device.cpu())) {
      ExactMatch result =
          ExactMatch.evaluate(
              model,
              questions.stream().map(QaPair::prompt).toList(),
              questions.stream().map(QaPair::answer).toList(),
              Generator.Options.shortAnswers());

      assertThat(result.rate()).isGreaterThan(0.4);
    }
  }
}
