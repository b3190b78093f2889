package dev.perennial.core.service;

import dev.perennial.core.PerennialException;
import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.health.HealthServer;
import dev.perennial.core.health.Readiness;
import dev.perennial.core.metrics.ServiceMetrics;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one lifecycle of a service process, shared by the five service commands ({@code perennial
 * ingest}, {@code trainer accumulator}, {@code trainer worker}, {@code evaluator}, {@code
 * publisher}): the service starts with its meters, {@code /metrics} and {@code /health/*} are
 * served on {@code perennial.http.host}:{@code perennial.http.port} ({@code /health/live} fails
 * once the service has failed), the process runs until it is asked to stop (SIGTERM, Ctrl-C) or the
 * service fails on its own, then it is stopped (see below) and the exit code says which: {@value
 * #EXIT_STOPPED} after a requested stop, {@value #EXIT_FAILED} after a failure, so an orchestrator
 * restarts it.
 *
 * <p>{@code /health/*} and {@code /metrics} are served from before the service starts: while it
 * loads its state (the publisher hashes every served release, which takes long on a large release
 * area) {@code /health/live} is 200 and {@code /health/ready} 503 {@code starting}, so an
 * orchestrator's startup probe on liveness waits for it instead of restarting it forever. A start
 * that fails stops serving and throws, and the command exits with {@value #EXIT_FAILED}. A start
 * that hangs is bounded by {@value PerennialConfig#START_TIMEOUT_MS_CONFIG}: past it {@code
 * /health/live} is 503 naming the stuck start, the start is interrupted and given {@link
 * #STUCK_START_GRACE} to give up, and the start fails ({@link StartTimeoutException}); the command
 * exits with {@value #EXIT_FAILED}. The start runs on a thread of its own ({@code
 * perennial-start-<name>}, a daemon: one stuck where an interrupt does not reach keeps no JVM
 * alive), and a service it returns after all is closed.
 *
 * <p>A stop makes the service unready first: {@code /health/ready} turns 503 {@code stopping} while
 * {@code /health/live} stays 200, the service stops, and only then does the HTTP server (health,
 * metrics and the service's own routes) close, so probes never meet a refused connection while the
 * service stops. A stop asked for while the service starts (SIGTERM during a long start) interrupts
 * the start instead of waiting for it: readiness is 503 {@code stopping}, the start is given {@link
 * #STOPPED_START_GRACE} to give up, and the command exits with {@value #EXIT_STOPPED} as after any
 * requested stop.
 *
 * <p>Tests and {@code perennial local} start services the same way ({@link #start}) and stop them
 * by closing.
 */
public final class ServiceProcess<S extends Service> implements AutoCloseable {

  public static final int EXIT_STOPPED = 0;
  public static final int EXIT_FAILED = 1;

  /**
   * How long a start past its deadline is given, once interrupted, to give up and release what it
   * holds before the start fails regardless; {@code /health/live} is 503 meanwhile.
   */
  public static final Duration STUCK_START_GRACE = Duration.ofSeconds(60);

  /**
   * How long a start interrupted by a requested stop is given to give up before the command exits
   * regardless (its thread is a daemon): well inside the chart's 60 s grace period.
   */
  public static final Duration STOPPED_START_GRACE = Duration.ofSeconds(20);

  private static final Logger log = LoggerFactory.getLogger(ServiceProcess.class);
  private static final Duration CHECK_EVERY = Duration.ofMillis(250);

  /** The start did not return within {@value PerennialConfig#START_TIMEOUT_MS_CONFIG}. */
  public static final class StartTimeoutException extends PerennialException {

    private static final long serialVersionUID = 1L;

    StartTimeoutException(String message) {
      super(message);
    }
  }

  /** A stop was asked for while the service started; the start was interrupted. */
  static final class StartStoppedException extends PerennialException {

    private static final long serialVersionUID = 1L;

    StartStoppedException(String message) {
      super(message);
    }
  }

  /** What a command says at each step of the lifecycle. */
  public interface Events<S extends Service> {

    /** The service runs and its endpoints answer. */
    void started(ServiceProcess<S> process);

    /** The service failed on its own, for {@code reason}; the process exits non-zero. */
    void failed(String reason);

    /** A stop was requested; the service is being closed. */
    void stopping();

    /** Everything is closed after a requested stop. */
    void stopped();

    /** Events that are only logged: a process without a console. */
    static <S extends Service> Events<S> logged(String name) {
      return new Events<>() {
        @Override
        public void started(ServiceProcess<S> process) {
          log.info("{} up; metrics and health on port {}", name, process.httpPort());
        }

        @Override
        public void failed(String reason) {
          log.error("{} failed: {}", name, reason);
        }

        @Override
        public void stopping() {
          log.info("Stopping {}", name);
        }

        @Override
        public void stopped() {
          log.info("{} stopped", name);
        }
      };
    }
  }

  private final String name;
  private final ServiceMetrics metrics;
  private final S service;
  private final HealthServer http;
  private final AtomicReference<String> stopping;

  private ServiceProcess(
      String name,
      ServiceMetrics metrics,
      S service,
      HealthServer http,
      AtomicReference<String> stopping) {
    this.name = name;
    this.metrics = metrics;
    this.service = service;
    this.http = http;
    this.stopping = stopping;
  }

  /**
   * Starts the HTTP endpoints (meters tagged {@code service=<name>}), then the service: until it
   * has started, live and not ready ({@code starting}); then as the service says. A start that
   * takes longer than {@link PerennialConfig#startTimeout()} is stuck: live turns 503 naming it,
   * and the start fails.
   *
   * @param starter starts the service on the meters; it returns once the service works
   * @throws StartTimeoutException when the start is stuck
   */
  public static <S extends Service> ServiceProcess<S> start(
      String name, PerennialConfig config, Function<ServiceMetrics, S> starter) {
    return start(name, config, starter, new CompletableFuture<>());
  }

  /**
   * {@link #start(String, PerennialConfig, Function)}, interrupted once {@code stop} completes.
   *
   * @throws StartStoppedException when {@code stop} completed before the service started
   */
  private static <S extends Service> ServiceProcess<S> start(
      String name,
      PerennialConfig config,
      Function<ServiceMetrics, S> starter,
      CompletableFuture<Void> stop) {
    ServiceMetrics metrics = ServiceMetrics.create(name);
    AtomicReference<S> started = new AtomicReference<>();
    AtomicReference<String> stuck = new AtomicReference<>();
    AtomicReference<String> stopping = new AtomicReference<>();
    long since = System.nanoTime();
    HealthServer http = null;
    S service = null;
    try {
      http =
          HealthServer.start(
              config,
              metrics.registry(),
              () -> {
                S running = started.get();
                String why = stopping.get() != null ? stopping.get() : stuck.get();
                return why != null
                    ? Readiness.notReady(why)
                    : running != null ? running.readiness() : starting(name, since);
              },
              () -> {
                S running = started.get();
                return running != null ? running.failure() : Optional.ofNullable(stuck.get());
              });
      service =
          startWithin(
              name, config.startTimeout(), () -> starter.apply(metrics), stuck, stop, stopping);
      started.set(service);
      service.route(http);
      return new ServiceProcess<>(name, metrics, service, http, stopping);
    } catch (RuntimeException e) {
      try {
        if (http != null) {
          http.close();
        }
        if (service != null) {
          service.close();
        }
      } finally {
        metrics.close();
      }
      throw e;
    }
  }

  /**
   * Runs {@code starter} on a thread of its own and returns what it returns, or rethrows what it
   * throws; past {@code limit}, sets {@code stuck} (live turns 503), interrupts it, waits up to
   * {@link #STUCK_START_GRACE} for it to give up and throws. Once {@code stop} completes first,
   * sets {@code stopping} (ready turns 503), interrupts it, waits up to {@link
   * #STOPPED_START_GRACE} and throws {@link StartStoppedException}. What it returns too late is
   * closed.
   */
  private static <S extends Service> S startWithin(
      String name,
      Duration limit,
      Supplier<S> starter,
      AtomicReference<String> stuck,
      CompletableFuture<Void> stop,
      AtomicReference<String> stopping) {
    CompletableFuture<S> result = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                result.complete(starter.get());
              } catch (Throwable e) {
                result.completeExceptionally(e);
              }
            },
            "perennial-start-" + name);
    thread.setDaemon(true);
    thread.start();
    try {
      CompletableFuture.anyOf(result, stop).get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      // the start failed: reported below
    } catch (TimeoutException e) {
      String why =
          "start stuck: "
              + name
              + " has not started within "
              + limit.toSeconds()
              + " s ("
              + PerennialConfig.START_TIMEOUT_MS_CONFIG
              + "); it stops, to be restarted";
      stuck.set(why);
      log.error("{}; where its start is:{}", why, stackOf(thread));
      abandon(result, thread, STUCK_START_GRACE);
      throw new StartTimeoutException(why);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abandon(result, thread, STUCK_START_GRACE);
      throw new PerennialException(name + " was interrupted while it started", e);
    }
    if (!result.isDone()) {
      String why = "stopping: " + name + " was asked to stop while it started";
      stopping.set(why);
      log.info("{}; interrupting its start", why);
      abandon(result, thread, STOPPED_START_GRACE);
      throw new StartStoppedException(why);
    }
    try {
      return result.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error cause) {
        throw cause;
      }
      throw new PerennialException(name + " failed to start: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      // done: get does not wait
      Thread.currentThread().interrupt();
      throw new PerennialException(name + " was interrupted while it started", e);
    }
  }

  /**
   * Interrupts a start that is no longer waited for and gives it {@code grace} to end; a service it
   * returns, then or later, is closed.
   */
  private static <S extends Service> void abandon(
      CompletableFuture<S> result, Thread thread, Duration grace) {
    CompletableFuture<Void> ended =
        result.handle(
            (late, failure) -> {
              if (late != null) {
                late.close();
              }
              return null;
            });
    thread.interrupt();
    try {
      ended.get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn(
          "The start on {} did not end within {} s of its interrupt; left behind",
          thread.getName(),
          grace.toSeconds());
    }
  }

  private static String stackOf(Thread thread) {
    StringBuilder stack = new StringBuilder();
    for (StackTraceElement frame : thread.getStackTrace()) {
      stack.append(System.lineSeparator()).append("\tat ").append(frame);
    }
    return stack.toString();
  }

  /** Readiness while the service starts: not yet, naming for how long it has been loading. */
  private static Readiness starting(String name, long since) {
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - since);
    return Readiness.notReady(
        "starting: " + name + " is loading its state (for " + seconds + " s); not ready yet");
  }

  /**
   * Runs a service as its command does: installs the {@link ShutdownSignal}, starts the service,
   * waits until a stop is requested or the service fails, closes everything; the exit code. A stop
   * requested during the start interrupts it and exits with {@value #EXIT_STOPPED}.
   */
  public static <S extends Service> int run(
      String name, PerennialConfig config, Function<ServiceMetrics, S> starter, Events<S> events)
      throws InterruptedException {
    ShutdownSignal shutdown = ShutdownSignal.install();
    try {
      Optional<String> failure;
      ServiceProcess<S> started;
      try {
        started = start(name, config, starter, shutdown.whenRequested());
      } catch (StartTimeoutException e) {
        events.failed(e.getMessage());
        return EXIT_FAILED;
      } catch (StartStoppedException e) {
        events.stopping();
        events.stopped();
        return EXIT_STOPPED;
      }
      try (ServiceProcess<S> process = started) {
        events.started(process);
        failure = process.awaitStopOrFailure(shutdown);
        if (failure.isPresent()) {
          events.failed(failure.get());
          return EXIT_FAILED;
        }
        events.stopping();
      }
      events.stopped();
      return EXIT_STOPPED;
    } finally {
      shutdown.done();
    }
  }

  /** Blocks until {@code shutdown} is requested (empty) or the service fails on its own (why). */
  public Optional<String> awaitStopOrFailure(ShutdownSignal shutdown) throws InterruptedException {
    while (!shutdown.await(CHECK_EVERY)) {
      Optional<String> failure = service.failure();
      if (failure.isPresent()) {
        return failure;
      }
    }
    return Optional.empty();
  }

  public S service() {
    return service;
  }

  /** The port of {@code /metrics} and {@code /health/*}. */
  public int httpPort() {
    return http.port();
  }

  public ServiceMetrics metrics() {
    return metrics;
  }

  /**
   * Turns {@code /health/ready} 503 {@code stopping} ({@code /health/live} stays as the service
   * says), stops the service, then stops serving and closes its meters.
   */
  @Override
  public void close() {
    stopping.compareAndSet(null, "stopping: " + name + " is stopping; it takes no more work");
    try {
      service.close();
    } finally {
      try {
        http.close();
      } finally {
        metrics.close();
      }
    }
  }
}
