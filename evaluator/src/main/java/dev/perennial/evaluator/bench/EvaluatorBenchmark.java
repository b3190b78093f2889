package dev.perennial.evaluator.bench;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import dev.perennial.evaluator.scoring.BatchScorer;
import dev.perennial.evaluator.scoring.ModelRef;
import dev.perennial.evaluator.scoring.Workload;
import dev.perennial.evaluator.suite.EvalExample;
import dev.perennial.evaluator.suite.GeneralSet;
import dev.perennial.model.lora.LoraConfig;
import dev.perennial.model.lora.LoraWeights;
import dev.perennial.model.peft.PeftAdapter;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.runtime.ModelRuntime;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code perennial bench evaluator}: what batching candidates buys. For a batch of candidates it
 * times the same workloads (each candidate's questions scored and answered greedily) in shared
 * multi-adapter passes and adapter by adapter, once with few rows per adapter (held-out examples)
 * and once with many (the general set): the figures behind {@code
 * perennial.evaluator.batch.max.rows.per.adapter}.
 */
public final class EvaluatorBenchmark {

  /**
   * @param candidates adapters in the batch
   * @param fewRows rows per adapter of the small workload
   * @param manyRows rows per adapter of the large workload
   * @param rounds timed rounds of each variant (the best is kept)
   */
  public record Settings(int candidates, int fewRows, int manyRows, int batchSize, int rounds) {

    public static Settings defaults() {
      return new Settings(8, 4, 64, 32, 2);
    }
  }

  /** One comparison: seconds of both ways for a number of rows per adapter. */
  public record Line(int rowsPerAdapter, int adapters, double sharedSeconds, double singleSeconds) {

    public double speedup() {
      return singleSeconds / sharedSeconds;
    }
  }

  private EvaluatorBenchmark() {}

  /** Runs on the calling thread (gradients off on it) and returns the two comparisons. */
  public static List<Line> run(
      BaseModel base,
      List<EvalExample> questions,
      Settings settings,
      Device device,
      PrintWriter out) {
    ModelRuntime.engine();
    JniUtils.setGradMode(false);
    Map<ModelRef, PeftAdapter> adapters = new LinkedHashMap<>();
    for (int i = 0; i < settings.candidates(); i++) {
      LoraWeights weights = LoraWeights.initialize(base.config(), LoraConfig.defaults(), 1000L + i);
      adapters.put(
          ModelRef.adapter("adapter-" + i), new PeftAdapter(weights, base.name(), base.digest()));
    }
    List<Line> lines = new ArrayList<>();
    for (int rows : List.of(settings.fewRows(), settings.manyRows())) {
      List<EvalExample> examples = GeneralSet.spread(questions, rows);
      double shared = best(base, device, adapters, examples, settings, Integer.MAX_VALUE);
      double single = best(base, device, adapters, examples, settings, 0);
      Line line = new Line(examples.size(), adapters.size(), shared, single);
      lines.add(line);
      out.printf(
          Locale.ROOT,
          "  %3d rows per adapter x %d adapters: shared passes %.2f s, adapter by adapter %.2f s"
              + " (%.2fx)%n",
          line.rowsPerAdapter(),
          line.adapters(),
          line.sharedSeconds(),
          line.singleSeconds(),
          line.speedup());
      out.flush();
    }
    return lines;
  }

  private static double best(
      BaseModel base,
      Device device,
      Map<ModelRef, PeftAdapter> adapters,
      List<EvalExample> examples,
      Settings settings,
      int maxRowsPerAdapter) {
    List<Workload> workloads = new ArrayList<>();
    for (ModelRef model : adapters.keySet()) {
      workloads.add(Workload.score(model, "bench", examples));
      workloads.add(Workload.answer(model, "bench:qa", examples));
    }
    double best = Double.MAX_VALUE;
    // one round more than timed: the first warms the engine up
    for (int round = 0; round <= settings.rounds(); round++) {
      try (BatchScorer scorer =
          new BatchScorer(
              base,
              device,
              new BatchScorer.Settings(
                  settings.batchSize(),
                  maxRowsPerAdapter,
                  256,
                  EvalExample.MAX_SHORT_ANSWER_CHARS + 2))) {
        long started = System.nanoTime();
        scorer.run(workloads, adapters);
        double seconds = (System.nanoTime() - started) / 1e9;
        if (round > 0) {
          best = Math.min(best, seconds);
        }
      }
    }
    return best;
  }
}
