package dev.perennial.cli.local;

import dev.perennial.cli.sample.SampleEvents;
import dev.perennial.cli.sample.SamplePlan;
import dev.perennial.core.PerennialException;
import dev.perennial.core.kafka.PerennialTopic;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stages of {@code perennial local}, in pipeline order. The loop has a cycle (a release trained
 * on erased data makes the trainer retrain its key), so catching up repeats until a whole pass
 * leaves the pipeline's topics unchanged.
 */
public final class LocalPipeline implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalPipeline.class);

  private final List<LocalStage> stages;
  private final List<LocalStage> started = new ArrayList<>();
  private LocalCluster cluster;

  public LocalPipeline(List<LocalStage> stages) {
    this.stages = List.copyOf(stages);
  }

  /**
   * Every stage, in order, for the sample tenants of {@link SamplePlan#local()}; {@code stateDir}
   * holds their local state.
   */
  public static LocalPipeline standard(Path stateDir) {
    return standard(stateDir, SamplePlan.local().tenants());
  }

  /** Every stage, in order, for the given sample tenants (whose canaries the evaluator tests). */
  public static LocalPipeline standard(Path stateDir, List<String> tenants) {
    return new LocalPipeline(
        List.of(
            new IngestStage(stateDir),
            new TrainerStage(stateDir),
            new EvaluatorStage(stateDir, tenants),
            new PublisherStage(stateDir)));
  }

  /** The stage of the given type, once started. */
  public <S extends LocalStage> S stage(Class<S> type) {
    return started.stream()
        .filter(type::isInstance)
        .map(type::cast)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("No started " + type.getSimpleName()));
  }

  /**
   * Starts every stage at once (stages meet only through topics, so none waits for another; the
   * services' start-up waits overlap) and prints what each said on starting, in pipeline order.
   * When a stage fails to start, the others still finish starting (so that {@link #close} stops
   * them) and the first failure is thrown.
   */
  public void start(LocalCluster cluster, PrintWriter out) throws InterruptedException {
    this.cluster = cluster;
    ExecutorService starter = Executors.newFixedThreadPool(stages.size());
    try {
      List<Future<String>> said = new ArrayList<>();
      for (LocalStage stage : stages) {
        said.add(starter.submit(() -> startSaying(stage, cluster)));
      }
      Throwable failure = null;
      for (int i = 0; i < stages.size(); i++) {
        try {
          out.print(said.get(i).get());
          started.add(stages.get(i));
        } catch (ExecutionException e) {
          failure = failure == null ? e.getCause() : failure;
        }
      }
      out.flush();
      rethrow(failure);
    } finally {
      starter.shutdownNow();
    }
  }

  private static String startSaying(LocalStage stage, LocalCluster cluster)
      throws InterruptedException {
    StringWriter said = new StringWriter();
    try (PrintWriter out = new PrintWriter(said)) {
      stage.start(cluster, out);
    }
    return said.toString();
  }

  private static void rethrow(Throwable failure) throws InterruptedException {
    if (failure == null) {
      return;
    }
    if (failure instanceof InterruptedException interrupted) {
      throw interrupted;
    }
    if (failure instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (failure instanceof Error error) {
      throw error;
    }
    throw new PerennialException("A stage failed to start: " + failure.getMessage(), failure);
  }

  /** Waits until the stages that read the apps' topics have read everything in them. */
  public void awaitAppEventsRead(Duration timeout) throws InterruptedException {
    for (LocalStage stage : started) {
      if (stage.readsAppEvents()) {
        stage.awaitCaughtUp(timeout);
      }
    }
  }

  /**
   * Waits until the stages that read the apps' topics have read everything in them, and every stage
   * has then taken in what they made ({@link LocalStage#awaitAppEventsAccumulated}): between the
   * phases of {@code perennial local}'s sample events, so that each phase finds the one before it
   * accumulated into jobs whatever the machine's speed.
   */
  public void awaitAppEventsAccumulated(Duration timeout) throws InterruptedException {
    awaitAppEventsRead(timeout);
    for (LocalStage stage : started) {
      stage.awaitAppEventsAccumulated(timeout);
    }
  }

  /**
   * Waits until every stage, in order, has handled everything in its input topics, and again until
   * a whole pass writes nothing new to the pipeline's topics.
   */
  public void awaitCaughtUp(Duration timeout) throws InterruptedException {
    ConsumerGroupProgress topics =
        new ConsumerGroupProgress(
            cluster.admin(),
            cluster.config().clientProperties(),
            "perennial-local",
            List.of(
                    PerennialTopic.EXAMPLES,
                    PerennialTopic.ERASURES,
                    PerennialTopic.TRAINING_JOBS,
                    PerennialTopic.CANDIDATES,
                    PerennialTopic.VERDICTS,
                    PerennialTopic.RELEASES,
                    PerennialTopic.JOB_OUTCOMES)
                .stream()
                .map(cluster.catalog()::name)
                .toList());
    long before;
    long after = topics.endOffsetSum();
    do {
      before = after;
      for (LocalStage stage : started) {
        stage.awaitCaughtUp(timeout);
      }
      after = topics.endOffsetSum();
      if (after != before) {
        log.info("The pipeline wrote {} more records; catching up again", after - before);
      }
    } while (after != before);
  }

  /**
   * Lets every stage report on the sample events.
   *
   * @return whether every stage's output is what the sample events expect
   */
  public boolean report(SampleEvents sent, PrintWriter out) {
    boolean allAsExpected = true;
    for (LocalStage stage : started) {
      allAsExpected &= stage.report(sent, out);
    }
    return allAsExpected;
  }

  @Override
  public void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (RuntimeException e) {
        log.warn("Stopping the {} stage failed", started.get(i).name(), e);
      }
    }
    started.clear();
  }
}
