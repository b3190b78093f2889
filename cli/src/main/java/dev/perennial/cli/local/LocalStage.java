package dev.perennial.cli.local;

import dev.perennial.cli.sample.SampleEvents;
import java.io.PrintWriter;
import java.time.Duration;

/**
 * One service of the pipeline, run inside {@code perennial local} on the {@link LocalCluster}. The
 * run starts every stage at once, sends the sample events, waits for every stage in order to catch
 * up, asks each to report, and closes them in reverse order. A later stage (trainer, evaluator,
 * publisher) is one more implementation added to {@link LocalPipeline#standard}.
 */
public interface LocalStage extends AutoCloseable {

  /** A short name for messages: {@code ingest}, {@code trainer}, ... */
  String name();

  /** Starts the service on the cluster and returns once it works; says so on {@code out}. */
  void start(LocalCluster cluster, PrintWriter out) throws InterruptedException;

  /**
   * Whether the service reads the apps' topics (the sample events wait for these between phases).
   */
  default boolean readsAppEvents() {
    return false;
  }

  /**
   * Waits until the service has taken in what the apps' events made so far, where a later phase of
   * them must find it taken in (the sample's revocation must reach the trainer after the examples
   * before it were accumulated into jobs); by default there is nothing to wait for.
   */
  default void awaitAppEventsAccumulated(Duration timeout) throws InterruptedException {}

  /** Waits until the service has handled everything its input topics hold now. */
  void awaitCaughtUp(Duration timeout) throws InterruptedException;

  /**
   * Prints what the service made of the sample events and checks it against what they expect.
   *
   * @return whether the stage's output is what the sample events expect
   */
  boolean report(SampleEvents sent, PrintWriter out);

  /** Stops the service. */
  @Override
  void close();
}
