package dev.perennial.cli.local;

import dev.perennial.cli.sample.SampleEvents;
import dev.perennial.core.PerennialException;
import dev.perennial.core.files.Folders;
import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.StageAcls.Stage;
import dev.perennial.trainer.accumulate.AccumulatorTopology;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.local.LocalTrainer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The trainer inside {@code perennial local}: its accumulator and one worker ({@link LocalTrainer},
 * with triggers and a recipe sized for the sample stream), training on the examples ingest writes.
 */
public final class TrainerStage implements LocalStage {

  /** What the worker's readiness says when it has no job. */
  private static final String IDLE = "idle";

  private static final Duration POLL = Duration.ofMillis(200);

  private final Path stateDir;
  private LocalCluster cluster;
  private LocalTrainer trainer;

  /**
   * The sum of the examples topic's end offsets the last time the accumulator had read up to it and
   * the whole maximum wait ran out after; -1 before.
   */
  private long examplesWaitedOut = -1;

  public TrainerStage(Path stateDir) {
    this.stateDir = stateDir;
  }

  /**
   * The trainer's configuration in a local run.
   *
   * @throws dev.perennial.core.config.InvalidConfigurationException listing every problem
   */
  public static TrainerConfig config(Map<String, String> clusterValues, Path stateDir) {
    return new TrainerConfig(
        IngestStage.withLocalMasterKeys(
            LocalTrainer.localValues(clusterValues, stateDir.toAbsolutePath())));
  }

  @Override
  public String name() {
    return "trainer";
  }

  @Override
  public void start(LocalCluster cluster, PrintWriter out) {
    this.cluster = cluster;
    this.examplesWaitedOut = -1;
    TrainerConfig config = config(cluster.values(Stage.TRAINER_ACCUMULATOR), stateDir);
    Folders.deleteRecursively(
        Path.of(config.originalsStrings().get(StreamsConfig.STATE_DIR_CONFIG)));
    trainer =
        LocalTrainer.start(config, config(cluster.values(Stage.TRAINER_WORKER), stateDir), out);
    out.printf(
        "Trainer           accumulator %s and worker %s running%n",
        trainer.config().accumulatorApplicationId(), trainer.config().workerId());
    out.flush();
  }

  /**
   * Waits until the accumulator has read every example and erasure, and then every event it
   * re-keyed by tenant from them: each example then sits in a pending batch or in a job sealed on
   * its count, and each erasure has reached what it erases.
   */
  @Override
  public void awaitAppEventsAccumulated(Duration timeout) throws InterruptedException {
    TrainerConfig config = trainer.config();
    Map<String, Object> client = cluster.config().clientProperties();
    String applicationId = config.accumulatorApplicationId();
    new ConsumerGroupProgress(
            cluster.admin(),
            client,
            applicationId,
            List.of(
                cluster.catalog().name(PerennialTopic.EXAMPLES),
                cluster.catalog().name(PerennialTopic.ERASURES)))
        .awaitCaughtUp(timeout);
    // the ends of the re-keyed topic are read only now, after the accumulator wrote to it
    new ConsumerGroupProgress(
            cluster.admin(), client, applicationId, List.of(eventsByTenant(applicationId)))
        .awaitCaughtUp(timeout);
  }

  /**
   * Waits until the accumulator has read every example, whatever was pending has had its maximum
   * wait, the worker has read every job and is idle. (The worker commits "job + 1", which stays
   * behind the transaction marker at the end of the jobs topic; {@link ConsumerGroupProgress}
   * allows for that.)
   *
   * <p>Only an example starts a maximum wait, so when no example arrived since the accumulator read
   * them all and that whole wait ran out (a later pass of {@link LocalPipeline#awaitCaughtUp}), no
   * maximum wait is left to run out: the accumulator then need only have read every input and
   * planned on its check once more (REBASE jobs are planned on the check, from releases it read).
   */
  @Override
  public void awaitCaughtUp(Duration timeout) throws InterruptedException {
    TrainerConfig config = trainer.config();
    Map<String, Object> client = cluster.config().clientProperties();
    ConsumerGroupProgress examples =
        new ConsumerGroupProgress(
            cluster.admin(),
            client,
            config.accumulatorApplicationId(),
            List.of(cluster.catalog().name(PerennialTopic.EXAMPLES)));
    long examplesEnd = examples.endOffsetSum();
    examples.awaitCaughtUp(timeout);
    if (examplesEnd != examplesWaitedOut) {
      Thread.sleep(
          config
              .defaultTriggers()
              .maxWait()
              .plus(config.triggerCheckInterval())
              .multipliedBy(2)
              .toMillis());
      examplesWaitedOut = examplesEnd;
    } else {
      new ConsumerGroupProgress(
              cluster.admin(),
              client,
              config.accumulatorApplicationId(),
              accumulatorInputs(config.accumulatorApplicationId()))
          .awaitCaughtUp(timeout);
      Thread.sleep(config.triggerCheckInterval().multipliedBy(2).toMillis());
    }
    new ConsumerGroupProgress(
            cluster.admin(),
            client,
            config.workerGroupId(),
            List.of(cluster.catalog().name(PerennialTopic.TRAINING_JOBS)))
        .awaitCaughtUp(timeout);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!trainer.readiness().detail().equals(IDLE)) {
      if (System.nanoTime() > deadline) {
        throw new PerennialException("The trainer worker did not finish its job within " + timeout);
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /** Every topic the accumulator reads, its repartition topic included (AccumulatorTopology). */
  private List<String> accumulatorInputs(String applicationId) {
    List<String> topics = new ArrayList<>();
    for (PerennialTopic topic :
        List.of(
            PerennialTopic.EXAMPLES,
            PerennialTopic.ERASURES,
            PerennialTopic.CANDIDATES,
            PerennialTopic.RELEASES,
            PerennialTopic.VERDICTS,
            PerennialTopic.JOB_OUTCOMES)) {
      topics.add(cluster.catalog().name(topic));
    }
    topics.add(eventsByTenant(applicationId));
    return topics;
  }

  /** The accumulator's repartition topic of events re-keyed by tenant (AccumulatorTopology). */
  private static String eventsByTenant(String applicationId) {
    return applicationId + "-" + AccumulatorTopology.EVENTS_BY_TENANT + "-repartition";
  }

  /**
   * Prints the jobs and candidates. Always as expected: the sample's revocation makes the trainer
   * rewrite shards and skip the jobs sealed on them (named in the report), so a job without a
   * candidate is no failure here.
   */
  @Override
  public boolean report(SampleEvents sent, PrintWriter out) {
    trainer.report(out);
    return true;
  }

  @Override
  public void close() {
    if (trainer != null) {
      trainer.close();
      trainer = null;
    }
  }
}
