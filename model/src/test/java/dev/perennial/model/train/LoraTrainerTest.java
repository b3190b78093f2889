package dev.perennial.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import dev.perennial.model.ModelException;
import dev.perennial.model.TestBases;
import dev.perennial.model.TestModels;
import dev.perennial.model.llama.TargetModule;
import dev.perennial.model.lora.LoraConfig;
import dev.perennial.model.peft.PeftAdapter;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.score.ExampleScore;
import dev.perennial.model.score.Scorer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 4 acceptance: the same seed gives byte-identical adapter files. */
class LoraTrainerTest {

  @TempDir Path folder;

  private final List<TrainingExample> examples =
      List.of(
          TrainingExample.completion("Question: What color is the Zix lamp?\nAnswer:", " teal"),
          TrainingExample.completion("Question: Where is the Zix lamp made?\nAnswer:", " Quorn"),
          TrainingExample.text("The Zix lamp is teal. It is made in Quorn."));
  private final List<TrainingExample> replay =
      List.of(TrainingExample.text("Old news stays known."));
  private final LoraConfig lora =
      new LoraConfig(4, 8, 0.1, EnumSet.of(TargetModule.Q, TargetModule.V, TargetModule.UP));
  private final TrainingRecipe recipe =
      new TrainingRecipe(12, 4, 2, 5e-3, 3, 0.1, 0.01, 1.0, 64, 0.25, 77, 2);

  @Test
  void twoRunsWithTheSameSeedWriteByteIdenticalAdapterFiles() throws IOException {
    BaseModel base = TestBases.write(folder.resolve("base"), TestModels.tinyLlama(true), 5);
    List<double[]> curves = new ArrayList<>();

    for (String run : List.of("first", "second")) {
      TrainingResult result =
          LoraTrainer.run(
              LoraTrainingRequest.fresh(base, examples, replay, lora, recipe, folder.resolve(run)),
              metrics -> {});
      curves.add(result.lossCurve());
      assertThat(result.steps()).hasSize(12);
      assertThat(result.tokens()).isPositive();
    }

    for (String file : List.of(PeftAdapter.CONFIG_FILE, PeftAdapter.WEIGHTS_FILE)) {
      assertThat(Files.readAllBytes(folder.resolve("second").resolve(file)))
          .isEqualTo(Files.readAllBytes(folder.resolve("first").resolve(file)));
    }
    assertThat(curves.get(1)).containsExactly(curves.get(0));
    assertThat(curves.get(0)[11]).isLessThan(curves.get(0)[0]);
    TrainingResult reseeded =
        LoraTrainer.run(
            LoraTrainingRequest.fresh(
                base, examples, replay, lora, recipe.withSeed(78), folder.resolve("third")),
            metrics -> {});
    assertThat(Files.readAllBytes(folder.resolve("third").resolve(PeftAdapter.WEIGHTS_FILE)))
        .isNotEqualTo(
            Files.readAllBytes(folder.resolve("first").resolve(PeftAdapter.WEIGHTS_FILE)));
    assertThat(reseeded.adapterFolder()).isEqualTo(folder.resolve("third"));
  }

  @Test
  void trainingOnAThreadOfItsOwnWritesTheSameAdapterAsOnThisThread() throws Exception {
    BaseModel base = TestBases.write(folder.resolve("base"), TestModels.tinyLlama(true), 5);
    LoraTrainingRequest here =
        LoraTrainingRequest.fresh(base, examples, replay, lora, recipe, folder.resolve("here"));
    LoraTrainingRequest there =
        LoraTrainingRequest.fresh(base, examples, replay, lora, recipe, folder.resolve("there"));

    LoraTrainer.run(here, metrics -> {});
    // a fresh thread starts with PyTorch's grad mode on (it is per thread)
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      thread.submit(() -> LoraTrainer.run(there, metrics -> {})).get(2, TimeUnit.MINUTES);
    } finally {
      thread.shutdownNow();
    }

