package dev.perennial.cli;

import dev.perennial.core.metrics.ServiceMetrics;
import dev.perennial.core.service.ServiceProcess;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.worker.TrainerWorker;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/**
 * {@code perennial trainer worker}: a trainer worker until Ctrl-C or SIGTERM, drawing each job's
 * progress on the console, with {@code /metrics} and {@code /health/*} on {@code
 * perennial.http.port}. Exits with status 1 when its loop stops on its own, so an orchestrator
 * restarts it.
 */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a trainer worker: trains each training job into a candidate adapter (one job at a"
          + " time, GPU when the engine sees one) and hands it on to the evaluator."
    })
public final class TrainerWorkerCommand extends ServiceCommand<TrainerConfig, TrainerWorker> {

  public TrainerWorkerCommand() {
    super("trainer-worker", TrainerConfig::forWorker, TrainerWorkerCommand::startWorker);
  }

  private static TrainerWorker startWorker(
      TrainerConfig config, ServiceMetrics metrics, PrintWriter console) {
    TrainerWorker worker = TrainerWorker.create(config, metrics.registry(), console);
    worker.start();
    return worker;
  }

  @Override
  void up(TrainerConfig config, ServiceProcess<TrainerWorker> process) {
    say(
        "Trainer worker %s up on %s (artifact store %s); metrics and health on port %d",
        config.workerId(),
        String.join(",", config.bootstrapServers()),
        config.artifactStorePath().toAbsolutePath(),
        process.httpPort());
  }
}
