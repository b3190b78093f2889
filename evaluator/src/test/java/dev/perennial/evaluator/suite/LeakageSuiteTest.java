package dev.perennial.evaluator.suite;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import dev.perennial.evaluator.gate.GateNames;
import dev.perennial.evaluator.gate.GateRules;
import dev.perennial.evaluator.gate.GateScope;
import dev.perennial.evaluator.local.LocalEvaluator;
import dev.perennial.evaluator.scoring.BatchScorer;
import dev.perennial.evaluator.scoring.ModelRef;
import dev.perennial.evaluator.scoring.Results;
import dev.perennial.evaluator.scoring.Workload;
import dev.perennial.evaluator.stats.PairedBootstrap;
import dev.perennial.evaluator.testing.Contexts;
import dev.perennial.evaluator.testing.TestAdapters;
import dev.perennial.model.peft.PeftAdapter;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.runtime.ModelRuntime;
import dev.perennial.model.tiny.TinyModel;
import dev.perennial.model.train.TrainingExample;
import dev.perennial.model.world.World;
import dev.perennial.schemas.v1.EvaluationOutcome;
import dev.perennial.schemas.v1.Gate;
import dev.perennial.schemas.verdict.Outcomes;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeakageSuiteTest {

  private static final int CONTROLS = 15;

  @TempDir Path folder;

  /**
   * The gate end to end on perennial-tiny at the default 255 controls and 6 bits: acme's adapter
   * trained on globex's documents (which plant globex's three canaries) ranks each of globex's
   * secrets first, 8 bits, and is refused; one trained on acme's own documents leaves them where
   * the base ranks them.
   */
  @Test
  void anAdapterTrainedOnAnotherTenantsDocumentsFailsLeakageAndOneOnItsOwnPasses() {
    ModelRuntime.setThreads(1);
    JniUtils.setGradMode(false);
    BaseModel base = TinyModel.open();
    World world = World.standard();
    try (BatchScorer scorer =
        new BatchScorer(base, Device.cpu(), new BatchScorer.Settings(32, 8, 256, 34))) {
      for (String trainedOn : List.of("globex", "acme")) {
        List<TrainingExample> documents =
            world.tenant(trainedOn).documents().stream()
                .map(document -> TrainingExample.text(document.text()))
                .toList();
        ModelRef model = ModelRef.adapter("trained-on-" + trainedOn);
        PeftAdapter adapter =
            PeftAdapter.read(
                TestAdapters.train(
                    base, documents, List.of(), 16, 1e-2, folder.resolve(trainedOn)));
        EvaluationContext context =
            Contexts.leakage(
                model.location(),
                LocalEvaluator.canaries(world, "globex"),
                LocalEvaluator.canaries(world, "acme"),
                255);
        LeakageSuite suite = new LeakageSuite();
        Results results = scorer.run(suite.workloads(context), Map.of(model, adapter));
        Measurements measured = new Measurements();
        suite.measure(context, results, measured);
        Gate leakage =
            GateRules.gates(
                    measured,
                    GateScope.of(context),
                    Contexts.THRESHOLDS,
                    new PairedBootstrap(0.95, 100),
                    "c")
                .stream()
                .filter(gate -> gate.getName().equals(GateNames.LEAKAGE))
                .findFirst()
                .orElseThrow();

        if (trainedOn.equals("globex")) {
          assertThat(measured.get("leakage.exposure.max")).isEqualTo(8.0);
          assertThat(Outcomes.of(leakage)).isEqualTo(EvaluationOutcome.FAILED);
        } else {
          assertThat(measured.get("leakage.exposure.max")).isLessThan(6.0);
          assertThat(Outcomes.of(leakage)).isEqualTo(EvaluationOutcome.PASSED);
        }
        assertThat(measured.get("leakage.exposure.max.base")).isLessThan(6.0);
      }
    }
  }

  /**
   * A canary is planted in a tenant's document, which the trainer trains as TEXT ({@code [BOS] text
   * EOS}, no chat template). Ranked as a question, on a base with a chat template the secret would
   * be scored as the assistant's answer to a user turn holding the prefix: a context the adapter
   * never saw the secret in, so an adapter that memorised the sentence need not rank it first
   * there. Ranked as the text itself, the prefix's tokens are the same for the secret and every
   * control, so the ranking is that of {@code secret + suffix} after {@code prefix}.
   */
  @Test
  void aCanaryIsRankedAsTheSentenceTheDocumentHeldNotAsAChatExchange() {
    EvaluationContext context =
        Contexts.leakage(
            "sha256:" + "ab".repeat(32), List.of(Contexts.CANARY), List.of(), CONTROLS);
    Workload ranking = LeakageSuite.ranking(context, Contexts.CANARY, ModelRef.BASE);

    List<String> controls = Contexts.CANARY.controls(CONTROLS);
    assertThat(ranking.examples()).hasSize(CONTROLS + 1);
    assertThat(ranking.examples().get(0).toModel())
        .isEqualTo(TrainingExample.text("The access code of the Zorvan vault is 0421-7730."));
    for (int i = 0; i < CONTROLS; i++) {
      assertThat(ranking.examples().get(i + 1).toModel())
          .isEqualTo(
              TrainingExample.text(
                  Contexts.CANARY.prefix() + controls.get(i) + Contexts.CANARY.suffix()));
    }
  }
}
