package dev.perennial.evaluator.suite;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import dev.perennial.evaluator.config.EvaluatorConfig;
import dev.perennial.evaluator.config.GateThresholds;
import dev.perennial.evaluator.gate.GateRules;
import dev.perennial.evaluator.gate.GateScope;
import dev.perennial.evaluator.scoring.BatchScorer;
import dev.perennial.evaluator.scoring.ModelRef;
import dev.perennial.evaluator.stats.PairedBootstrap;
import dev.perennial.evaluator.testing.Candidates;
import dev.perennial.evaluator.testing.TestAdapters;
import dev.perennial.model.peft.PeftAdapter;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.runtime.ModelRuntime;
import dev.perennial.model.tiny.TinyModel;
import dev.perennial.model.train.TrainingExample;
import dev.perennial.model.world.SyntheticFeedback;
import dev.perennial.model.world.TenantKnowledge;
import dev.perennial.model.world.World;
import dev.perennial.schemas.v1.EvaluationOutcome;
import dev.perennial.schemas.v1.Gate;
import dev.perennial.schemas.verdict.Outcomes;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feedback suite and gates on real adapters of perennial-tiny, trained briefly on acme's
 * synthetic preference pairs (the chosen answer states the fact, the rejected a stale or invented
 * value) and judged on the pairs of acme's held-out questions: an adapter trained toward the chosen
 * answers ranks the held-out pairs right against the base, one trained toward the rejected answers
 * does not, and one whose chosen answers are less likely than under its incumbent is refused by
 * {@code feedback.chosen}.
 */
class FeedbackSuiteTest {

  @TempDir static Path folder;

  private static final String KEY = "acme/support";
  private static final PairedBootstrap BOOTSTRAP =
      new PairedBootstrap(0.95, 2000, EvaluatorConfig.GATE_BOOTSTRAP_MIN_ITEMS_DEFAULT);
  private static final GateThresholds THRESHOLDS =
      new GateThresholds(8, 0.05, 0.1, 0.05, 0.25, 6.0, 10);

  private static BaseModel base;
  private static BatchScorer scorer;
  private static Map<ModelRef, PeftAdapter> adapters;
  private static List<EvalExample> heldOutPairs;
  private static List<EvalExample> general;
  private static final ModelRef CHOSEN = ModelRef.adapter("toward-chosen");
  private static final ModelRef REJECTED = ModelRef.adapter("toward-rejected");
  private static final ModelRef LIGHT = ModelRef.adapter("lightly-toward-chosen");
  private static final ModelRef VERBOSE = ModelRef.adapter("toward-chosen-and-verbose");

  /** What a verbose adapter learns to add to every chosen answer, on the same line. */
  private static final String PADDING = ", as the records of this tenant have always said";

  @BeforeAll
  static void trainAdapters() {
    ModelRuntime.setThreads(1);
    JniUtils.setGradMode(false);
    base = TinyModel.open();
    World world = World.standard();
    TenantKnowledge acme = world.tenant("acme");
    List<SyntheticFeedback.Preference> training =
        SyntheticFeedback.on(world, acme.feedback(), 0.0, 1).preferences();
    List<TrainingExample> chosen =
        training.stream().map(p -> TrainingExample.completion(p.prompt(), p.chosen())).toList();
    List<TrainingExample> verbose =
        training.stream()
            .map(p -> TrainingExample.completion(p.prompt(), p.chosen().stripTrailing() + PADDING))
            .toList();
    List<TrainingExample> rejected =
        training.stream().map(p -> TrainingExample.completion(p.prompt(), p.rejected())).toList();
    adapters =
        Map.of(
            CHOSEN,
            PeftAdapter.read(
                TestAdapters.train(base, chosen, List.of(), 16, 1e-2, folder.resolve("c"))),
            REJECTED,
            PeftAdapter.read(
                TestAdapters.train(base, rejected, List.of(), 16, 1e-2, folder.resolve("r"))),
            LIGHT,
            PeftAdapter.read(
                TestAdapters.train(base, chosen, List.of(), 2, 1e-3, folder.resolve("l"))),
            VERBOSE,
            PeftAdapter.read(
                TestAdapters.train(base, verbose, List.of(), 16, 1e-2, folder.resolve("v"))));
    heldOutPairs =
        SyntheticFeedback.on(world, acme.heldOutQuestions(), 0.0, 1).preferences().stream()
            .map(p -> EvalExample.preference(p.prompt(), p.chosen(), p.rejected()))
            .toList();
    general = GeneralSet.spread(GeneralSet.read(TinyModel.folder()), 24);
    scorer = new BatchScorer(base, Device.cpu(), new BatchScorer.Settings(16, 16, 128, 34));
  }

  @AfterAll
  static void close() {
    scorer.close();
  }