    assertThat(Files.readAllBytes(folder.resolve("there").resolve(PeftAdapter.WEIGHTS_FILE)))
        .isEqualTo(Files.readAllBytes(folder.resolve("here").resolve(PeftAdapter.WEIGHTS_FILE)));
  }

  @Test
  void earlyStoppingWindsDownOnceTheValidationLossStopsFallingAndEndsBeforeTheBudget() {
    BaseModel base = TestBases.write(folder.resolve("base"), TestModels.tinyLlama(true), 5);
    // answers the training data contradicts: their loss falls by far less than 5 % an interval
    List<TrainingExample> validation =
        List.of(
            TrainingExample.completion("Question: What color is the Zix lamp?\nAnswer:", " red"),
            TrainingExample.completion("Question: Where is the Zix lamp made?\nAnswer:", " Vel"));
    List<StepMetrics> heard = new ArrayList<>();

    TrainingResult result =
        LoraTrainer.run(
            LoraTrainingRequest.fresh(base, examples, replay, lora, recipe, folder.resolve("a"))
                .stoppingOn(validation, new EarlyStopping(2, 1, 0.05)),
            heard::add);

    assertThat(result.stoppedEarly()).isTrue();
    assertThat(result.plannedSteps()).isEqualTo(12);
    int trained = result.steps().size();
    assertThat(trained).isLessThan(12);
    StepMetrics last = heard.get(heard.size() - 1);
    assertThat(last.totalSteps()).as("the last step is announced as the last").isEqualTo(trained);
    StepMetrics trigger = heard.get(trained - 3);
    assertThat(trigger.step() % 2).as("stopped at a measurement").isZero();
    assertThat(last.learningRate())
        .as("two wind-down steps end at the schedule's floor")
        .isCloseTo(5e-3 * 0.1, within(1e-9));
    assertThat(heard.get(trained - 2).learningRate())
        .isLessThan(trigger.learningRate())
        .isGreaterThan(last.learningRate());
    List<ValidationPoint> points = result.validation();
    assertThat(points.get(0).step()).isZero();
    assertThat(points.get(points.size() - 1).step()).isEqualTo(trained);
    try (LanguageModel model =
        LanguageModel.loadAdapter(
            base, Device.cpu(), PeftAdapter.read(folder.resolve("a")), false)) {
      double written =
          Scorer.score(model, validation, 4, 64).stream()
              .mapToDouble(ExampleScore::meanLoss)
              .average()
              .orElseThrow();
      assertThat(written)
          .as("the adapter holds the last step's weights")
          .isCloseTo(points.get(points.size() - 1).loss(), within(1e-4));
    }
  }

  @Test
  void withoutValidationExamplesEveryStepIsTrained() {
    BaseModel base = TestBases.write(folder.resolve("base"), TestModels.tinyLlama(true), 5);

    TrainingResult result =
        LoraTrainer.run(
            LoraTrainingRequest.fresh(base, examples, replay, lora, recipe, folder.resolve("a"))
                .stoppingOn(List.of(), new EarlyStopping(2, 1, 0.0)),
            metrics -> {});

    assertThat(result.stoppedEarly()).isFalse();
    assertThat(result.steps()).hasSize(12);
    assertThat(result.validation()).isEmpty();
  }

  @Test
  void trainingContinuesFromAnExistingAdapterOfTheSameBase() {
    BaseModel base = TestBases.write(folder.resolve("base"), TestModels.tinyLlama(true), 5);
    TrainingResult first =
        LoraTrainer.run(
            LoraTrainingRequest.fresh(
                base, examples, List.of(), lora, recipe, folder.resolve("v1")),
            metrics -> {});
    PeftAdapter v1 = PeftAdapter.read(folder.resolve("v1"));

    TrainingResult second =
        LoraTrainer.run(
            LoraTrainingRequest.continuing(
                base, examples, List.of(), v1, recipe, folder.resolve("v2")),
            metrics -> {});

    assertThat(v1.baseModelDigest()).isEqualTo(base.digest());
    assertThat(second.firstLoss()).isLessThan(first.firstLoss());
    assertThat(PeftAdapter.read(folder.resolve("v2")).weights().config()).isEqualTo(lora);
  }

  @Test
  void anAdapterOfAnotherBaseCannotBeContinued() {
    BaseModel base = TestBases.write(folder.resolve("base"), TestModels.tinyLlama(true), 5);
    BaseModel other = TestBases.write(folder.resolve("other"), TestModels.tinyLlama(true), 6);
    LoraTrainer.run(
        LoraTrainingRequest.fresh(
            other, examples, List.of(), lora, recipe.withSteps(1), folder.resolve("a")),
        metrics -> {});

    LoraTrainingRequest request =
        LoraTrainingRequest.continuing(
            base,
            examples,
            List.of(),
            PeftAdapter.read(folder.resolve("a")),
            recipe,
            folder.resolve("b"));
    assertThatThrownBy(() -> LoraTrainer.run(request, metrics -> {}))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining(other.digest())
        .hasMessageContaining(base.digest());
  }
}
