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
    ByteTokenizer tokenizer = new ByteTokenizer();
    List<Long> ids = new ArrayList<>();
    ids.add((long) ByteTokenizer.BOS);
    for (int id : tokenizer.encode(prompt)) {
      ids.add((long) id);
    }
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
