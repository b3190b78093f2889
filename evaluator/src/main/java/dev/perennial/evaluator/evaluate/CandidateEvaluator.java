package dev.perennial.evaluator.evaluate;

import dev.perennial.core.PerennialException;
import dev.perennial.core.files.Folders;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.evaluator.EvaluatorException;
import dev.perennial.evaluator.UndecidableCandidateException;
import dev.perennial.evaluator.UnusableCandidateException;
import dev.perennial.evaluator.config.GateThresholds;
import dev.perennial.evaluator.gate.GateNames;
import dev.perennial.evaluator.gate.GateOutcomes;
import dev.perennial.evaluator.gate.GateRules;
import dev.perennial.evaluator.gate.GateScope;
import dev.perennial.evaluator.history.ContinualMeasures;
import dev.perennial.evaluator.history.HistoryEntry;
import dev.perennial.evaluator.history.HistoryStore;
import dev.perennial.evaluator.report.EvaluationReport;
import dev.perennial.evaluator.report.EvaluatorRuntime;
import dev.perennial.evaluator.report.ReportWriter;
import dev.perennial.evaluator.scoring.BatchScorer;
import dev.perennial.evaluator.scoring.ModelRef;
import dev.perennial.evaluator.scoring.Results;
import dev.perennial.evaluator.scoring.Workload;
import dev.perennial.evaluator.stats.PairedBootstrap;
import dev.perennial.evaluator.suite.EvalExample;
import dev.perennial.evaluator.suite.EvaluationContext;
import dev.perennial.evaluator.suite.FeedbackSuite;
import dev.perennial.evaluator.suite.LeakageSuite;
import dev.perennial.evaluator.suite.LearningSuite;
import dev.perennial.evaluator.suite.Measurements;
import dev.perennial.evaluator.suite.PlasticityFigures;
import dev.perennial.evaluator.suite.RetentionSuite;
import dev.perennial.evaluator.suite.Suite;
import dev.perennial.evaluator.suite.TransferSuite;
import dev.perennial.model.peft.PeftAdapter;
import dev.perennial.schemas.release.MovedRelease;
import dev.perennial.schemas.release.StableRelease;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.EvaluationOutcome;
import dev.perennial.schemas.v1.Gate;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.LineageRelease;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates a batch of candidates on one base model: loads and checks each ({@link
 * CandidateLoader}), collects every suite's workloads for every candidate and runs them together
 * ({@link BatchScorer}: the shared base, multi-adapter passes for the small workloads), then per
 * candidate measures, gates (statistical gates with bootstrap intervals over paired items), grows
 * the key's score matrices, writes the history and the report. A candidate's outcome is PASSED,
 * FAILED or INSUFFICIENT_EVIDENCE ({@link GateOutcomes}).
 *
 * <p>A REBASE candidate is also judged against the release it moves, on the old base ({@link
 * ReleaseAnswers}, {@link TransferSuite}): the transfer gates. One that names no such release, or
 * whose release cannot be answered with, fails {@value GateNames#TRANSFER_TENANT} before any suite;
 * one whose release was trained with other tokenizer files than the old base has now ({@code
 * releases.v1} records them) is undecided on {@value GateNames#BASE_TOKENIZER}.
 *
 * <p>A candidate that fails a precondition (its integrity, its base, its shards' currency) gets a
 * verdict with that gate alone and a report saying why. Must run on one thread, with PyTorch's
 * gradients off on it.
 *
 * <p>A batch's adapters are copied into a folder of its own under {@code
 * <java.io.tmpdir>/perennial-evaluator/<instance id>/<process id>}, deleted however the batch ends;
 * an evaluator deletes the folders there that an evaluator of its instance id killed mid-batch
 * left.
 */
public final class CandidateEvaluator {

  private static final Logger log = LoggerFactory.getLogger(CandidateEvaluator.class);

  /**
   * Where evaluators scratch: each batch's adapters are copied into a folder of its own in the
   * folder of the evaluator's instance id here.
   */
  private static final Path SCRATCH_ROOT =
      Path.of(System.getProperty("java.io.tmpdir"), "perennial-evaluator");

  /** The batch folders this process is evaluating in now, which no evaluator deletes. */
  private static final Set<Path> LIVE = new HashSet<>();

  private static final long PROCESS = ProcessHandle.current().pid();

  /** The suites, in report order. */
  public static final List<Suite> SUITES =
      List.of(new LearningSuite(), new RetentionSuite(), new LeakageSuite(), new FeedbackSuite());

  private final EvaluationBase base;

  private final BatchScorer scorer;
  private final CandidateLoader loader;
  private final HistoryStore history;
  private final ReportWriter reports;
  private final PairedBootstrap bootstrap;
  private final String evaluator;
  private final Clock clock;
  private final Path scratch;
  private int releaseFolders;
  private ReleaseAnswers oldReleases =
      (release, tokenizerDigest, declaredReplaced, questions, work) -> {
        throw new UnusableCandidateException(
            GateNames.TRANSFER_TENANT, "this evaluator cannot answer with another base's releases");
      };

  public CandidateEvaluator(
      EvaluationBase base,
      BatchScorer scorer,
      ArtifactStore store,
      Path storeRoot,
      HistoryStore history,
      ReportWriter reports,
      Function<String, GateThresholds> thresholds,
      PairedBootstrap bootstrap,
      String evaluator,
      Clock clock) {
    this.base = base;
    this.bootstrap = bootstrap;
    this.scorer = scorer;
    this.loader = new CandidateLoader(base, store, storeRoot, history, thresholds);
    this.history = history;
    this.reports = reports;
    this.evaluator = evaluator;
    this.clock = clock;
    this.scratch = SCRATCH_ROOT.resolve(Folders.safeName(evaluator));
    deleteLeftovers(scratch);
  }

  public EvaluationBase base() {
    return base;
  }

  /** How REBASE candidates' old releases answer, on their own base. */
  public void answerOldReleasesWith(ReleaseAnswers answers) {
    this.oldReleases = answers;
  }

  /**
   * The greedy answers of {@code release} (an adapter of this evaluator's base) to the questions,
   * once it is known to have been trained with this base's tokenizer files.
   *
   * @param tokenizerDigest the tokenizer files it was trained with, as {@code releases.v1} records
   *     them; empty when it records none
   * @param declaredReplaced the tokenizer digests the candidate's trainer was told are replaced on
   *     purpose
   * @throws UnusableCandidateException when the release cannot be read or does not fit the base
   * @throws UndecidableCandidateException when it was trained with other tokenizer files
   */
  public ReleaseAnswers.Answered answer(
      LineageRelease release,
      Optional<String> tokenizerDigest,
      Set<String> declaredReplaced,
      List<EvalExample> questions,
      Path work) {
    Optional<String> unchecked =
        loader.requireOldReleaseTokenizer(release, tokenizerDigest, declaredReplaced);
    String location = release.getLocation();
    ModelRef model = ModelRef.adapter(location);
    PeftAdapter adapter = loader.readRelease(location, work.resolve("release-" + ++releaseFolders));
    Workload answering =
        Workload.answer(model, "transfer:" + location + ":" + questions.hashCode(), questions);
    List<String> answers =
        scorer.run(List.of(answering), Map.of(model, adapter)).answers(answering);
    return new ReleaseAnswers.Answered(answers, unchecked);
  }

  public BatchScorer scorer() {
    return scorer;
  }

  /** Evaluates every request; the evaluations come back in the requests' order. */
  public List<Evaluation> evaluate(List<CandidateRequest> requests, EvaluationListener listener) {
    long started = System.nanoTime();
    Path work = batchFolder();
    try {
      Map<Integer, Evaluation> done = new TreeMap<>();
      Map<Integer, PreparedCandidate> prepared = new LinkedHashMap<>();
      for (int i = 0; i < requests.size(); i++) {
        try {
          prepared.put(
              i,
              withTransferReference(
                  loader.prepare(requests.get(i), work), requests.get(i).otherBases(), work));
        } catch (UnusableCandidateException e) {
          log.warn(
              "Candidate {} fails {}: {}",
              requests.get(i).candidate().getCandidateId(),
              e.gate(),
              e.getMessage());
          done.put(i, unusable(requests.get(i), e, seconds(started), listener));
        } catch (UndecidableCandidateException e) {
          log.warn(
              "Candidate {} is undecided on {}: {}",
              requests.get(i).candidate().getCandidateId(),
              e.gate(),
              e.getMessage());
          done.put(i, undecidable(requests.get(i), e, seconds(started), listener));
        }
      }
      if (!prepared.isEmpty()) {
        Map<ModelRef, PeftAdapter> adapters = new LinkedHashMap<>();
        List<Workload> workloads = new ArrayList<>();
        for (PreparedCandidate candidate : prepared.values()) {
          EvaluationContext context = candidate.context();
          adapters.put(context.model(), candidate.adapter());
          context
              .incumbent()
              .ifPresent(
                  incumbent -> adapters.put(incumbent.model(), candidate.incumbentAdapter()));
          for (Suite suite : SUITES) {
            workloads.addAll(suite.workloads(context));
          }
        }
        List<CandidateRequest> batch = prepared.keySet().stream().map(requests::get).toList();
        long scoringStarted = System.nanoTime();
        listener.scoring(
            batch, workloads.size(), workloads.stream().mapToLong(Workload::rows).sum());
        Results results;
        try {
          results = scorer.run(workloads, adapters, progress -> listener.progress(batch, progress));
          listener.scored(batch, seconds(scoringStarted));
        } finally {
          listener.idle();
        }
        for (Map.Entry<Integer, PreparedCandidate> entry : prepared.entrySet()) {
          done.put(entry.getKey(), complete(entry.getValue(), results, seconds(started), listener));
        }
      }
      return new ArrayList<>(done.values());
    } finally {
      deleteQuietly(work);
      synchronized (LIVE) {
        LIVE.remove(work);
      }
    }
  }

  /**
   * A REBASE candidate with its old release's answers to the key's held-out questions, the release
   * looked up among the key's stable releases on other bases for the tokenizer files it was trained
   * with.
   */
  private PreparedCandidate withTransferReference(
      PreparedCandidate prepared, List<StableRelease> otherBases, Path work) {
    AdapterCandidate candidate = prepared.context().candidate();
    if (candidate.getTrigger() != JobTrigger.REBASE) {
      return prepared;
    }
    LineageRelease old = MovedRelease.of(candidate.getLineage());
    if (old == null) {
      throw new UnusableCandidateException(
          GateNames.TRANSFER_TENANT,
          "REBASE candidate names no release it carries over or was taught by: no transfer to"
              + " judge");
    }
    Optional<String> trainedWith =
        otherBases.stream()
            .filter(
                stable ->
                    stable.version() == old.getVersion()
                        && stable.location().equals(old.getLocation()))
            .findFirst()
            .flatMap(StableRelease::tokenizerDigest);
    return prepared.withOldRelease(
        oldReleases.answers(
            old,
            trainedWith,
            StableRelease.declaredReplaced(candidate.getRecipe().getExtras()),
            prepared.context().newQuestions(),
            work));
  }

  private Evaluation complete(
      PreparedCandidate prepared, Results results, double seconds, EvaluationListener listener) {
    EvaluationContext context = prepared.context();
    Measurements measurements = new Measurements();
    for (Suite suite : SUITES) {
      suite.measure(context, results, measurements);
    }
    prepared
        .oldReleaseAnswers()
        .ifPresent(
            old ->
                TransferSuite.measure(
                    context.newQuestions(),
                    results.answers(LearningSuite.answering(context, context.model())),
                    old,
                    measurements));
    AdapterCandidate candidate = context.candidate();
    PlasticityFigures.put(candidate, measurements);
    GateScope scope = GateScope.of(context);
    List<Gate> gates =
        GateRules.withRollover(
            GateRules.gates(measurements, scope, context.thresholds(), bootstrap, candidate),
            candidate,
            context.thresholds());
    EvaluationOutcome outcome = GateOutcomes.overall(gates);
    String reason = GateOutcomes.reason(outcome, gates, candidate);
    if (!context.thresholds().learningEnabled()) {
      reason += "; " + GateRules.learningOff();
    }
    List<Optional<String>> notes =
        List.of(
            context.thresholds().learningEnabled()
                ? GateRules.learningIncumbentNote(measurements, scope, candidate)
                : Optional.empty(),
            GateRules.feedbackNote(measurements, scope, context.thresholds().feedback()),
            GateRules.transferNote(measurements, candidate),
            GateRules.leakageNote(measurements, scope),
            GateRules.retentionNote(measurements, scope),
            GateRules.regressionTenantNote(measurements, scope));
    for (Optional<String> note : notes) {
      if (note.isPresent()) {
        reason += "; " + note.get();
      }
    }
    for (String unchecked : prepared.unchecked()) {
      reason += "; " + unchecked;
    }
    Optional<String> tooFewItems = GateRules.tooFewItems(gates, bootstrap);
    if (tooFewItems.isPresent()) {
      reason += "; " + tooFewItems.get();
    }
    boolean passed = outcome == EvaluationOutcome.PASSED;
    Instant now = evaluatedAt();
    HistoryEntry entry = ContinualLearning.entry(context, results, passed, now);
    putMeasures(measurements, "cl.", entry.measures());
    putMeasures(measurements, "cl.likelihood.", entry.likelihoodMeasures());
    measurements.put("cl.updates", entry.matrix().size() - 1);
    // Read again: another candidate of the key in this batch may have added its entry since.
    history.write(history.read(context.candidate().getAdapterKey()).with(entry));
    Integer incumbentVersion = context.incumbent().map(i -> i.version()).orElse(null);
    EvaluationReport report =
        new EvaluationReport(
            context.candidate(),
            base.base().name(),
            base.base().digest(),
            base.generalDataset(),
            incumbentVersion,
            outcome,
            reason,
            gates,
            measurements.metrics(),
            measurements.comparisons(),
            measurements.canaries(),
            measurements.rewardMargins(),
            entry.matrix(),
            entry.likelihood(),
            entry.lineage(),
            null,
            prepared.notes(),
            now,
            evaluator,
            EvaluatorRuntime.current(),
            seconds,
            bootstrap);
    return recorded(report, listener);
  }

  private Evaluation unusable(
      CandidateRequest request,
      UnusableCandidateException problem,
      double seconds,
      EvaluationListener listener) {
    Gate gate = GateRules.precondition(problem.gate(), problem.value());
    String reason = "failing " + problem.gate() + ": " + problem.getMessage();
    return beforeSuites(
        request, EvaluationOutcome.FAILED, List.of(gate), reason, problem, seconds, listener);
  }

  /**
   * Insufficient evidence, so the job's data rolls into the key's next job; refused on {@code
   * evidence.rollover} where the candidate may roll over no more.
   */
  private Evaluation undecidable(
      CandidateRequest request,
      UndecidableCandidateException problem,
      double seconds,
      EvaluationListener listener) {
    AdapterCandidate candidate = request.candidate();
    List<Gate> gates =
        GateRules.withRollover(
            List.of(GateRules.undecidedPrecondition(problem.gate())),
            candidate,
            loader.thresholds(candidate.getTenant()));
    EvaluationOutcome outcome = GateOutcomes.overall(gates);
    String reason =
        GateOutcomes.reason(outcome, gates, candidate)
            + "; "
            + problem.gate()
            + ": "
            + problem.getMessage();
    return beforeSuites(request, outcome, gates, reason, problem, seconds, listener);
  }

  /** The evaluation of a candidate that no suite measured: its verdict rests on {@code gates}. */
  private Evaluation beforeSuites(
      CandidateRequest request,
      EvaluationOutcome outcome,
      List<Gate> gates,
      String reason,
      Exception problem,
      double seconds,
      EvaluationListener listener) {
    AdapterCandidate candidate = request.candidate();
    // as on the scored path (CandidateLoader): a release on another base is never compared with
    Integer incumbentVersion =
        request
            .stable()
            .filter(stable -> stable.trainedOn(candidate.getBaseModelDigest()))
            .map(StableRelease::version)
            .orElse(null);
    EvaluationReport report =
        new EvaluationReport(
            candidate,
            base.base().name(),
            base.base().digest(),
            base.generalDataset(),
            incumbentVersion,
            outcome,
            reason,
            gates,
            new TreeMap<>(),
            List.of(),
            List.of(),
            List.of(),
            null,
            null,
            List.of(),
            problem.getMessage(),
            List.of(),
            evaluatedAt(),
            evaluator,
            EvaluatorRuntime.current(),
            seconds,
            bootstrap);
    return recorded(report, listener);
  }

  /** Writes the report, tells the listener of the evaluation it records, and returns that. */
  private Evaluation recorded(EvaluationReport report, EvaluationListener listener) {
    Evaluation evaluation =
        new Evaluation(
            report.candidate(),
            report.incumbentVersion(),
            report.outcome(),
            report.reason(),
            report.gates(),
            finite(report.metrics()),
            reports.write(report),
            report.evaluatedAt(),
            report.seconds());
    listener.evaluated(evaluation);
    return evaluation;
  }

  /**
   * The instant a report records, in whole milliseconds: its verdict carries it as {@code
   * timestamp-millis}, and the two must name the same instant.
   */
  private Instant evaluatedAt() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private static void putMeasures(Measurements into, String prefix, ContinualMeasures measures) {
    into.put(prefix + "acc", measures.acc());
    into.put(prefix + "bwt", measures.bwt());
    into.put(prefix + "fwt", measures.fwt());
    into.put(prefix + "forgetting", measures.forgetting());
  }

  private static SortedMap<String, Double> finite(Map<String, Double> metrics) {
    SortedMap<String, Double> finite = new TreeMap<>();
    metrics.forEach(
        (name, value) -> {
          if (Double.isFinite(value)) {
            finite.put(name, value);
          }
        });
    return finite;
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  /**
   * A new folder for a batch's files (the adapters it scores: weights trained on the keys' data),
   * which {@link #evaluate} deletes however the batch ends.
   */
  private Path batchFolder() {
    synchronized (LIVE) {
      try {
        Path ours = Files.createDirectories(scratch.resolve(Long.toString(PROCESS)));
        Path folder = Files.createTempDirectory(ours, "batch-");
        LIVE.add(folder);
        return folder;
      } catch (IOException e) {
        throw new EvaluatorException("Cannot create a scratch folder for adapters: " + e, e);
      }
    }
  }

  /**
   * Deletes the batch folders that an evaluator of this instance id killed mid-batch left in {@code
   * scratch}, a folder per process id: a dead process's folder whole, and in this process's (a
   * restarted container's JVM often has the same process id) every batch folder that no evaluator
   * of this process is evaluating in now (another base's, of the same id, keeps its batch). A live
   * process's folder is kept: two processes of one instance id on one host (test JVMs side by side)
   * never delete each other's batches.
   */
  private static void deleteLeftovers(Path scratch) {
    synchronized (LIVE) {
      for (Path processFolder : children(scratch)) {
        OptionalLong process = processOf(processFolder);
        if (process.isPresent() && process.getAsLong() == PROCESS) {
          for (Path batch : children(processFolder)) {
            if (!LIVE.contains(batch)) {
              deleteLeftover(batch);
            }
          }
        } else if (process.isEmpty()
            || ProcessHandle.of(process.getAsLong()).filter(ProcessHandle::isAlive).isEmpty()) {
          deleteLeftover(processFolder);
        }
      }
    }
  }

  /** The process id a folder in the instance's scratch folder is named by, or empty. */
  private static OptionalLong processOf(Path folder) {
    String name = folder.getFileName().toString();
    return name.matches("[0-9]{1,18}")
        ? OptionalLong.of(Long.parseLong(name))
        : OptionalLong.empty();
  }

  private static void deleteLeftover(Path folder) {
    log.info("Deleting scratch folder {} a stopped evaluator left", folder);
    Folders.deleteRecursively(folder);
  }

  private static List<Path> children(Path folder) {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> children = Files.list(folder)) {
      return children.toList();
    } catch (IOException e) {
      throw new EvaluatorException("Cannot list scratch folder " + folder + ": " + e, e);
    }
  }

  private static void deleteQuietly(Path folder) {
    try {
      Folders.deleteRecursively(folder);
    } catch (PerennialException e) {
      log.warn("Cannot remove scratch folder {}: {}", folder, e.getMessage());
    }
  }
}
