package dev.perennial.cli;

import dev.perennial.core.config.ConfigLoader;
import dev.perennial.core.health.HealthServer;
import dev.perennial.core.metrics.ServiceMetrics;
import dev.perennial.evaluator.config.EvaluatorConfig;
import dev.perennial.evaluator.service.EvaluatorService;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code perennial evaluator}: the evaluator service until Ctrl-C or SIGTERM, printing each batch
 * and verdict, with {@code /metrics} and {@code /health/*} on {@code perennial.http.port}. Exits
 * with status 1 when the service stops on its own (a batch failed every attempt), so an
 * orchestrator restarts it.
 */
@Command(
    name = "evaluator",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the evaluator: gates every candidate adapter (learning, retention, leakage,"
          + " regression against the key's stable release) and emits its verdict with every"
          + " metric, every gate and a report (JSON and HTML) for the publisher."
    })
public final class EvaluatorCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Properties file; PERENNIAL_* environment variables override it.")
  Path configFile;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    EvaluatorConfig config = new EvaluatorConfig(ConfigLoader.load(configFile));
    ShutdownSignal shutdown = ShutdownSignal.install();
    try (ServiceMetrics metrics = ServiceMetrics.create("evaluator");
        EvaluatorService service = EvaluatorService.start(config, metrics.registry(), out);
        HealthServer health = HealthServer.start(config, metrics.registry(), service::readiness)) {
      out.printf(
          "Evaluator %s up on %s (artifact store %s, evaluation area %s); metrics and health on"
              + " port %d%n",
          config.instanceId(),
          String.join(",", config.bootstrapServers()),
          config.artifactStorePath().toAbsolutePath(),
          config.evaluationPath().toAbsolutePath(),
          health.port());
      out.flush();
      Thread watcher =
          new Thread(
              () -> {
                try {
                  shutdown.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                service.close();
              },
              "evaluator-stop");
      watcher.setDaemon(true);
      watcher.start();
      service.awaitStopped();
      if (service.failure() != null) {
        spec.commandLine().getErr().println("perennial evaluator: " + service.failure());
        return 1;
      }
      out.println("Stopped.");
      out.flush();
    } finally {
      shutdown.done();
    }
    return 0;
  }
}
