package dev.perennial.core.kafka;

import dev.perennial.core.config.StreamsSettings;
import dev.perennial.core.health.Readiness;
import dev.perennial.core.metrics.ServiceMetrics;
import dev.perennial.core.service.Backoff;
import dev.perennial.core.service.FailureText;
import dev.perennial.core.service.Service;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.processor.TaskId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka Streams application as a {@link Service} (ingest, the trainer's accumulator):
 *
 * <ul>
 *   <li>ready while Streams is RUNNING and no outage is reported;
 *   <li>a stream thread that dies of a failure {@code outage} recognises (the schema registry does
 *       not answer) is replaced after a bounded pause: its tasks read their records again from the
 *       last commit, so nothing is skipped and nothing is committed past;
 *   <li>any other failure stops the client (Streams ERROR): the service has failed, its {@code
 *       /health/live} fails and its process exits non-zero, to be restarted, both naming the
 *       failure's cause rather than the Streams wrapper around it ({@link #describe});
 *   <li>closed, it leaves its consumer group, so the other instances of the application take its
 *       partitions at once (a rolling update) rather than once its session has timed out.
 * </ul>
 */
public final class StreamsService implements Service {

  private static final Logger log = LoggerFactory.getLogger(StreamsService.class);

  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
  private static final Duration MAX_PAUSE = Duration.ofSeconds(30);

  /** After this long without an outage, the next one starts with the first pause again. */
  private static final Duration CALM = Duration.ofMinutes(2);

  private final String name;
  private final KafkaStreams streams;
  private final Predicate<Throwable> outage;
  private final Supplier<Optional<Readiness>> outageReadiness;
  private final Duration failedCloseTimeout;
  private final Backoff backoff = new Backoff(FIRST_PAUSE, MAX_PAUSE);
  private final AtomicReference<String> failure = new AtomicReference<>();
  private long lastOutageNanos;
  private volatile boolean closing;

  private StreamsService(
      String name,
      KafkaStreams streams,
      Predicate<Throwable> outage,
      Supplier<Optional<Readiness>> outageReadiness,
      Duration failedCloseTimeout) {
    this.name = name;
    this.streams = streams;
    this.outage = outage;
    this.outageReadiness = outageReadiness;
    this.failedCloseTimeout = failedCloseTimeout;
  }

  /**
   * Starts {@code topology} with {@code properties}, its meters bound to {@code metrics}.
   *
   * @param name the service's name in messages ({@code ingest}, {@code accumulator})
   * @param outage which failures of a stream thread are outages to wait out
   * @param outageReadiness what readiness says while an outage lasts, or empty when there is none
   * @param failedCloseTimeout how long a client that failed on its own is given to close ({@link
   *     StreamsSettings#FAILED_CLOSE_TIMEOUT_MS_CONFIG})
   */
  public static StreamsService start(
      String name,
      Topology topology,
      Map<String, Object> properties,
      ServiceMetrics metrics,
      Predicate<Throwable> outage,
      Supplier<Optional<Readiness>> outageReadiness,
      Duration failedCloseTimeout) {
    Properties streamsProperties = new Properties();
    streamsProperties.putAll(properties);
    KafkaStreams streams = new KafkaStreams(topology, streamsProperties);
    metrics.bind(streams);
    StreamsService service =
        new StreamsService(name, streams, outage, outageReadiness, failedCloseTimeout);
    streams.setStateListener(service::onStateChange);
    streams.setUncaughtExceptionHandler(service::onThreadFailure);
    streams.start();
    return service;
  }

  private StreamThreadExceptionResponse onThreadFailure(Throwable exception) {
    if (outage.test(exception) && !closing) {
      Duration pause = pauseAfterOutage();
      log.warn(
          "{}: a stream thread stopped on an outage ({}); replacing it in {} ms, retry {}",
          name,
          exception.toString(),
          pause.toMillis(),
          backoff.failures());
      try {
        Thread.sleep(pause.toMillis());
        return StreamThreadExceptionResponse.REPLACE_THREAD;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    fail(describe(exception), exception);
    return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
  }

  /**
   * What killed the client, as {@code /health/live} and the exit message report it: not the Streams
   * wrapper ("Exception caught in process. taskId=..., stacktrace=..."), but its cause as {@link
   * FailureText} words it, with the task it failed in.
   */
  static String describe(Throwable failure) {
    TaskId task = null;
    for (Throwable cause : FailureText.chain(failure)) {
      if (task == null && cause instanceof StreamsException streams) {
        task = streams.taskId().orElse(null);
      }
    }
    return FailureText.describe("failed" + (task == null ? "" : " in task " + task) + ":", failure);
  }

  private synchronized Duration pauseAfterOutage() {
    long now = System.nanoTime();
    if (now - lastOutageNanos > CALM.toNanos()) {
      backoff.reset();
    }
    lastOutageNanos = now;
    return backoff.next();
  }

  private void onStateChange(KafkaStreams.State newState, KafkaStreams.State oldState) {
    log.info("{} state {} -> {}", name, oldState, newState);
    if (closing) {
      return;
    }
    if (newState == KafkaStreams.State.ERROR || newState == KafkaStreams.State.PENDING_ERROR) {
      fail("Kafka Streams " + newState, null);
    } else if (newState == KafkaStreams.State.PENDING_SHUTDOWN
        || newState == KafkaStreams.State.NOT_RUNNING) {
      fail("Kafka Streams stopped on its own (" + newState + ")", null);
    }
  }

  private void fail(String reason, Throwable cause) {
    if (failure.compareAndSet(null, reason)) {
      log.error("{} {}", name, reason, cause);
    }
  }

  @Override
  public Readiness readiness() {
    KafkaStreams.State state = streams.state();
    if (state != KafkaStreams.State.RUNNING) {
      return Readiness.notReady("Kafka Streams " + state);
    }
    return outageReadiness.get().orElse(Readiness.ready("Kafka Streams " + state));
  }

  @Override
  public Optional<String> failure() {
    return Optional.ofNullable(failure.get());
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /** Waits until Streams is RUNNING; false if it is not within {@code timeout} or has failed. */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (streams.state() != KafkaStreams.State.RUNNING) {
      if (System.nanoTime() > deadline || failure.get() != null) {
        return false;
      }
      Thread.sleep(50);
    }
    return true;
  }

  @Override
  public void close() {
    closing = true;
    // A client that failed shuts itself down and may wait out a transaction abort (max.block.ms)
    // meanwhile; its process is about to exit for a restart, and the next instance fences the open
    // transaction, so it gets a short while only (a setting: tests that kill a client on purpose
    // need not wait it out).
    Duration timeout = failure.get() == null ? CLOSE_TIMEOUT : failedCloseTimeout;
    // Leaves the consumer group: Streams' own default is to stay, and then the partitions this
    // instance owned wait, unprocessed, until its session times out (session.timeout.ms, 45 s)
    // before another instance gets them; in a rolling update, for every pod replaced. Its members
    // are dynamic (no group.instance.id): a restarted instance joins as a new member anyway, so
    // staying saves no rebalance.
    CloseOptions options =
        CloseOptions.timeout(timeout)
            .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP);
    if (!streams.close(options)) {
      log.warn("{}: Kafka Streams did not stop within {}", name, timeout);
    }
    log.info("{} stopped", name);
  }
}
