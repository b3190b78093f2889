package dev.perennial.core.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.core.PerennialException;
import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.health.Readiness;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import sun.misc.Signal;

/**
 * A start that hangs (not fails) is bounded by {@code perennial.start.timeout.ms}: {@code
 * /health/live} is 200 while the service loads its state, so that a slow start is not restarted,
 * and turns 503 naming the stuck start once the deadline has passed; the start then fails and the
 * command exits non-zero, so that it is restarted.
 */
class ServiceProcessTest {

  private static final String START_TIMEOUT = PerennialConfig.START_TIMEOUT_MS_CONFIG;

  private final HttpClient http = HttpClient.newHttpClient();

  /** A service that works: what a start that is no longer stuck returns. */
  private static class Idle implements Service {

    final CountDownLatch closed = new CountDownLatch(1);

    @Override
    public Readiness readiness() {
      return Readiness.ready("idle");
    }

    @Override
    public Optional<String> failure() {
      return Optional.empty();
    }

    @Override
    public void close() {
      closed.countDown();
    }
  }

  /** What a command says at each step. */
  private static final class Said implements ServiceProcess.Events<Idle> {

    final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    public void started(ServiceProcess<Idle> process) {
      lines.add("started");
    }

    @Override
    public void failed(String reason) {
      lines.add("failed: " + reason);
    }

    @Override
    public void stopping() {
      lines.add("stopping");
    }

    @Override
    public void stopped() {
      lines.add("stopped");
    }
  }

