package dev.perennial.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.model.ModelException;
import dev.perennial.model.tokenizer.ByteTokenizer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingPiecesTest {

  private final ByteTokenizer tokenizer = new ByteTokenizer();

  @Test
  void theScheduleWarmsUpLinearlyThenDecaysByCosineToTheFloor() {
    LearningRateSchedule schedule = new LearningRateSchedule(1.0, 10, 110, 0.1);

    assertThat(schedule.at(0)).isEqualTo(0.1);
    assertThat(schedule.at(9)).isEqualTo(1.0);
    assertThat(schedule.at(10)).isEqualTo(1.0);
    assertThat(schedule.at(60)).isCloseTo(0.55, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(schedule.at(110)).isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void completionExamplesCountOnlyTheCompletionAndEndOfSequence() {
    TokenizedExample example =
        TokenizedExample.of(TrainingExample.completion("Q:", " ok"), tokenizer, 64);

    assertThat(example.tokens())
        .containsExactly(ByteTokenizer.BOS, 'Q', ':', ' ', 'o', 'k', ByteTokenizer.EOS);
    assertThat(example.counted()).containsExactly(false, false, false, true, true, true, true);
    assertThat(TokenizedExample.of(TrainingExample.text("Q:"), tokenizer, 64).counted())
        .containsExactly(false, true, true, true);
  }

  @Test
  void longExamplesAreCutAndFlagged() {
    TokenizedExample cut = TokenizedExample.of(TrainingExample.text("abcdefgh"), tokenizer, 5);

    assertThat(cut.tokens()).containsExactly(ByteTokenizer.BOS, 'a', 'b', 'c', 'd');
    assertThat(cut.truncated()).isTrue();
  }

  @Test
  void aCompletionTooLongKeepsItsAnswerAndTheEndOfItsPrompt() {
    // BOS, 21 prompt bytes, " ok", EOS: 26 tokens, cut to 8. Kept from the start, nothing of the
    // answer would be left to learn (or, for a preference pair, to rank)
    TokenizedExample cut =
        TokenizedExample.of(
            TrainingExample.completion("0123456789abcdefghij:", " ok"), tokenizer, 8);

    assertThat(cut.tokens()).containsExactly('h', 'i', 'j', ':', ' ', 'o', 'k', ByteTokenizer.EOS);
    assertThat(cut.counted()).containsExactly(false, false, false, false, true, true, true, true);
    assertThat(cut.truncated()).isTrue();
  }

  @Test
  void aCompletionWhoseAnswerAloneIsTooLongKeepsTheAnswersStart() {
    TokenizedExample cut =
        TokenizedExample.of(TrainingExample.completion("Q:", " abcdefghij"), tokenizer, 5);

    assertThat(cut.tokens()).containsExactly(':', ' ', 'a', 'b', 'c');
    assertThat(cut.counted()).containsExactly(false, true, true, true, true);
    assertThat(cut.truncated()).isTrue();
  }

  @Test
  void batchesPadOnTheRightAndMaskPaddingOutOfLossAndAttention() {
    Batch batch =
        Batch.of(
            List.of(
                TokenizedExample.of(TrainingExample.text("abc"), tokenizer, 64),
                TokenizedExample.of(TrainingExample.text("a"), tokenizer, 64)),
            ByteTokenizer.PAD);

    assertThat(batch.width()).isEqualTo(4);
    assertThat(batch.countedTokens()).isEqualTo(4 + 2);
    assertThat(batch.realTokens()).isEqualTo(4 + 2);
    try (ai.djl.ndarray.NDManager manager =
        ai.djl.ndarray.NDManager.newBaseManager(ai.djl.Device.cpu())) {
      assertThat(batch.weights(manager).toFloatArray()).containsExactly(1, 1, 1, 1, 1, 1, 0, 0);
      assertThat(batch.keyValid(manager).toFloatArray()).containsExactly(1, 1, 1, 1, 1, 1, 0, 0);
      assertThat(batch.targets(manager).toLongArray())
          .containsExactly(
              'a',
              'b',
              'c',
              ByteTokenizer.EOS,
              'a',
              ByteTokenizer.EOS,
              ByteTokenizer.PAD,
              ByteTokenizer.PAD);
    }
  }

  @Test
  void replayFillsItsShareOfEveryBatch() {
    TrainingRecipe recipe = TrainingRecipe.loraDefaults().withBatch(8, 1).withReplayFraction(0.25);
    List<TokenizedExample> fresh =
        List.of(TokenizedExample.of(TrainingExample.text("new"), tokenizer, 16));
    List<TokenizedExample> replay =
        List.of(TokenizedExample.of(TrainingExample.text("old!"), tokenizer, 16));

    ExampleSampler sampler = new ExampleSampler(fresh, replay, recipe, ByteTokenizer.PAD);
    Batch batch = sampler.nextStep().get(0);

    assertThat(sampler.replayPerBatch()).isEqualTo(2);
    assertThat(batch.realTokens()).isEqualTo(6 * 4 + 2 * 5);
  }

  @Test
  void replayTakesAtLeastOneRowWhenAskedForAndNeverTheWholeBatch() {
    TrainingRecipe recipe = TrainingRecipe.loraDefaults().withBatch(8, 1);

    assertThat(recipe.withReplayFraction(0.25).replayRows(100)).isEqualTo(2);
    assertThat(recipe.withReplayFraction(0.25).replayRows(0)).isZero();
    assertThat(recipe.withReplayFraction(0).replayRows(100)).isZero();
    assertThat(recipe.withReplayFraction(0.01).replayRows(100)).isEqualTo(1);
    assertThat(recipe.withReplayFraction(1).replayRows(100)).isEqualTo(7);
  }

  @Test
  void recipesReportEveryProblemAtOnce() {
    assertThatThrownBy(() -> new TrainingRecipe(0, 0, 0, -1, 5, 2, -1, -1, 1, 2, 1, 0))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("steps")
        .hasMessageContaining("batch size")
        .hasMessageContaining("gradient accumulation")
        .hasMessageContaining("learning rate")
        .hasMessageContaining("max sequence length")
        .hasMessageContaining("replay fraction")
        .hasMessageContaining("threads");
  }

  @Test
  void theProgressBarDrawsStepLossRateAndThroughputInPlaceOnATerminal() {
    StringWriter text = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(text), "lora", 1, true);

    bar.onStep(new StepMetrics(5, 10, 1.23456, 2e-3, 0.5, 100, 1000, 2.0));
    bar.onStep(new StepMetrics(10, 10, 0.5, 1e-3, 0.5, 100, 2000, 4.0));

    String drawn = text.toString();
    assertThat(drawn)
        .startsWith("\rlora [===============>")
        .contains("5/10 loss 1.2346 lr 2.0e-03 500 tok/s eta 2 s\rlora [")
        .endsWith("10/10 loss 0.5000 lr 1.0e-03 500 tok/s eta 0 s" + System.lineSeparator());
  }

  @Test
  void theProgressBarShowsHowLongIsLeftAtTheRateSoFar() {
    StringWriter text = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(text), "lora", 1, false);

    bar.onStep(new StepMetrics(40, 200, 1.0, 1e-3, 0.5, 100, 4000, 30.0));

    assertThat(text.toString()).as("160 steps left at 0.75 s a step").contains("eta 120 s");
  }

  @Test
  void theProgressBarWritesALinePerDrawingElsewhere() {
    StringWriter text = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(text), "lora", 5, false);

    for (int step = 1; step <= 10; step++) {
      bar.onStep(new StepMetrics(step, 10, 1.0, 1e-3, 0.5, 100, 1000L * step, step));
    }

    assertThat(text.toString())
        .doesNotContain("\r")
        .isEqualTo(
            "lora [===============>              ] 5/10 loss 1.0000 lr 1.0e-03 1,000 tok/s eta 5 s"
                + System.lineSeparator()
                + "lora [==============================] 10/10 loss 1.0000 lr 1.0e-03 1,000 tok/s eta 0 s"
                + System.lineSeparator());
  }
}
