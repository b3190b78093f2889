package dev.perennial.model.score;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.model.TestModels;
import dev.perennial.model.checkpoint.HostTensor;
import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.tokenizer.ByteTokenizer;
import dev.perennial.model.train.TrainingExample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GeneratorTest {

  private final LlamaConfig config = TestModels.tinyLlama(false);
  private final Map<String, HostTensor> weights = TestModels.randomWeights(config, 31);

  @Test
  void greedyDecodingWithTheCacheEqualsRecomputingTheWholeSequenceEachStep() {
    List<String> prompts = List.of("ab", "a much longer prompt", "xyz?");
    try (LanguageModel model = TestModels.model(config, weights, null)) {
      List<String> cached = Generator.greedy(model, prompts, new Generator.Options(8, false, 4));
      for (int p = 0; p < prompts.size(); p++) {
        assertThat(cached.get(p)).isEqualTo(recomputed(model, prompts.get(p), 8));
      }
    }
  }

  @Test
  void aPromptLongerThanThePositionsLeaveKeepsItsEndInsteadOfFailing() {
    String tail = " and so the answer to the question is";
    // both keep the same last 120 tokens: 83 of the x's and the tail
    String longer = "a".repeat(60) + "x".repeat(150) + tail;
    String otherStart = "b".repeat(40) + "x".repeat(150) + tail;
    try (LanguageModel model = TestModels.model(config, weights, null)) {
      List<String> answers =
          Generator.greedy(model, List.of(longer, otherStart), new Generator.Options(8, false, 2));

      assertThat(config.maxPositionEmbeddings()).isLessThan(longer.length());
      assertThat(answers.get(0)).as("the same end, other beginnings").isEqualTo(answers.get(1));
      assertThat(answers.get(0)).isEqualTo(recomputedTail(model, longer, 128 - 8, 8));
    }
  }

  @Test
  void scoresCountOnlyCompletionTokensOfPromptCompletionExamples() {
    try (LanguageModel model = TestModels.model(config, weights, null)) {
      List<ExampleScore> scores =
          Scorer.score(
              model,
              List.of(
                  TrainingExample.completion("Question: x?\nAnswer:", " yes"),
                  TrainingExample.text("yes")),
              2,
              64);

      assertThat(scores.get(0).tokens()).isEqualTo(4 + 1); // " yes" and <eos>
      assertThat(scores.get(1).tokens()).isEqualTo(3 + 1);
      assertThat(scores.get(0).perplexity()).isGreaterThan(1.0);
      assertThat(scores.get(0).logLikelihood()).isNegative();
    }
  }

  /** Greedy continuation by running the full sequence through the model for every new token. */
  private static String recomputed(LanguageModel model, String prompt, int steps) {
    return recomputedTail(model, prompt, Integer.MAX_VALUE, steps);
  }

  /** As {@link #recomputed}, from the last {@code keep} tokens of the encoded prompt. */
  private static String recomputedTail(LanguageModel model, String prompt, int keep, int steps) {
    ByteTokenizer tokenizer = new ByteTokenizer();
    List<Long> encoded = new ArrayList<>();
    encoded.add((long) ByteTokenizer.BOS);
    for (int id : tokenizer.encode(prompt)) {
      encoded.add((long) id);
    }
    List<Long> ids =
        new ArrayList<>(encoded.subList(Math.max(0, encoded.size() - keep), encoded.size()));
    List<Integer> generated = new ArrayList<>();
    int vocab = model.config().vocabSize();
    for (int s = 0; s < steps; s++) {
      long[][] row = {ids.stream().mapToLong(Long::longValue).toArray()};
      float[] logits = TestModels.logits(model, row);
      int best = 0;
      int base = (ids.size() - 1) * vocab;
      for (int v = 1; v < vocab; v++) {
        if (logits[base + v] > logits[base + best]) {
          best = v;
        }
      }
      if (best == ByteTokenizer.EOS) {
        break;
      }
      generated.add(best);
      ids.add((long) best);
    }
    return tokenizer.decode(generated.stream().mapToInt(Integer::intValue).toArray());
  }
}
