package dev.perennial.cli;

import dev.perennial.core.health.HealthServer;
import dev.perennial.core.metrics.ServiceMetrics;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.worker.TrainerWorker;
import java.util.Map;
import picocli.CommandLine.Command;

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
public final class TrainerWorkerCommand extends ServiceCommand<TrainerConfig> {

  @Override
  TrainerConfig config(Map<String, String> values) {
    return new TrainerConfig(values);
  }

  @Override
  int run(TrainerConfig config, ShutdownSignal shutdown) throws InterruptedException {
    try (ServiceMetrics metrics = ServiceMetrics.create("trainer-worker");
        TrainerWorker worker = TrainerWorker.create(config, metrics.registry(), out());
        HealthServer health = HealthServer.start(config, metrics.registry(), worker::readiness)) {
      Thread loop = worker.start();
      say(
          "Trainer worker %s up on %s (artifact store %s); metrics and health on port %d",
          config.workerId(),
          String.join(",", config.bootstrapServers()),
          config.artifactStorePath().toAbsolutePath(),
          health.port());
      shutdown.whenRequested(worker::close, "trainer-worker-stop");
      loop.join();
      if (worker.failure() != null) {
        return failed(worker.failure().getMessage());
      }
      say("Stopped.");
    }
    return 0;
  }
}
