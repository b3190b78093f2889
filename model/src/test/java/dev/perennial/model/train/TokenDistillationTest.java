package dev.perennial.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.perennial.model.ModelException;
import dev.perennial.model.TestBases;
import dev.perennial.model.TestModels;
import dev.perennial.model.llama.TargetModule;
import dev.perennial.model.lora.LoraConfig;
import dev.perennial.model.peft.PeftAdapter;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.runtime.EngineArrays;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.runtime.ModelRuntime;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token-level distillation: the KL term by hand, and a student that moves to its teacher. */
class TokenDistillationTest {

  @TempDir Path folder;

  private final List<TrainingExample> examples =
      List.of(
          TrainingExample.completion("Question: What color is the Zix lamp?\nAnswer:", " teal"),
          TrainingExample.completion("Question: Where is the Zix lamp made?\nAnswer:", " Quorn"),
          TrainingExample.text("The Zix lamp is teal. It is made in Quorn."));
  private final List<TrainingExample> other =
      List.of(TrainingExample.text("Old news stays known. The Zix lamp is on the shelf."));
  private final LoraConfig lora =
      new LoraConfig(4, 8, 0.0, EnumSet.of(TargetModule.Q, TargetModule.V, TargetModule.UP));
  private final TrainingRecipe recipe =
      new TrainingRecipe(12, 4, 1, 5e-3, 3, 0.1, 0.01, 1.0, 64, 0.25, 77, 1);

  @Test
  void theKlTermIsTheTeachersDivergenceFromTheStudentWeightedPerPosition() {
    try (NDManager manager = ModelRuntime.engine().newBaseManager()) {
      // teacher 0.5 / 0.5; student 0.75 / 0.25: KL = 0.5 ln(0.5/0.75) + 0.5 ln(0.5/0.25)
      NDArray teacher = EngineArrays.of(manager, new float[] {0, 0, 1, 2}, new Shape(1, 2, 2));
      NDArray student =
          EngineArrays.of(manager, new float[] {(float) Math.log(3), 0, 1, 2}, new Shape(1, 2, 2));
      NDArray weights = EngineArrays.of(manager, new float[] {2, 5}, new Shape(1, 2));

      double divergence = CausalLmLoss.weightedKl(student, teacher, weights).getFloat();

      assertThat(divergence).isCloseTo(2 * 0.5 * Math.log(4.0 / 3.0), within(1e-6));
      assertThat(CausalLmLoss.weightedKl(teacher, teacher, weights).getFloat())
          .isCloseTo(0f, within(1e-7f));
    }
  }

  @Test
  void focalDistillationWeighsARowTheTeacherGetsRightAlphaPlusBetaAndAWrongOneAlpha() {
    try (NDManager manager = ModelRuntime.engine().newBaseManager()) {
      // rows x positions x vocabulary 3 x 2 x 3; the teacher's argmax per position:
      // row 0: 0, 2 (targets 0, 2: right); row 1: 1, 0 (targets 1, 2: wrong at position 1);
      // row 2: 2, 1 (targets 0, 1, position 0 not counted: right; a replay row, never taught)
      float[] teacher = {3, 1, 0, 0, 1, 2, 0, 2, 1, 2, 0, 1, 0, 0, 1, 1, 2, 0};
      float[] student = {1, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 2, 0, 1, 0, 1, 0};
      long[] targets = {0, 2, 1, 2, 0, 1};
      float[] weights = {1, 1, 1, 1, 0, 1};
      Shape logits = new Shape(3, 2, 3);
      NDArray teacherLogits = EngineArrays.of(manager, teacher, logits);
      NDArray studentLogits = EngineArrays.of(manager, student, logits);
      NDArray targetArray = EngineArrays.of(manager, targets, new Shape(3, 2));
      NDArray weightArray = EngineArrays.of(manager, weights, new Shape(3, 2));
      TrainingLoop.Teacher focal = new TrainingLoop.Teacher(null, 0.3, 1.5, 2);

      float[] rowWeights =
          focal.rowWeights(teacherLogits, targetArray, weightArray, manager).toFloatArray();
      double loss =
          TrainingLoop.summedLoss(
                  studentLogits, teacherLogits, targetArray, weightArray, focal, manager)
              .getFloat();

      assertThat(rowWeights).containsExactly(new float[] {1.8f, 0.3f, 1.8f}, within(1e-6f));
      double expected = 0;
      for (int r = 0; r < 3; r++) {
        for (int p = 0; p < 2; p++) {
          int at = r * 2 + p;
          double[] s = logSoftmax(student, at * 3);
          double[] t = logSoftmax(teacher, at * 3);
          double kl = 0;
          for (int v = 0; v < 3; v++) {
            kl += Math.exp(t[v]) * (t[v] - s[v]);
          }
          double rowWeight = r == 0 ? 1.8 : r == 1 ? 0.3 : 0;
          expected += weights[at] * (-s[(int) targets[at]] + rowWeight * kl);
        }
      }
      assertThat(loss).isCloseTo(expected, within(1e-5));
      // without the bonus every taught row weighs the KL weight: plain token-level distillation
      double plain =
          TrainingLoop.summedLoss(
                  studentLogits,
                  teacherLogits,
                  targetArray,
                  weightArray,
                  new TrainingLoop.Teacher(null, 0.3, 0, 2),
                  manager)
              .getFloat();
      assertThat(plain).isLessThan(loss);
    }
  }

