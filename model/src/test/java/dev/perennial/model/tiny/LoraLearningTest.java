package dev.perennial.model.tiny;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import dev.perennial.model.checkpoint.HostTensor;
import dev.perennial.model.checkpoint.ModelWeights;
import dev.perennial.model.lora.LoraConfig;
import dev.perennial.model.lora.LoraWeights;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.score.ExactMatch;
import dev.perennial.model.score.ExampleScore;
import dev.perennial.model.score.Generator;
import dev.perennial.model.score.Scorer;
import dev.perennial.model.train.ExampleSampler;
import dev.perennial.model.train.StepListener;
import dev.perennial.model.train.TokenizedExample;
import dev.perennial.model.train.TrainingExample;
import dev.perennial.model.train.TrainingLoop;
import dev.perennial.model.train.TrainingRecipe;
import dev.perennial.model.world.Fact;
import dev.perennial.model.world.QaPair;
import dev.perennial.model.world.SampleDocument;
import dev.perennial.model.world.TenantKnowledge;
import dev.perennial.model.world.World;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 4 acceptance: LoRA on a tenant's new facts raises exact-match on them and lowers the loss
 * of held-out renderings, while the frozen base weights stay bit-identical; retention on the
 * general evaluation set is measured alongside.
 */
class LoraLearningTest {

  // 40 steps show what 60 did: every new fact answered (exact match 1/14 -> 14/14 at both),
  // held-out loss 3.15 -> 1.45 (1.47 at 60), general answers 48/48 -> 42/48 (45/48 at 60, the
  // bound is half); 30 steps answered only 10/14 facts
  private static final int STEPS = 40;

  @Test
  void loraLearnsNewFactsWithoutTouchingTheBase() {
    World world = World.standard();
    TenantKnowledge tenant = world.tenant("acme");
    List<TrainingExample> training = new ArrayList<>();
    for (SampleDocument document : tenant.documents()) {
      training.add(TrainingExample.text(document.text()));
    }
    for (QaPair pair : tenant.feedback()) {
      training.add(TrainingExample.completion(pair.prompt(), pair.completion()));
    }
    List<QaPair> factQuestions = new ArrayList<>();
    for (Fact fact : tenant.facts()) {
      factQuestions.add(tenant.feedback().get(3 * tenant.facts().indexOf(fact)));
    }
    List<TrainingExample> heldOut = new ArrayList<>();
    tenant
        .heldOutQuestions()
        .forEach(q -> heldOut.add(TrainingExample.completion(q.prompt(), q.completion())));
    tenant.heldOutTexts().forEach(t -> heldOut.add(TrainingExample.text(t)));
    List<QaPair> general = world.general().evaluationSet().subList(0, 48);

    BaseModel base = TinyModel.open();
    TrainingRecipe recipe =
        new TrainingRecipe(STEPS, 16, 1, 3e-3, 8, 0.1, 0.0, 1.0, 256, 0.25, 42, 1);
    LoraWeights fresh = LoraWeights.initialize(base.config(), LoraConfig.defaults(), recipe.seed());
    try (LanguageModel model = LanguageModel.load(base, Device.cpu(), fresh, true)) {
      Map<String, HostTensor> baseBefore = ModelWeights.read(model.decoder());
      double factsBefore = exactMatch(model, factQuestions);
      double generalBefore = exactMatch(model, general);
      double heldOutBefore = ExampleScore.meanLoss(Scorer.score(model, heldOut, 16, 256));

      List<TokenizedExample> replay = new ArrayList<>();
      for (String text : world.general().replaySet()) {
        replay.add(TokenizedExample.of(TrainingExample.text(text), model.tokenizer(), 256));
      }
      List<TokenizedExample> examples = new ArrayList<>();
      training.forEach(e -> examples.add(TokenizedExample.of(e, model.tokenizer(), 256)));
      TrainingLoop.run(
          model,
          new ExampleSampler(examples, replay, recipe, model.tokenizer().padId()),
          recipe,
          StepListener.NONE);

      double factsAfter = exactMatch(model, factQuestions);
      double generalAfter = exactMatch(model, general);
      double heldOutAfter = ExampleScore.meanLoss(Scorer.score(model, heldOut, 16, 256));

      assertThat(ModelWeights.read(model.decoder()))
          .as("frozen base weights")
          .isEqualTo(baseBefore);
      assertThat(factsBefore).isLessThan(0.3);
      assertThat(factsAfter).isGreaterThan(factsBefore + 0.5);
      assertThat(heldOutAfter).isLessThan(heldOutBefore - 0.2);
      // retention is measured, not promised: replay keeps most general knowledge
      assertThat(generalBefore).isGreaterThan(0.4);
      assertThat(generalAfter).isGreaterThan(generalBefore / 2);
    }
  }

  private static double exactMatch(LanguageModel model, List<QaPair> questions) {
    return ExactMatch.evaluate(
            model,
            questions.stream().map(QaPair::prompt).toList(),
            questions.stream().map(QaPair::answer).toList(),
            Generator.Options.shortAnswers())
        .rate();
  }
}