  @Test
  @Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aStartThatHangsPastItsDeadlineTurnsLivenessDownNamingItAndFailsTheStart() throws Exception {
    int port = freePort();
    Map<String, String> values = values(port);
    values.put(START_TIMEOUT, "1000");
    PerennialConfig config = new PerennialConfig(values);
    CountDownLatch hanging = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Idle late = new Idle();
    // a start stuck where an interrupt does not reach (a read from a hung network volume)
    CompletableFuture<ServiceProcess<Idle>> starting =
        CompletableFuture.supplyAsync(
            () ->
                ServiceProcess.start(
                    "stuck-service",
                    config,
                    metrics -> {
                      hanging.countDown();
                      awaitUninterruptibly(release);
                      return late;
                    }));
    HttpResponse<String> live;
    try {
      assertThat(hanging.await(30, TimeUnit.SECONDS)).isTrue();
      live = get(port, "/health/live");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (live.statusCode() == 200 && System.nanoTime() < deadline) {
        Thread.sleep(100);
        live = get(port, "/health/live");
      }
    } finally {
      release.countDown();
    }

    assertThat(live.statusCode()).as(live.body()).isEqualTo(503);
    assertThat(live.body())
        .startsWith("DOWN ")
        .contains("stuck-service")
        .contains("has not started")
        .contains(START_TIMEOUT);
    assertThatThrownBy(() -> starting.get(60, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(PerennialException.class)
        .hasMessageContaining("stuck-service")
        .hasMessageContaining(START_TIMEOUT);
    // what the start returned once it went on after all is closed, not left running
    assertThat(late.closed.await(60, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aServiceCommandWhoseStartHangsPastItsDeadlineExitsNonZeroSayingWhy() throws Exception {
    Map<String, String> values = values(0);
    values.put(START_TIMEOUT, "1000");
    PerennialConfig config = new PerennialConfig(values);
    CountDownLatch never = new CountDownLatch(1);
    Said said = new Said();

    int exit =
        ServiceProcess.run(
            "stuck-service",
            config,
            metrics -> {
              try {
                never.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("start interrupted", e);
              }
              return new Idle();
            },
            said);

    assertThat(exit).isEqualTo(ServiceProcess.EXIT_FAILED);
    assertThat(said.lines)
        .singleElement()
        .asString()
        .startsWith("failed: ")
        .contains("stuck-service")
        .contains(START_TIMEOUT);
  }

  /**
   * A stop makes the service unready first, so that no traffic is routed to it while it stops, and
   * keeps its health endpoints (and the routes it serves beside them) answering until the service
   * has stopped: probes read 503 {@code stopping}, not a refused connection, and liveness stays up.
   */
  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void whileTheServiceStopsReadinessIsDownSayingStoppingAndLivenessStaysUp() throws Exception {
    CountDownLatch closing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Idle slowToStop =
        new Idle() {
          @Override
          public void close() {
            closing.countDown();
            awaitUninterruptibly(release);
            super.close();
          }
        };
    ServiceProcess<Idle> process =
        ServiceProcess.start("slow-to-stop", new PerennialConfig(values(0)), metrics -> slowToStop);
    int port = process.httpPort();
    assertThat(get(port, "/health/ready").statusCode()).isEqualTo(200);

    CompletableFuture<Void> stopping = CompletableFuture.runAsync(process::close);
    HttpResponse<String> ready;
    HttpResponse<String> live;
    try {
      assertThat(closing.await(30, TimeUnit.SECONDS)).isTrue();
      ready = get(port, "/health/ready");
      live = get(port, "/health/live");
    } finally {
      release.countDown();
    }
    stopping.get(30, TimeUnit.SECONDS);

    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
    assertThat(ready.body()).startsWith("DOWN stopping: ").contains("slow-to-stop");
    assertThat(live.statusCode()).as(live.body()).isEqualTo(200);
    assertThat(slowToStop.closed.getCount()).isZero();
  }

  /**
   * A stop requested while the service starts (a worker reading its base, the publisher hashing its
   * releases) interrupts the start instead of waiting for it, and the command exits as after any
   * requested stop: the pod's grace period does not end in SIGKILL.
   */
  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aStopRequestedWhileTheServiceStartsInterruptsTheStartAndExitsAsAStop() throws Exception {
    PerennialConfig config = new PerennialConfig(values(0));
    CountDownLatch starting = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    Said said = new Said();
    try {
      CompletableFuture<Integer> exit =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return ServiceProcess.run(
                      "slow-start",
                      config,
                      metrics -> {
                        starting.countDown();
                        try {
                          never.await();
                        } catch (InterruptedException e) {
                          interrupted.set(true);
                          Thread.currentThread().interrupt();
                          throw new IllegalStateException("start interrupted", e);
                        }
                        return new Idle();
                      },
                      said);
                } catch (InterruptedException e) {
                  throw new IllegalStateException(e);
                }
              });
      assertThat(starting.await(30, TimeUnit.SECONDS)).isTrue();

      // what Kubernetes sends to stop a pod, taken by the command's ShutdownSignal
      Signal.raise(new Signal("TERM"));

      // without the fix the command waits for the start, which never ends (30 min by default)
      assertThat(exit.get(40, TimeUnit.SECONDS)).isEqualTo(ServiceProcess.EXIT_STOPPED);
    } finally {
      never.countDown();
    }
    assertThat(interrupted).isTrue();
    assertThat(said.lines).containsExactly("stopping", "stopped");
  }

  /**
   * The publisher re-verifies every served release at start, reading each file whole: the default
   * must outlast that on a large release area, and a worker's reading a large base.
   */
  @Test
  void theStartTimeoutIsAKeyOfEveryServiceWithAGenerousDefault() {
    PerennialConfig config = new PerennialConfig(values(0));

    assertThat(PerennialConfig.configDef().names()).contains(START_TIMEOUT);
    assertThat(config.startTimeout()).isGreaterThanOrEqualTo(Duration.ofMinutes(30));
  }

  private static Map<String, String> values(int port) {
    Map<String, String> values = new HashMap<>();
    values.put(PerennialConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
    values.put(PerennialConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://localhost:8081");
    values.put(PerennialConfig.HTTP_HOST_CONFIG, "127.0.0.1");
    values.put(PerennialConfig.HTTP_PORT_CONFIG, Integer.toString(port));
    return values;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