  private static double[] logSoftmax(float[] logits, int from) {
    double max = Math.max(logits[from], Math.max(logits[from + 1], logits[from + 2]));
    double sum = 0;
    for (int v = 0; v < 3; v++) {
      sum += Math.exp(logits[from + v] - max);
    }
    double[] out = new double[3];
    for (int v = 0; v < 3; v++) {
      out[v] = logits[from + v] - max - Math.log(sum);
    }
    return out;
  }

  @Test
  void aStudentTrainedWithTheTeachersKlEndsCloserToTheTeacherThanOneTrainedWithout() {
    BaseModel base = TestBases.write(folder.resolve("base"), TestModels.tinyLlama(true), 5);
    LoraTrainer.run(
        LoraTrainingRequest.fresh(
            base, examples, List.of(), lora, recipe, folder.resolve("teacher")),
        StepListener.NONE);
    PeftAdapter teacher = PeftAdapter.read(folder.resolve("teacher"));

    // both students learn other text; one also matches the teacher's distributions on it
    LoraTrainer.run(
        LoraTrainingRequest.fresh(base, other, List.of(), lora, recipe, folder.resolve("plain")),
        StepListener.NONE);
    LoraTrainer.run(
        LoraTrainingRequest.fresh(base, other, List.of(), lora, recipe, folder.resolve("kl"))
            .distilledFrom(new TokenDistillation(base, teacher, 1.0)),
        StepListener.NONE);

    double plain = divergence(base, teacher, PeftAdapter.read(folder.resolve("plain")));
    double distilled = divergence(base, teacher, PeftAdapter.read(folder.resolve("kl")));
    assertThat(distilled).isLessThan(plain * 0.8);
    assertThatThrownBy(() -> new TokenDistillation(base, teacher, 0))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("weight above 0");
  }

  /** The teacher's KL divergence from the student over the other text's positions. */
  private double divergence(BaseModel base, PeftAdapter teacher, PeftAdapter student) {
    List<TokenizedExample> rows =
        other.stream()
            .map(e -> TokenizedExample.of(e, base.tokenizer(), recipe.maxSequenceLength()))
            .toList();
    Batch batch = Batch.of(rows, base.tokenizer().padId());
    try (LanguageModel t = LanguageModel.loadAdapter(base, Device.cpu(), teacher, false);
        LanguageModel s = LanguageModel.loadAdapter(base, Device.cpu(), student, false);
        NDManager pass = s.manager().newSubManager();
        ModelRuntime.GradMode off = ModelRuntime.gradModeOff()) {
      return CausalLmLoss.weightedKl(
              batch.logits(s, pass, null, false),
              batch.logits(t, pass, null, false),
              batch.weights(pass))
          .getFloat();
    }
  }
}
