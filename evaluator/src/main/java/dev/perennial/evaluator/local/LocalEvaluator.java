package dev.perennial.evaluator.local;

import dev.perennial.core.health.Readiness;
import dev.perennial.core.metrics.ServiceMetrics;
import dev.perennial.evaluator.area.EvaluationArea;
import dev.perennial.evaluator.config.EvaluatorConfig;
import dev.perennial.evaluator.report.ReportIndex;
import dev.perennial.evaluator.service.EvaluatorService;
import dev.perennial.evaluator.suite.CanaryFile;
import dev.perennial.evaluator.suite.PlantedCanary;
import dev.perennial.model.world.Canary;
import dev.perennial.model.world.World;
import dev.perennial.schemas.v1.EvaluationOutcome;
import dev.perennial.schemas.v1.EvaluationVerdict;
import dev.perennial.schemas.v1.Gate;
import dev.perennial.schemas.verdict.Outcomes;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * The evaluator inside {@code perennial local}: one instance on the local cluster, its evaluation
 * area under the state folder, and the sample tenants' canary files written from the synthetic
 * world (the secrets their sample documents plant), exactly as an operator would configure them.
 */
public final class LocalEvaluator implements AutoCloseable {

  private final EvaluatorConfig config;
  private final ServiceMetrics metrics;
  private final EvaluatorService service;
  private final List<EvaluationVerdict> verdicts = new CopyOnWriteArrayList<>();

  private LocalEvaluator(EvaluatorConfig config, ServiceMetrics metrics, EvaluatorService service) {
    this.config = config;
    this.metrics = metrics;
    this.service = service;
    service.onVerdict(verdicts::add);
  }

  /**
   * The local run's evaluator values on top of the cluster's: the evaluation area and canary files
   * under {@code stateDir} (each tenant's canaries from {@code world}, unless configured), the
   * instance id {@code local}. Configured values win.
   */
  public static Map<String, String> localValues(
      Map<String, String> clusterValues, Path stateDir, World world, List<String> tenants) {
    Map<String, String> values = new HashMap<>(clusterValues);
    values.putIfAbsent(
        EvaluatorConfig.EVALUATION_PATH_CONFIG, stateDir.resolve("evaluations").toString());
    values.putIfAbsent(EvaluatorConfig.INSTANCE_ID_CONFIG, "local");
    for (String tenant : tenants) {
      String key =
          EvaluatorConfig.TENANT_PREFIX + tenant + EvaluatorConfig.TENANT_CANARY_FILE_SUFFIX;
      if (!values.containsKey(key)) {
        Path file = stateDir.resolve("canaries").resolve(tenant + ".jsonl");
        CanaryFile.write(file, canaries(world, tenant));
        values.put(key, file.toString());
      }
    }
    return values;
  }

  /** The canaries the world plants in a tenant's sample documents, in the canary file's terms. */
  public static List<PlantedCanary> canaries(World world, String tenant) {
    List<Canary> planted = world.tenant(tenant).canaries();
    List<PlantedCanary> canaries = new ArrayList<>();
    for (int i = 0; i < planted.size(); i++) {
      Canary canary = planted.get(i);
      // Canary.text() is prefix + secret + "."
      canaries.add(new PlantedCanary(tenant, i + 1, canary.prefix(), canary.secret(), "."));
    }
    return canaries;
  }

  /** Starts the evaluator, printing its progress on {@code console}. */
  public static LocalEvaluator start(EvaluatorConfig config, PrintWriter console) {
    ServiceMetrics metrics = ServiceMetrics.create("evaluator");
    try {
      return new LocalEvaluator(
          config, metrics, EvaluatorService.start(config, metrics.registry(), console));
    } catch (RuntimeException e) {
      metrics.close();
      throw e;
    }
  }

  public EvaluatorConfig config() {
    return config;
  }

  public Readiness readiness() {
    return service.readiness();
  }

  /** The verdicts committed so far. */
  public List<EvaluationVerdict> verdicts() {
    return List.copyOf(verdicts);
  }

  /** Writes the index of every report and returns its path. */
  public Path writeIndex() {
    return ReportIndex.write(new EvaluationArea(config.evaluationPath()));
  }

  /**
   * Prints every verdict (key, outcome, candidate, the gates that failed or lack evidence; for
   * insufficient evidence, what follows: {@link Outcomes#afterInsufficientEvidence}), the scoring
   * figures and the path of the report index.
   */
  public void report(PrintWriter out) {
    List<EvaluationVerdict> all = verdicts();
    Map<EvaluationOutcome, Long> counts =
        all.stream().collect(Collectors.groupingBy(Outcomes::of, Collectors.counting()));
    out.printf(
        "Verdicts          %d: %d passed, %d failed, %d insufficient evidence%n",
        all.size(),
        counts.getOrDefault(EvaluationOutcome.PASSED, 0L),
        counts.getOrDefault(EvaluationOutcome.FAILED, 0L),
        counts.getOrDefault(EvaluationOutcome.INSUFFICIENT_EVIDENCE, 0L));
    for (EvaluationVerdict verdict : all) {
      out.printf(
          Locale.ROOT,
          "  %-22s %-12s %s%s%n",
          verdict.getAdapterKey(),
          label(Outcomes.of(verdict)),
          verdict.getCandidate().getCandidateId(),
          detail(verdict));
    }
    out.printf("Scoring           %s%n", service.scoringStats());
    out.printf("Evaluation report %s%n", writeIndex().toAbsolutePath());
    out.flush();
  }

  private static String label(EvaluationOutcome outcome) {
    return switch (outcome) {
      case PASSED -> "passed";
      case INSUFFICIENT_EVIDENCE -> "INSUFFICIENT";
      default -> "FAILED";
    };
  }

  /** {@code (failing retention.general)}, or what lacks evidence and what follows. */
  static String detail(EvaluationVerdict verdict) {
    EvaluationOutcome outcome = Outcomes.of(verdict);
    if (outcome == EvaluationOutcome.PASSED) {
      return "";
    }
    String gates =
        verdict.getGates().stream()
            .filter(g -> Outcomes.of(g) == outcome)
            .map(Gate::getName)
            .collect(Collectors.joining(", "));
    return outcome == EvaluationOutcome.INSUFFICIENT_EVIDENCE
        ? " (evidence lacking in "
            + gates
            + "; "
            + Outcomes.afterInsufficientEvidence(verdict.getCandidate())
            + ")"
        : " (failing " + gates + ")";
  }

  @Override
  public void close() {
    try {
      service.close();
    } finally {
      metrics.close();
    }
  }
}
