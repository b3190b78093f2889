package dev.perennial.model.tiny;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.model.rebase.Compatibility;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.score.ExactMatch;
import dev.perennial.model.score.Generator;
import dev.perennial.model.world.QaPair;
import dev.perennial.model.world.World;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 section 4: the bundled successors of perennial-tiny, pretrained on the world's next
 * epoch: one of the same shapes and tokenizer (an adapter carries over), one of another shape.
 */
class SuccessorBasesTest {

  @Test
  void theNextEpochChangesAShareOfTheGeneralFactsAndTheSuccessorsShipItsGeneralSlice() {
    World next = World.standard().nextEpoch();

    assertThat(next.epoch()).isEqualTo(2);
    assertThat(next.changedFacts()).hasSize(32);
    assertThat(next.changedFacts()).allMatch(f -> !f.value().equals(f.previousValue()));
    List<QaPair> evaluation = next.general().evaluationSet();
    for (BundledBase successor :
        List.of(BundledBase.PERENNIAL_TINY_2, BundledBase.PERENNIAL_TINY_DEEP)) {
      assertThat(successor.open().digest()).isEqualTo(successor.digest());
      assertThat(successor.record().at("/world/epoch").asInt()).isEqualTo(2);
      assertThat(successor.generalEvaluationSet())
          .extracting(line -> line.get("answer").asText())
          .containsExactlyElementsOf(evaluation.stream().map(QaPair::answer).toList());
      assertThat(successor.generalReplaySet()).isEqualTo(next.general().replaySet());
    }
  }

  @Test
  void anAdapterCarriesOverToTheSameShapedSuccessorAndMustBeDistilledIntoTheOther() {
    BaseModel tiny = TinyModel.open();

    Compatibility sameShape = Compatibility.between(tiny, BundledBase.PERENNIAL_TINY_2.open());
    Compatibility otherShape = Compatibility.between(tiny, BundledBase.PERENNIAL_TINY_DEEP.open());

    assertThat(sameShape.carryOver()).isTrue();
    assertThat(otherShape.carryOver()).isFalse();
    assertThat(otherShape.differences())
        .singleElement()
        .asString()
        .contains("architecture")
        .contains("6 layers, hidden 128");
  }

  @Test
  void theSuccessorAnswersChangedFactsWithTheirNewValuesAndPerennialTinyWithTheOld() {
    List<JsonNode> before = TinyModel.generalEvaluationSet();
    List<JsonNode> after = BundledBase.PERENNIAL_TINY_2.generalEvaluationSet();
    List<String> prompts = new ArrayList<>();
    List<String> oldAnswers = new ArrayList<>();
    List<String> newAnswers = new ArrayList<>();
    for (int i = 0; i < before.size() && prompts.size() < 8; i++) {
      if (!before.get(i).get("answer").equals(after.get(i).get("answer"))) {
        prompts.add(after.get(i).get("prompt").asText());
        oldAnswers.add(before.get(i).get("answer").asText());
        newAnswers.add(after.get(i).get("answer").asText());
      }
    }

    double successor = exactMatch(BundledBase.PERENNIAL_TINY_2.open(), prompts, newAnswers);
    double oldOnNew = exactMatch(TinyModel.open(), prompts, newAnswers);
    double oldOnOld = exactMatch(TinyModel.open(), prompts, oldAnswers);

    assertThat(prompts).hasSize(8);
    assertThat(successor).isGreaterThanOrEqualTo(0.75);
    assertThat(oldOnNew).isLessThanOrEqualTo(0.25);
    assertThat(oldOnOld).isGreaterThanOrEqualTo(0.75);
  }

  private static double exactMatch(BaseModel base, List<String> prompts, List<String> answers) {
    try (LanguageModel model = LanguageModel.load(base, Device.cpu())) {
      return ExactMatch.evaluate(model, prompts, answers, Generator.Options.shortAnswers()).rate();
    }
  }
}
