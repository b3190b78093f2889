package dev.perennial.cli.bench.continual;

import dev.perennial.evaluator.config.GateThresholds;
import dev.perennial.evaluator.gate.GateNames;
import dev.perennial.evaluator.gate.GateRules;
import dev.perennial.evaluator.history.TaskRef;
import dev.perennial.evaluator.scoring.BatchScorer;
import dev.perennial.evaluator.scoring.ModelRef;
import dev.perennial.evaluator.scoring.Results;
import dev.perennial.evaluator.scoring.Workload;
import dev.perennial.evaluator.stats.Effect;
import dev.perennial.evaluator.stats.Interval;
import dev.perennial.evaluator.stats.PairedBootstrap;
import dev.perennial.evaluator.stats.PairedIntervals;
import dev.perennial.evaluator.suite.EarlierTask;
import dev.perennial.evaluator.suite.EvalExample;
import dev.perennial.evaluator.suite.EvaluationContext;
import dev.perennial.evaluator.suite.FeedbackSuite;
import dev.perennial.evaluator.suite.Incumbent;
import dev.perennial.evaluator.suite.LearningSuite;
import dev.perennial.evaluator.suite.Measurements;
import dev.perennial.evaluator.suite.RetentionSuite;
import dev.perennial.evaluator.suite.Scores;
import dev.perennial.evaluator.suite.Suite;
import dev.perennial.model.peft.PeftAdapter;
import dev.perennial.model.runtime.ModelRuntime;
import dev.perennial.model.world.Fact;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.ShardRef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Measures one row of a run: the evaluator's learning and retention suites on the update's
 * candidate (against the previous update's adapter as incumbent, and the base), plus the
 * world-truth probes of every task up to the next one, all in one pass of the evaluator's {@link
 * BatchScorer} (so the base's and unchanged adapters' results come from its cache).
 */
final class RowMeasurer {

  /** The suites of {@code perennial bench continual}. */
  static final List<Suite> CONTINUAL_SUITES = List.of(new LearningSuite(), new RetentionSuite());

  /** Metrics: the bounds of the held-out preference accuracy's interval. */
  static final String ACCURACY_LOWER = "feedback.accuracy.lower";

  static final String ACCURACY_UPPER = "feedback.accuracy.upper";

  /** The previous update's adapter, compared with as the incumbent. */
  record Previous(int update, String location, PeftAdapter adapter) {}

  private final BatchScorer scorer;
  private final List<Suite> suites;
  private final List<EvalExample> general;
  private final String generalDataset;
  private final List<EvalExample> generalHeldOut;
  private final GateThresholds thresholds;
  private final PairedBootstrap bootstrap;
  private final int controls;
  private final int updates;
  private final int threads;

  RowMeasurer(
      BatchScorer scorer,
      List<Suite> suites,
      List<EvalExample> general,
      String generalDataset,
      List<EvalExample> generalHeldOut,
      GateThresholds thresholds,
      PairedBootstrap bootstrap,
      int controls,
      int updates,
      int threads) {
    this.scorer = scorer;
    this.suites = List.copyOf(suites);
    this.general = List.copyOf(general);
    this.generalDataset = generalDataset;
    this.generalHeldOut = List.copyOf(generalHeldOut);
    this.thresholds = thresholds;
    this.bootstrap = bootstrap;
    this.controls = controls;
    this.updates = updates;
    this.threads = threads;
  }

  /**
   * The intra-op thread count every measurement scores at, set before each: training sets the
   * recipe's for the process, and PyTorch's default is the machine's core count.
   */
  int threads() {
    return threads;
  }

  /** Questions of the general set asked. */
  int generalQuestions() {
    return general.size();
  }

  /** Row 0: the base on every task (its general figures come from the suites, see {@link Row}). */
  Row base(Probes probes) {
    long started = System.nanoTime();
    List<Probes.TaskProbes> tasks = new ArrayList<>();
    for (int j = 1; j <= updates; j++) {
      tasks.add(probes.task(j, 0));
    }
    List<Workload> workloads = probeWorkloads(ModelRef.BASE, tasks);
    workloads.add(generalHeldOut(ModelRef.BASE));
    Results results = run(workloads, Map.of());
    double[][] scores = taskScores(results, ModelRef.BASE, tasks);
    scores[1][0] = generalHeldOutMatch(results, ModelRef.BASE);
    return Row.probesOnly(0, scores[0], scores[1], scores[2], seconds(started));
  }

