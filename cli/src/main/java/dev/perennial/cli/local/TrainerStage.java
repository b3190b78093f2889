package dev.perennial.cli.local;

import dev.perennial.cli.sample.SampleEvents;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.local.LocalTrainer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The trainer inside {@code perennial local}: its accumulator and one worker ({@link LocalTrainer},
 * with triggers and a recipe sized for the sample stream), training on the examples ingest writes.
 */
public final class TrainerStage implements LocalStage {

  private final Path stateDir;
  private LocalCluster cluster;
  private LocalTrainer trainer;

  public TrainerStage(Path stateDir) {
    this.stateDir = stateDir;
  }

  /**
   * The trainer's configuration in a local run.
   *
   * @throws dev.perennial.core.config.InvalidConfigurationException listing every problem
   */
  public static TrainerConfig config(Map<String, String> clusterValues, Path stateDir) {
    return new TrainerConfig(LocalTrainer.localValues(clusterValues, stateDir.toAbsolutePath()));
  }

  @Override
  public String name() {
    return "trainer";
  }

  @Override
  public void start(LocalCluster cluster, PrintWriter out) {
    this.cluster = cluster;
    trainer = LocalTrainer.start(config(cluster.values(), stateDir), out);
    out.printf(
        "Trainer           accumulator %s and worker %s running%n",
        trainer.config().accumulatorApplicationId(), trainer.config().workerId());
    out.flush();
  }

  @Override
  public void awaitCaughtUp(Duration timeout) throws InterruptedException {
    trainer.awaitCaughtUp(cluster.admin(), timeout);
  }

  @Override
  public boolean report(SampleEvents sent, PrintWriter out) {
    return trainer.report(out);
  }

  @Override
  public void close() {
    if (trainer != null) {
      trainer.close();
      trainer = null;
    }
  }
}