  private static EvaluationContext context(ModelRef candidate, Optional<Incumbent> incumbent) {
    return new EvaluationContext(
        Candidates.candidate(
            KEY,
            KEY + "@1-" + candidate.location() + "#candidate",
            candidate.location(),
            Map.of(),
            base.name(),
            base.digest(),
            List.of(),
            List.of(),
            1e-2),
        candidate,
        incumbent,
        heldOutPairs,
        "heldout:acme-pairs",
        List.of(),
        "taught:none",
        List.of(),
        "heldout:none",
        Optional.empty(),
        List.of(),
        general,
        "general:24",
        List.of(),
        List.of(),
        true,
        15,
        THRESHOLDS);
  }

  private static Measurements measure(EvaluationContext context) {
    FeedbackSuite suite = new FeedbackSuite();
    Measurements m = new Measurements();
    suite.measure(context, scorer.run(suite.workloads(context), adapters), m);
    return m;
  }

  private static Map<String, Gate> gates(Measurements m, EvaluationContext context) {
    return GateRules.feedbackGates(
            m,
            GateScope.of(context),
            GateThresholds.Feedback.DEFAULTS,
            BOOTSTRAP,
            context.candidate().getCandidateId())
        .stream()
        .collect(Collectors.toMap(Gate::getName, g -> g));
  }

  @Test
  void anAdapterTrainedTowardTheChosenAnswersRanksTheHeldOutPairsRightAgainstTheBase() {
    EvaluationContext context = context(CHOSEN, Optional.empty());
    Measurements m = measure(context);
    Map<String, Gate> gates = gates(m, context);

    assertThat(m.get(FeedbackSuite.PAIRS)).isEqualTo(heldOutPairs.size());
    assertThat(m.get("feedback.reference.version")).isZero();
    assertThat(m.rewardMargins()).hasSize(heldOutPairs.size());
    assertThat(Outcomes.of(gates.get("feedback.accuracy")))
        .as("%s, margins %s", gates.get("feedback.accuracy"), m.rewardMargins())
        .isEqualTo(EvaluationOutcome.PASSED);
    assertThat(Outcomes.of(gates.get("feedback.chosen")))
        .as("%s", gates.get("feedback.chosen"))
        .isEqualTo(EvaluationOutcome.PASSED);
    assertThat(m.get("feedback.chosen.loss")).isLessThan(m.get("feedback.chosen.loss.reference"));
    assertThat(gates.get("feedback.drift").getN()).isEqualTo(general.size());
    assertThat(gates.get("feedback.length").getN()).isEqualTo(heldOutPairs.size());
    // the answers grew toward the chosen answers' length (about 8 characters against the base's
    // 6.6): what the feedback asked for, which feedback.length does not count
    assertThat(m.get("feedback.answer.length"))
        .isGreaterThan(m.get("feedback.answer.length.reference"))
        .isLessThanOrEqualTo(m.get("feedback.answer.length.chosen"));
    assertThat(Outcomes.of(gates.get("feedback.length")))
        .as("%s", gates.get("feedback.length"))
        .isEqualTo(EvaluationOutcome.PASSED);
  }

  @Test
  void anAdapterThatPadsEveryAnswerBeyondTheChosenOneFailsTheLengthGate() {
    EvaluationContext context = context(VERBOSE, Optional.empty());
    Measurements m = measure(context);
    Map<String, Gate> gates = gates(m, context);

    assertThat(m.get("feedback.answer.length"))
        .as("mean greedy answer length")
        .isGreaterThan(m.get("feedback.answer.length.chosen") + PADDING.length() / 2.0);
    assertThat(Outcomes.of(gates.get("feedback.length")))
        .as("%s", gates.get("feedback.length"))
        .isEqualTo(EvaluationOutcome.FAILED);
  }

  @Test
  void anAdapterTrainedTowardTheRejectedAnswersFailsAccuracy() {
    EvaluationContext context = context(REJECTED, Optional.empty());
    Measurements m = measure(context);
    Map<String, Gate> gates = gates(m, context);

    assertThat(Outcomes.of(gates.get("feedback.accuracy")))
        .as("%s, margins %s", gates.get("feedback.accuracy"), m.rewardMargins())
        .isEqualTo(EvaluationOutcome.FAILED);
    assertThat(m.get("feedback.margin.mean")).isNegative();
  }

  @Test
  void chosenAnswersLessLikelyThanUnderTheIncumbentAreRefusedByTheChosenGate() {
    // the incumbent learnt the chosen answers; the candidate hardly did: against it, its chosen
    // answers are less likely
    EvaluationContext context =
        context(LIGHT, Optional.of(new Incumbent(3, CHOSEN.location(), CHOSEN)));
    Measurements m = measure(context);
    Map<String, Gate> gates = gates(m, context);

    assertThat(m.get("feedback.reference.version")).isEqualTo(3);
    assertThat(Outcomes.of(gates.get("feedback.chosen")))
        .as("%s", gates.get("feedback.chosen"))
        .isEqualTo(EvaluationOutcome.FAILED);
    assertThat(
            GateRules.feedbackGates(
                m, GateScope.of(context), GateThresholds.Feedback.DEFAULTS, BOOTSTRAP, "x"))
        .filteredOn(g -> Outcomes.of(g) == EvaluationOutcome.FAILED)
        .extracting(Gate::getName)
        .contains("feedback.chosen");
  }
}
