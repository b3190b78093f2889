package dev.perennial.cli;

import dev.perennial.core.service.ServiceProcess;
import dev.perennial.evaluator.config.EvaluatorConfig;
import dev.perennial.evaluator.service.EvaluatorService;
import picocli.CommandLine.Command;

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
public final class EvaluatorCommand extends ServiceCommand<EvaluatorConfig, EvaluatorService> {

  public EvaluatorCommand() {
    super(
        "evaluator",
        values -> RedactedCanaries.checked(EvaluatorConfig.forEvaluator(values)),
        (config, metrics, console) -> EvaluatorService.start(config, metrics.registry(), console));
  }

  @Override
  void up(EvaluatorConfig config, ServiceProcess<EvaluatorService> process) {
    say(
        "Evaluator %s up on %s (artifact store %s, evaluation area %s); metrics and health on"
            + " port %d",
        config.instanceId(),
        String.join(",", config.bootstrapServers()),
        config.artifactStorePath().toAbsolutePath(),
        config.evaluationPath().toAbsolutePath(),
        process.httpPort());
  }
}
