package dev.perennial.cli.local;

import dev.perennial.cli.sample.SampleEvents;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The stages of {@code perennial local}, in pipeline order. */
public final class LocalPipeline implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalPipeline.class);

  private final List<LocalStage> stages;
  private final List<LocalStage> started = new ArrayList<>();

  public LocalPipeline(List<LocalStage> stages) {
    this.stages = List.copyOf(stages);
  }

  /** Every stage Perennial has so far, in order; {@code stateDir} holds their local state. */
  public static LocalPipeline standard(Path stateDir) {
    return new LocalPipeline(List.of(new IngestStage(stateDir), new TrainerStage(stateDir)));
  }

  public void start(LocalCluster cluster, PrintWriter out) throws InterruptedException {
    for (LocalStage stage : stages) {
      stage.start(cluster, out);
      started.add(stage);
    }
  }

  /** Waits until the stages that read the apps' topics have read everything in them. */
  public void awaitAppEventsRead(Duration timeout) throws InterruptedException {
    for (LocalStage stage : started) {
      if (stage.readsAppEvents()) {
        stage.awaitCaughtUp(timeout);
      }
    }
  }

  /** Waits until every stage, in order, has handled everything in its input topics. */
  public void awaitCaughtUp(Duration timeout) throws InterruptedException {
    for (LocalStage stage : started) {
      stage.awaitCaughtUp(timeout);
    }
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
