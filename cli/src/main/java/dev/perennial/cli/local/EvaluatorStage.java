package dev.perennial.cli.local;

import dev.perennial.cli.RedactedCanaries;
import dev.perennial.cli.sample.SampleEvents;
import dev.perennial.core.PerennialException;
import dev.perennial.core.files.Folders;
import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.StageAcls.Stage;
import dev.perennial.evaluator.config.EvaluatorConfig;
import dev.perennial.evaluator.local.LocalEvaluator;
import dev.perennial.model.world.World;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The evaluator inside {@code perennial local} ({@link LocalEvaluator}): it gates the trainer's
 * candidates, printing each batch and verdict, with the sample tenants' canaries from the synthetic
 * world. Its evaluation area ({@code <state-dir>/evaluations} unless configured) is cleared at
 * start; its report ends with the path of the report index and each candidate's time queued and
 * worked on ({@link CandidateTimes}).
 */
public final class EvaluatorStage implements LocalStage {

  private static final Duration POLL = Duration.ofMillis(200);
  private static final String IDLE = "idle";

  private final Path stateDir;
  private final List<String> tenants;
  private LocalCluster cluster;
  private LocalEvaluator evaluator;

  /**
   * @param tenants the sample tenants, whose canaries the world plants in their documents
   */
  public EvaluatorStage(Path stateDir, List<String> tenants) {
    this.stateDir = stateDir;
    this.tenants = List.copyOf(tenants);
  }

  /**
   * The evaluator's configuration in a local run (writes the tenants' canary files).
   *
   * @throws dev.perennial.core.config.InvalidConfigurationException listing every problem
   */
  public static EvaluatorConfig config(
      Map<String, String> clusterValues, Path stateDir, List<String> tenants) {
    return RedactedCanaries.checked(
        new EvaluatorConfig(
            LocalEvaluator.localValues(
                clusterValues, stateDir.toAbsolutePath(), World.standard(), tenants)));
  }

  @Override
  public String name() {
    return "evaluator";
  }

  @Override
  public void start(LocalCluster cluster, PrintWriter out) {
    this.cluster = cluster;
    EvaluatorConfig config = config(cluster.values(Stage.EVALUATOR), stateDir, tenants);
    if (!cluster.values().containsKey(EvaluatorConfig.EVALUATION_PATH_CONFIG)) {
      Folders.deleteRecursively(config.evaluationPath());
    }
    evaluator = LocalEvaluator.start(config, out);
    out.printf(
        "Evaluator         %s running (evaluation area %s; canaries of %s)%n",
        config.instanceId(),
        config.evaluationPath().toAbsolutePath(),
        String.join(", ", new TreeSet<>(config.canaryFiles().keySet())));
    out.flush();
  }

  /** Waits until the evaluator has committed a verdict for every candidate and is idle. */
  @Override
  public void awaitCaughtUp(Duration timeout) throws InterruptedException {
    new ConsumerGroupProgress(
            cluster.admin(),
            cluster.config().clientProperties(),
            evaluator.config().groupId(),
            List.of(cluster.catalog().name(PerennialTopic.CANDIDATES)))
        .awaitCaughtUp(timeout);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!evaluator.readiness().detail().equals(IDLE)) {
      if (!evaluator.readiness().ready()) {
        throw new PerennialException("The evaluator stopped: " + evaluator.readiness().detail());
      }
      if (System.nanoTime() > deadline) {
        throw new PerennialException("The evaluator did not finish its batch within " + timeout);
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /**
   * Prints every verdict and the report index. Refusals are no failure of the run: a gate doing its
   * job is what the loop is for.
   */
  @Override
  public boolean report(SampleEvents sent, PrintWriter out) {
    evaluator.report(out);
    CandidateTimes.print(
        CandidateTimes.of(
            evaluator.verdicts(),
            TopicRecords.readAll(
                    cluster.config().clientProperties(), cluster.topics().trainingJobs())
                .stream()
                .map(ConsumerRecord::value)
                .filter(Objects::nonNull)
                .toList()),
        out);
    out.flush();
    return true;
  }

  /** The verdicts so far (tests). */
  public LocalEvaluator evaluator() {
    return evaluator;
  }

  @Override
  public void close() {
    if (evaluator != null) {
      evaluator.close();
      evaluator = null;
    }
  }
}