  /**
   * Row {@code update}: the candidate trained for it.
   *
   * @param newTask the held-out examples of the job's shards (the learning suite's new task)
   * @param earlier the earlier updates' held-out shards, by update (the retention suite's tasks)
   */
  Row measure(
      Probes probes,
      int update,
      AdapterCandidate candidate,
      PeftAdapter adapter,
      Optional<Previous> previous,
      List<EvalExample> newTask,
      Map<Integer, StreamShards.UpdateShards> earlier,
      Row.Training training) {
    long started = System.nanoTime();
    ModelRef model = ModelRef.adapter(candidate.getLocation());
    Optional<Incumbent> incumbent =
        previous.map(p -> new Incumbent(p.update(), p.location(), ModelRef.adapter(p.location())));
    EvaluationContext context =
        new EvaluationContext(
            candidate,
            model,
            incumbent,
            newTask,
            dataset(candidate.getHeldOutShards()),
            // the bench measures trained phrasings itself (R[i][i])
            List.of(),
            "taught:none",
            earlier.values().stream().flatMap(u -> u.heldOutExamples().stream()).toList(),
            dataset(
                earlier.values().stream()
                    .map(StreamShards.UpdateShards::heldOut)
                    .filter(Objects::nonNull)
                    .toList()),
            Optional.empty(),
            earlierTasks(earlier),
            general,
            generalDataset,
            List.of(),
            List.of(),
            true,
            controls,
            thresholds);
    List<Workload> workloads = new ArrayList<>();
    for (Suite suite : suites) {
      workloads.addAll(suite.workloads(context));
    }
    List<Probes.TaskProbes> tasks = new ArrayList<>();
    for (int j = 1; j <= Math.min(update + 1, updates); j++) {
      tasks.add(probes.task(j, update));
    }
    workloads.addAll(probeWorkloads(model, tasks));
    workloads.add(generalHeldOut(model));
    Map<ModelRef, PeftAdapter> adapters = new LinkedHashMap<>();
    adapters.put(model, adapter);
    previous.ifPresent(p -> adapters.put(ModelRef.adapter(p.location()), p.adapter()));
    Results results = run(workloads, adapters);

    Measurements measurements = new Measurements();
    for (Suite suite : suites) {
      suite.measure(context, results, measurements);
    }
    if (measurements.hasPaired(FeedbackSuite.RANKED_RIGHT)) {
      // the interval the evaluator's gate decides on for this candidate
      Interval accuracy =
          PairedIntervals.of(
              measurements.paired(FeedbackSuite.RANKED_RIGHT),
              Effect.RATIO,
              bootstrap,
              GateRules.seed(candidate.getCandidateId(), GateNames.FEEDBACK_ACCURACY));
      measurements.put(ACCURACY_LOWER, accuracy.lower());
      measurements.put(ACCURACY_UPPER, accuracy.upper());
    }
    double[][] scores = taskScores(results, model, tasks);
    double generalMatch = measurements.get("retention.general.exact.match");
    double generalLoss = measurements.get("retention.general.loss");
    scores[0][0] = generalMatch;
    scores[2][0] = Math.exp(-generalLoss);
    scores[1][0] = generalHeldOutMatch(results, model);
    Map<String, String> answers = answers(results, model, tasks);
    List<Fact> changes = probes.changes(update);
    int newest = 0;
    int old = 0;
    for (Fact fact : changes) {
      String answer = answers.get(fact.key());
      newest += fact.value().equals(answer) ? 1 : 0;
      old += fact.previousValue().equals(answer) ? 1 : 0;
    }
    return new Row(
        update,
        scores[0],
        scores[1],
        scores[2],
        generalMatch,
        generalLoss,
        changes.size(),
        changes.isEmpty() ? Double.NaN : (double) newest / changes.size(),
        changes.isEmpty() ? Double.NaN : (double) old / changes.size(),
        measurements.metrics(),
        generalMisses(results, context),
        training,
        seconds(started));
  }

