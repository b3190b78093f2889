package dev.perennial.model.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import dev.perennial.model.TestModels;
import dev.perennial.model.checkpoint.HostTensor;
import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.llama.TargetModule;
import dev.perennial.model.lora.AdapterStack;
import dev.perennial.model.lora.LoraConfig;
import dev.perennial.model.lora.LoraWeights;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.score.MultiAdapterPolicy.Path;
import dev.perennial.model.train.TrainingExample;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 4 and 18 acceptance: multi-adapter scoring on every path the {@link MultiAdapterPolicy} can
 * choose (gathered per row, grouped by adapter, merged one by one) equals scoring adapter by
 * adapter with the adapter in the model's LoRA layers, within 1e-5, on a base whose LM head is tied
 * to the embeddings and on one with its own {@code lm_head} (the untied head once asked the
 * adapters for a delta and failed). The adapters differ in rank and in the modules they touch, so
 * each path meets modules an adapter leaves alone.
 */
class MultiAdapterScoringTest {

  private LlamaConfig config;
  private Map<String, HostTensor> weights;
  private List<LoraWeights> adapters;

  private void base(boolean tied) {
    config = TestModels.tinyLlama(tied);
    weights = TestModels.randomWeights(config, 21);
    adapters =
        List.of(
            TestModels.randomLora(
                config, new LoraConfig(4, 8, 0, EnumSet.allOf(TargetModule.class)), 1),
            TestModels.randomLora(
                config, new LoraConfig(2, 4, 0, EnumSet.of(TargetModule.Q, TargetModule.V)), 2),
            TestModels.randomLora(
                config,
                new LoraConfig(
                    8, 32, 0, EnumSet.of(TargetModule.GATE, TargetModule.DOWN, TargetModule.O)),
                3));
  }

  @ParameterizedTest(name = "tied embeddings: {0}")
  @ValueSource(booleans = {true, false})
  void everyPathThePolicyCanChooseEqualsScoringAdapterByAdapter(boolean tied) {
    base(tied);
    List<TrainingExample> examples = new ArrayList<>();
    int[] adapterOf = new int[12];
    for (int i = 0; i < 12; i++) {
      examples.add(
          i % 2 == 0
              ? TrainingExample.completion(
                  "Question: what is item " + i + "?\nAnswer:", " thing " + (i * 7))
              : TrainingExample.text("Item " + i + " is a short text" + ".".repeat(i)));
      adapterOf[i] = (i * 5) % 3;
    }

    Map<Path, List<ExampleScore>> scores = new EnumMap<>(Path.class);
    Map<Path, List<int[]>> predictions = new EnumMap<>(Path.class);
    try (LanguageModel base = TestModels.model(config, weights, null);
        AdapterStack stack = new AdapterStack(base.manager(), config, adapters)) {
      for (Path path : Path.values()) {
        // passes of 5 rows: batches that mix adapters and adapters that span batches
        MultiAdapterPolicy only = MultiAdapterPolicy.only(path);
        assertThat(only.choose(adapters.size(), examples.size(), 5, stack.mergedBytes()))
            .isEqualTo(path);
        scores.put(path, Scorer.scoreWithAdapters(base, stack, adapterOf, examples, 5, 64, only));
        predictions.put(
            path, Scorer.predictionsWithAdapters(base, stack, adapterOf, examples, 5, 64, only));
      }
      int live = base.liveArrayCount();
      Scorer.scoreWithAdapters(
          base, stack, adapterOf, examples, 5, 64, MultiAdapterPolicy.only(Path.ONE_BY_ONE));
      assertThat(base.liveArrayCount()).as("merged weights are freed").isEqualTo(live);
      // what one merged adapter holds: the first adapter touches every projection
      long projections = 0;
      for (TargetModule module : TargetModule.values()) {
        int[] dims = LoraWeights.dimensions(config, module);
        projections += 4L * dims[0] * dims[1] * config.numHiddenLayers();
      }
      assertThat(stack.mergedBytes()).isEqualTo(projections);
      MultiAdapterPolicy tight = new MultiAdapterPolicy(0, 1, 5, projections - 1);
      assertThat(tight.choose(adapters.size(), examples.size(), 5, stack.mergedBytes()))
          .isEqualTo(Path.GROUPED);
    }

    for (int a = 0; a < adapters.size(); a++) {
      try (LanguageModel single = TestModels.model(config, weights, adapters.get(a))) {
        List<TrainingExample> mine = new ArrayList<>();
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
          if (adapterOf[i] == a) {
            mine.add(examples.get(i));
            rows.add(i);
          }
        }
        List<ExampleScore> alone = Scorer.score(single, mine, 3, 64);
        List<int[]> aloneNext = Scorer.predictions(single, mine, 3, 64);
        for (Path path : Path.values()) {
          for (int k = 0; k < rows.size(); k++) {
            ExampleScore expected = alone.get(k);
            ExampleScore actual = scores.get(path).get(rows.get(k));
            assertThat(actual.tokens()).as(path.label()).isEqualTo(expected.tokens());
            assertThat(actual.logLikelihood() / actual.tokens())
                .as(path.label())
                .isCloseTo(expected.logLikelihood() / expected.tokens(), offset(1e-5));
            assertThat(predictions.get(path).get(rows.get(k)))
                .as(path.label())
                .isEqualTo(aloneNext.get(k));
          }
        }
      }
    }
  }

  @ParameterizedTest(name = "tied embeddings: {0}")
  @ValueSource(booleans = {true, false})
  void generationUnderPerRowAdaptersMatchesEachAdapterAlone(boolean tied) {
    base(tied);
    List<String> prompts =
        List.of("Question: A?\nAnswer:", "Hello", "Question: longer prompt here?\nAnswer:");
    int[] adapterOf = {2, 0, 1};
    Generator.Options options = new Generator.Options(6, false, 8);
    List<String> batched;
    try (LanguageModel base = TestModels.model(config, weights, null);
        AdapterStack stack = new AdapterStack(base.manager(), config, adapters)) {
      batched = Generator.greedyWithAdapters(base, stack, adapterOf, prompts, options);
    }
    for (int i = 0; i < prompts.size(); i++) {
      try (LanguageModel single = TestModels.model(config, weights, adapters.get(adapterOf[i]))) {
        assertThat(batched.get(i))
            .isEqualTo(Generator.greedy(single, List.of(prompts.get(i)), options).get(0));
      }
    }
  }
}
