package dev.perennial.cli.bench.continual;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.evaluator.history.ScoreMatrix;
import dev.perennial.model.runtime.DeviceChoice;
import dev.perennial.model.runtime.ModelRuntime;
import dev.perennial.model.world.UpdateStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark's small configuration: two updates of one tenant (one new entity each; the second
 * changes a general and an own fact and repeats two), the production recipe with its defaults,
 * measured against the base. Its figures must show a recipe that learns: each update's facts are
 * known after it, changed facts take their newest value, and the general set stays within a bound
 * that a recipe without replay exceeds. (The baselines run from {@code perennial bench continual};
 * here they would cost the build a minute each.)
 */
class ContinualBenchmarkTest {

  @TempDir Path folder;

  @Test
  void theProductionRecipeLearnsEachUpdateKeepsTheGeneralSetAndLetsTheNewestValueWin()
      throws Exception {
    Map<String, String> values = new HashMap<>();
    values.put("bootstrap.servers", "127.0.0.1:9");
    values.put("schema.registry.url", "http://127.0.0.1:9");
    values.put("perennial.evaluator.retention.general.size", "32");
    StringWriter progress = new StringWriter();
    ContinualBenchmark.Settings settings =
        new ContinualBenchmark.Settings(
            new UpdateStream.Shape(2, 1, 1, 1, 2),
            3,
            1,
            List.of(Variant.PRODUCTION),
            false,
            DeviceChoice.CPU,
            FeedbackMix.BENCH);

    ContinualReport report =
        ContinualBenchmark.run(settings, values, new PrintWriter(progress, true));

    Run production = report.runs().get(0);
    ScoreMatrix r = production.exactMatch();
    assertThat(r.size()).isEqualTo(3);
    for (int i = 1; i <= 2; i++) {
      assertThat(r.get(i, i))
          .as("EM on update %d's facts right after it", i)
          .isGreaterThanOrEqualTo(0.75);
      assertThat(r.get(0, i))
          .as("the base does not know update %d's facts", i)
          .isLessThanOrEqualTo(0.25);
    }
    ContinualReport.Summary summary = report.summary(Variant.PRODUCTION);
    assertThat(summary.exactMatch().acc()).isGreaterThanOrEqualTo(0.8);
    assertThat(summary.knowledgeUpdate()).isGreaterThanOrEqualTo(0.75);
    assertThat(summary.knowledgeUpdateOldValue()).isLessThanOrEqualTo(0.25);
    // Issue 11's goal is a drop of at most 0.02 (README, Continual learning, has where the default
    // recipe stands). This bound against the base fails a recipe that replays nothing (no-replay
    // on this configuration: drop 0.81, ACC 0.62, knowledge update 0.67; the previous defaults,
    // a quarter of each batch replay: 0.31, 0.90, 1.00).
    assertThat(summary.generalDrop()).isLessThanOrEqualTo(0.4);
    assertThat(production.rows().get(0).generalExactMatch()).isEqualTo(1.0);
    assertThat(production.last().suite())
        .containsKeys("learning.exact.match", "retention.general.exact.match");
    assertThat(progress.toString()).contains("[production] tenant1 update 2/2");

    Path page = ContinualReportFiles.write(report, folder);
    assertThat(Files.readString(page)).contains("<svg").contains("R[i][j]");
    JsonNode json = new ObjectMapper().readTree(folder.resolve(ContinualReportFiles.JSON).toFile());
    assertThat(json.path("runs").get(0).path("exactMatch").path("values")).hasSize(3);
    assertThat(json.path("summaries").get(0).path("variant").asText()).isEqualTo("production");
    assertThat(report.lines()).anyMatch(line -> line.startsWith("production "));

    StoredRun stored = ContinualReportFiles.readRuns(folder).get(0);
    assertThat(stored.variant()).isEqualTo("production");
    assertThat(stored.stream()).isEqualTo(new StoredRun.Stream(3, 1, "bench"));
    assertThat(stored.exactMatch()).isEqualTo(r);
    assertThat(stored.exactMatchHeldOut()).isEqualTo(production.exactMatchHeldOut());
  }

  /**
   * The figures must not depend on the machine's core count: PyTorch's default intra-op thread
   * count is the machine's, and CPU results are bit-identical at one thread count only. Without
   * {@code perennial.evaluator.threads} (the README's commands set none) the base row was scored at
   * whatever count the process started with, and every later row at the recipe's (training sets it
   * for the process).
   */
  @Test
  void theFiguresAreTheSameWhateverThreadCountTheProcessStartedWith() throws Exception {
    Map<String, String> values = new HashMap<>();
    values.put("bootstrap.servers", "127.0.0.1:9");
    values.put("schema.registry.url", "http://127.0.0.1:9");
    values.put("perennial.evaluator.retention.general.size", "32");
    // about thread counts, not learning: a few steps train the update's row as the recipe's 40 do
    // (the thread count it sets, the scoring after it), in a fifth of the time
    values.put("perennial.trainer.recipe.max.steps", "8");
    ContinualBenchmark.Settings settings =
        new ContinualBenchmark.Settings(
            new UpdateStream.Shape(1, 1, 1, 1, 2),
            3,
            1,
            List.of(Variant.PRODUCTION),
            false,
            DeviceChoice.CPU,
            FeedbackMix.BENCH);
    StringWriter progress = new StringWriter();

    ModelRuntime.setThreads(1);
    ContinualReport oneThread =
        ContinualBenchmark.run(settings, values, new PrintWriter(progress, true));
    ModelRuntime.setThreads(3);
    ContinualReport threeThreads =
        ContinualBenchmark.run(settings, values, new PrintWriter(progress, true));

    assertThat(figures(threeThreads)).isEqualTo(figures(oneThread));
  }

  /** The report's JSON without its timings. */
  private static JsonNode figures(ContinualReport report) throws Exception {
    JsonNode json = new ObjectMapper().readTree(ContinualReportFiles.json(report));
    withoutSeconds(json);
    return json;
  }

  private static void withoutSeconds(JsonNode node) {
    if (node instanceof ObjectNode object) {
      Iterator<String> names = object.fieldNames();
      while (names.hasNext()) {
        if (names.next().toLowerCase(Locale.ROOT).contains("seconds")) {
          names.remove();
        }
      }
    }
    node.forEach(ContinualBenchmarkTest::withoutSeconds);
  }
}
