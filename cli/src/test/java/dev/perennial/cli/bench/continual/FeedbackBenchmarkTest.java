package dev.perennial.cli.bench.continual;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.model.runtime.DeviceChoice;
import dev.perennial.model.world.UpdateStream;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.worker.JobRecipe;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feedback bench's small configuration: one feedback-only update of one new entity and one
 * changed general fact (12 questions, half held out as true pairs), its preference pairs trained by
 * DPO from a fresh adapter with the service's recipe and replay. Its figures must show DPO learning
 * from the pairs and the guards holding: held-out pairs ranked right more often than not, a
 * positive mean reward margin, the chosen answers' likelihood above the reference's and the
 * rejected ones' below, the preferred facts answered, the general set kept within a bound. (The
 * other objectives and the noise shares run from {@code perennial bench feedback}; README,
 * "Learning from feedback alone", has their figures.)
 */
class FeedbackBenchmarkTest {

  @TempDir Path folder;

  @Test
  void dpoLearnsThePreferredAnswersAndRaisesTheChosenAnswersLikelihood() throws Exception {
    Map<String, String> values = new HashMap<>();
    values.put("bootstrap.servers", "127.0.0.1:9");
    values.put("schema.registry.url", "http://127.0.0.1:9");
    values.put("perennial.evaluator.retention.general.size", "32");
    // one PyTorch thread, as the benches run: two spin-wait when the shared cores are busy
    values.put("perennial.trainer.recipe.threads", "1");
    values.put("perennial.evaluator.threads", "1");
    StringWriter progress = new StringWriter();
    FeedbackBenchmark.Settings settings =
        new FeedbackBenchmark.Settings(
            new UpdateStream.Shape(1, 1, 1, 0, 0),
            3,
            List.of(FeedbackVariant.DPO),
            List.of(0.0),
            0.1,
            0.5,
            1,
            DeviceChoice.CPU);

    FeedbackReport report = FeedbackBenchmark.run(settings, values, new PrintWriter(progress));

    FeedbackRun dpo = report.run(FeedbackVariant.DPO, 0).orElseThrow();
    // measured (seed 3, 2 threads) before jobs of feedback alone had their own profile and a fact
    // one wrong answer: accuracy 0.625 of 8 pairs, margin +0.68, chosen loss -0.25 and rejected
    // loss +0.39 nats against the base, EM 0.75 on the 4 facts, general drop 0.156
    assertThat(dpo.preferenceAccuracy()).isGreaterThan(0.5);
    assertThat(dpo.marginMean()).isGreaterThan(0.3);
    assertThat(dpo.chosenLossChange()).as("chosen answers' loss vs the reference").isNegative();
    assertThat(dpo.rejectedLossChange()).as("rejected answers' loss vs the reference").isPositive();
    assertThat(dpo.preferredExactMatch()).isGreaterThanOrEqualTo(0.5);
    // issue 14's goal is a drop of at most 0.02 of the whole general set (README has where the
    // objectives stand); this is a bound on 32 questions, not that goal
    assertThat(dpo.generalDrop()).isLessThanOrEqualTo(0.25);
    assertThat(progress.toString()).contains("[dpo, noise 0.00] tenant1 update 1/1: 16 steps");

    Path json = report.write(folder);
    JsonNode root = new ObjectMapper().readTree(json.toFile());
    assertThat(root.path("runs")).hasSize(1);
    assertThat(root.path("settings").path("recordsPerQuestion").asInt()).isEqualTo(1);
    assertThat(root.path("runs").get(0).path("variant").asText()).isEqualTo("dpo");
    assertThat(root.path("runs").get(0).path("lastUpdateMetrics").path("feedback.pairs").asInt())
        .isEqualTo(8);
    assertThat(report.lines()).anyMatch(line -> line.startsWith("dpo "));
  }

  /**
   * The JSON holds every setting its figures depend on, so that a report read later can be run
   * again: the noise model and its user pool (the users model draws other flips than the records
   * model at the same seed and noise share), and the recipe's seed and thread count (CPU training
   * is bit-identical at one thread count only), as bench continual's JSON records them.
   */
  @Test
  void theJsonRecordsTheNoiseModelItsUsersAndTheRecipesSeedAndThreadCount() throws Exception {
    Map<String, String> values = new HashMap<>();
    values.put("bootstrap.servers", "127.0.0.1:9");
    values.put("schema.registry.url", "http://127.0.0.1:9");
    values.put("perennial.trainer.recipe.seed", "7");
    values.put("perennial.trainer.recipe.threads", "1");
    FeedbackBenchmark.Settings settings =
        new FeedbackBenchmark.Settings(
            new UpdateStream.Shape(1, 1, 1, 0, 0),
            3,
            List.of(FeedbackVariant.DPO),
            List.of(0.3),
            0.1,
            0.25,
            5,
            FeedbackNoiseModel.USERS,
            40,
            DeviceChoice.CPU);
    FeedbackReport report =
        new FeedbackReport(
            settings,
            "perennial-tiny",
            JobRecipe.from(new TrainerConfig(values)),
            32,
            List.of(),
            1.0,
            1);

    JsonNode root = new ObjectMapper().readTree(report.json());

    assertThat(root.path("settings").path("noiseModel").asText()).isEqualTo("users");
    assertThat(root.path("settings").path("users").asInt()).isEqualTo(40);
    assertThat(root.path("recipe").path("seed").asLong()).isEqualTo(7);
    assertThat(root.path("recipe").path("threads").asInt()).isEqualTo(1);
    assertThat(root.path("scoringThreads").asInt()).isEqualTo(1);
  }
}