  private Results run(List<Workload> workloads, Map<ModelRef, PeftAdapter> adapters) {
    ModelRuntime.setThreads(threads);
    try (ModelRuntime.GradMode off = ModelRuntime.gradModeOff()) {
      return scorer.run(workloads, adapters);
    }
  }

  /** The general questions the candidate answered wrongly, as the retention suite asked them. */
  private static List<String> generalMisses(Results results, EvaluationContext context) {
    List<EvalExample> questions = context.generalQuestions();
    List<String> answers =
        results.answers(RetentionSuite.generalAnswering(context, context.model()));
    List<String> misses = new ArrayList<>();
    for (int i = 0; i < questions.size(); i++) {
      if (!answers.get(i).trim().equals(questions.get(i).answer())) {
        String prompt = questions.get(i).prompt();
        misses.add(
            prompt.substring(prompt.indexOf(' ') + 1, prompt.indexOf('\n'))
                + " -> "
                + answers.get(i).trim()
                + " ("
                + questions.get(i).answer()
                + ")");
      }
    }
    return misses;
  }

  /**
   * The general set's facts asked in their held-out phrasing (never trained, not even replayed).
   */
  private Workload generalHeldOut(ModelRef model) {
    return Workload.answer(model, "general-held-out:" + generalHeldOut.size(), generalHeldOut);
  }

  private double generalHeldOutMatch(Results results, ModelRef model) {
    return Scores.exactMatch(generalHeldOut, results.answers(generalHeldOut(model)));
  }

  private static List<Workload> probeWorkloads(ModelRef model, List<Probes.TaskProbes> tasks) {
    List<Workload> workloads = new ArrayList<>();
    for (Probes.TaskProbes task : tasks) {
      workloads.add(Workload.answer(model, task.trainedDataset(), task.trained()));
      workloads.add(Workload.answer(model, task.heldOutDataset(), task.heldOut()));
      workloads.add(Workload.score(model, task.trainedDataset(), task.trained()));
    }
    return workloads;
  }

  /** Exact match (trained, held-out) and likelihood per task; index 0 (general) left NaN. */
  private double[][] taskScores(Results results, ModelRef model, List<Probes.TaskProbes> tasks) {
    double[][] scores = new double[3][updates + 1];
    for (double[] row : scores) {
      Arrays.fill(row, Double.NaN);
    }
    for (Probes.TaskProbes task : tasks) {
      if (task.facts().isEmpty()) {
        continue;
      }
      scores[0][task.task()] =
          Scores.exactMatch(
              task.trained(),
              results.answers(Workload.answer(model, task.trainedDataset(), task.trained())));
      scores[1][task.task()] =
          Scores.exactMatch(
              task.heldOut(),
              results.answers(Workload.answer(model, task.heldOutDataset(), task.heldOut())));
      scores[2][task.task()] =
          Scores.likelihood(
              results.scores(Workload.score(model, task.trainedDataset(), task.trained())));
    }
    return scores;
  }

  /** The trained-phrasing answer to every probed fact, by fact key. */
  private static Map<String, String> answers(
      Results results, ModelRef model, List<Probes.TaskProbes> tasks) {
    Map<String, String> answers = new HashMap<>();
    for (Probes.TaskProbes task : tasks) {
      List<String> given =
          results.answers(Workload.answer(model, task.trainedDataset(), task.trained()));
      for (int k = 0; k < task.facts().size(); k++) {
        answers.put(task.facts().get(k).key(), given.get(k).trim());
      }
    }
    return answers;
  }

  private static List<EarlierTask> earlierTasks(Map<Integer, StreamShards.UpdateShards> earlier) {
    List<EarlierTask> tasks = new ArrayList<>();
    int column = 1;
    for (Map.Entry<Integer, StreamShards.UpdateShards> entry : earlier.entrySet()) {
      StreamShards.UpdateShards shards = entry.getValue();
      if (shards.heldOut() == null) {
        continue;
      }
      tasks.add(
          new EarlierTask(
              column++,
              new TaskRef("u" + entry.getKey(), List.of(shards.heldOut().getDigest())),
              shards.heldOutExamples(),
              dataset(List.of(shards.heldOut()))));
    }
    return tasks;
  }

  private static String dataset(List<ShardRef> shards) {
    return "heldout:"
        + String.join(",", shards.stream().map(s -> s.getDigest().substring(0, 16)).toList());
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
