package dev.perennial.cli.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.cli.bench.faults.FaultHarness;
import dev.perennial.core.files.Folders;
import dev.perennial.evaluator.config.EvaluatorConfig;
import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.tokenizer.ByteTokenizer;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.testing.TestBase;
import dev.perennial.trainer.testing.TestConfigs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 17, finding 9: the fault harness's short schedule in the build. A broker process, the
 * registry and every stage as its own {@code perennial} process (three workers); each stage is
 * SIGKILLed once at a busy moment (the worker, evaluator and publisher inside their transaction
 * windows), the broker once while a worker trains, and the third worker leaves and comes back (3 ->
 * 2 -> 3); then every input offset has exactly one example or rejection, each job at most one
 * candidate, each candidate one verdict, versions are 1..n, the release area and releases.v1 agree,
 * and {@code releases verify} passes. {@code -Dperennial.faults.seed=N} replays a seed; the longer
 * schedule is {@code perennial bench faults}.
 */
class FaultHarnessIT {

  private static final Logger log = LoggerFactory.getLogger(FaultHarnessIT.class);

  @TempDir Path folder;

  /** The trainer's tiny test base and recipe, and small suites on it (as RegistryOutageIT's). */
  private Map<String, String> testBase() {
    Map<String, String> values = new HashMap<>();
    TestConfigs.tinyRecipe(folder).entrySet().stream()
        .filter(entry -> entry.getKey().startsWith("perennial.trainer."))
        .forEach(entry -> values.put(entry.getKey(), entry.getValue()));
    values.remove(TrainerConfig.WORKER_WORK_DIR_CONFIG);
    // 256 positions, not the test base's 128, so that the evaluator's greedy answers (66 new
    // tokens) follow whole prompts (with 128, a 64-byte prompt keeps only its end)
    Path base =
        TestBase.write(
            folder.resolve("base-256"),
            LlamaConfig.llama(ByteTokenizer.VOCAB_SIZE, 32, 64, 2, 4, 2, 256, true)
                .withSpecialTokens(ByteTokenizer.BOS, ByteTokenizer.EOS),
            7);
    values.put(TrainerConfig.BASE_MODEL_PATH_CONFIG, base.toString());
    // long enough (a few seconds) that a kill while training finds a job in training
    values.put(TrainerConfig.RECIPE_EPOCHS_CONFIG, "1000");
    values.put(TrainerConfig.RECIPE_MAX_STEPS_CONFIG, "40");
    values.put(TrainerConfig.WORKER_PROGRESS_EVERY_STEPS_CONFIG, "1");
    values.put(
        EvaluatorConfig.BASE_MODEL_PATH_CONFIG, values.get(TrainerConfig.BASE_MODEL_PATH_CONFIG));
    values.put(
        EvaluatorConfig.BASE_MODEL_NAME_CONFIG, values.get(TrainerConfig.BASE_MODEL_NAME_CONFIG));
    values.put(EvaluatorConfig.THREADS_CONFIG, "1");
    return values;
  }

  /** Each line the harness prints, logged as it comes, and kept for assertion messages. */
  private static final class LoggingWriter extends Writer {
    private final StringWriter kept;
    private final StringBuilder line = new StringBuilder();

    LoggingWriter(StringWriter kept) {
      this.kept = kept;
    }

    @Override
    public void write(char[] chars, int offset, int length) {
      kept.write(chars, offset, length);
      for (int i = offset; i < offset + length; i++) {
        if (chars[i] == '\n') {
          log.info("{}", line);
          line.setLength(0);
        } else {
          line.append(chars[i]);
        }
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  @Test
  @Timeout(value = 420, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void everyStageKilledAtABusyMomentLosesNothingAndRepeatsNothing() throws Exception {
    long seed = Long.getLong("perennial.faults.seed", 17L);
    // kept under target/ for a look after a failure
    Path logs = Files.isDirectory(Path.of("target")) ? Path.of("target", "faults") : folder;
    // everything an earlier run left there (its release area would number this run's versions after
    // its own, and the test would fail on a second run in the same target/)
    if (!logs.equals(folder)) {
      Folders.deleteRecursively(logs);
    }
    StringWriter console = new StringWriter();
    FaultHarness.Report report =
        FaultHarness.run(
            FaultHarness.Settings.inBuild(seed, logs.toAbsolutePath(), testBase()),
            new PrintWriter(new LoggingWriter(console), true));

    assertThat(report.missed()).as(console.toString()).isEmpty();
    assertThat(report.kills())
        .as("every moment once, and the worker leaving")
        .hasSize(8)
        .anyMatch(kill -> kill.contains("WORKER_IN_TRANSACTION"))
        .anyMatch(kill -> kill.contains("PUBLISHER_IN_TRANSACTION"))
        .anyMatch(kill -> kill.contains("BROKER_WHILE_TRAINING"));
    assertThat(report.workerCounts()).containsExactly(3, 2, 3);
    assertThat(report.accounting().problems()).as(console.toString()).isEmpty();
    assertThat(report.verifyStatus()).as(report.verify()).isZero();
    assertThat(report.accounting().inputOffsets())
        .isEqualTo(report.accounting().examples() + report.accounting().rejections())
        .isPositive();
    assertThat(report.accounting().candidates())
        .as("a stream that trains several times")
        .isGreaterThanOrEqualTo(3);
    assertThat(report.accounting().versions().values().stream().mapToInt(Integer::intValue).sum())
        .isGreaterThanOrEqualTo(2);
    assertThat(report.held()).isTrue();
    assertThat(Arrays.asList(report.schedule().split(" "))).contains("seed");
  }
}
