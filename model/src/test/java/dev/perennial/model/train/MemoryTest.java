package dev.perennial.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.model.TestModels;
import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.lora.LoraConfig;
import dev.perennial.model.lora.LoraWeights;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.tokenizer.ByteTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Memory is released per batch: 1,000 training steps grow neither live arrays nor the process. */
class MemoryTest {

  @Test
  void aThousandTrainingStepsLeaveNoArraysBehindAndKeepTheProcessSize() {
    LlamaConfig config = LlamaConfig.llama(ByteTokenizer.VOCAB_SIZE, 16, 32, 1, 2, 1, 64, true);
    LoraWeights lora = LoraWeights.initialize(config, LoraConfig.defaults(), 3);
    ByteTokenizer tokenizer = new ByteTokenizer();
    List<TokenizedExample> examples = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      examples.add(
          TokenizedExample.of(
              TrainingExample.completion("q" + i + ":", " answer " + "x".repeat(i)),
              tokenizer,
              32));
    }
    TrainingRecipe recipe = new TrainingRecipe(1000, 4, 1, 1e-3, 10, 0.1, 0.01, 1.0, 32, 0, 1, 1);
    try (LanguageModel model = TestModels.trainable(config, tokenizer, lora, "memory")) {
      ExampleSampler sampler = new ExampleSampler(examples, List.of(), recipe, tokenizer.padId());
      int arraysBefore = model.liveArrayCount();
      Set<Integer> arraysBetweenSteps = new TreeSet<>();
      long[] resident = new long[2];
      TrainingLoop.run(
          model,
          sampler,
          recipe,
          metrics -> {
            arraysBetweenSteps.add(model.liveArrayCount());
            // after 100 steps allocators and caches are warm
            if (metrics.step() == 100) {
              resident[0] = residentKilobytes();
            }
            if (metrics.step() == 1000) {
              resident[1] = residentKilobytes();
            }
          });

      // the optimizer's two moments per trainable tensor are the only arrays added during training
      assertThat(arraysBetweenSteps)
          .containsExactly(arraysBefore + 2 * model.trainableParameters().size());
      assertThat(model.liveArrayCount()).isEqualTo(arraysBefore);
      assertThat(resident[1] - resident[0])
          .as("resident set growth over 900 steps, KiB")
          .isLessThan(64 * 1024);
    }
  }

  /**
   * The resident set. Surefire runs this module with a fixed, pre-touched heap (see the pom), so
   * growth is native memory (tensors, engine), not the Java heap spreading into new pages.
   */
  private static long residentKilobytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D+", ""));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }
}
