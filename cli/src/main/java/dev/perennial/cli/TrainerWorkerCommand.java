package dev.perennial.cli;

import dev.perennial.core.config.ConfigLoader;
import dev.perennial.core.health.HealthServer;
import dev.perennial.core.metrics.ServiceMetrics;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.worker.TrainerWorker;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code perennial trainer worker}: a trainer worker until Ctrl-C or SIGTERM, drawing each job's
 * progress on the console, with {@code /metrics} and {@code /health/*} on {@code
 * perennial.http.port}.
 */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a trainer worker: trains each training job into a candidate adapter (one job at a"
          + " time, GPU when the engine sees one) and hands it on to the evaluator."
    })
public final class TrainerWorkerCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Properties file; PERENNIAL_* environment variables override it.")
  Path configFile;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    TrainerConfig config = new TrainerConfig(ConfigLoader.load(configFile));
    ShutdownSignal shutdown = ShutdownSignal.install();
    try (ServiceMetrics metrics = ServiceMetrics.create("trainer-worker");
        TrainerWorker worker = TrainerWorker.create(config, metrics.registry(), out);
        HealthServer health = HealthServer.start(config, metrics.registry(), worker::readiness)) {
      Thread loop = worker.start();
      out.printf(
          "Trainer worker %s up on %s (artifact store %s); metrics and health on port %d%n",
          config.workerId(),
          String.join(",", config.bootstrapServers()),
          config.artifactStorePath().toAbsolutePath(),
          health.port());
      out.flush();
      Thread watcher = new Thread(() -> awaitQuietly(shutdown, worker), "trainer-worker-stop");
      watcher.setDaemon(true);
      watcher.start();
      loop.join();
      if (worker.failure() != null) {
        spec.commandLine()
            .getErr()
            .println("perennial trainer worker: " + worker.failure().getMessage());
        return 1;
      }
      out.println("Stopped.");
      out.flush();
    } finally {
      shutdown.done();
    }
    return 0;
  }

  /** Stops the worker when the JVM is asked to stop. */
  private static void awaitQuietly(ShutdownSignal shutdown, TrainerWorker worker) {
    try {
      shutdown.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    worker.close();
  }
}
