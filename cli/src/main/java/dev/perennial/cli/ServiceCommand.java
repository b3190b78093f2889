package dev.perennial.cli;

import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.metrics.ServiceMetrics;
import dev.perennial.core.service.Service;
import dev.perennial.core.service.ServiceProcess;
import java.io.PrintWriter;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine.Mixin;

/**
 * A service subcommand ({@code ingest}, {@code trainer accumulator}, {@code trainer worker}, {@code
 * evaluator}, {@code publisher}): loads its configuration (every problem reported before anything
 * starts) and runs the service through the one {@link ServiceProcess} lifecycle: {@code /metrics}
 * and {@code /health/*} on {@code perennial.http.port}, until Ctrl-C or SIGTERM, or until the
 * service fails on its own, which exits with status {@value ServiceProcess#EXIT_FAILED} so an
 * orchestrator restarts it. Each service says how it starts and what it prints once up.
 *
 * @param <C> the service's configuration
 * @param <S> the service
 */
abstract class ServiceCommand<C extends PerennialConfig, S extends Service> extends ConsoleCommand {

  private final String serviceName;
  private final Function<Map<String, String>, C> configOf;
  private final Starter<C, S> starter;

  @Mixin ConfigFileOption configFile;

  /**
   * @param serviceName the service's name on its meters ({@code service=<name>})
   * @param configOf the validated configuration from the loaded values; throws naming every problem
   * @param starter starts the service
   */
  ServiceCommand(
      String serviceName, Function<Map<String, String>, C> configOf, Starter<C, S> starter) {
    this.serviceName = serviceName;
    this.configOf = configOf;
    this.starter = starter;
  }

  /** How a service starts. */
  interface Starter<C, S> {
    /** Starts the service on its meters, with the command's console; returns once it works. */
    S start(C config, ServiceMetrics metrics, PrintWriter console);
  }

  @Override
  final int run(PrintWriter out) throws InterruptedException {
    C config = configOf.apply(configFile.values());
    return ServiceProcess.run(
        serviceName,
        config,
        metrics -> starter.start(config, metrics, out),
        new ServiceProcess.Events<>() {
          @Override
          public void started(ServiceProcess<S> process) {
            up(config, process);
          }

          @Override
          public void failed(String reason) {
            spec.commandLine().getErr().println(spec.qualifiedName() + ": " + reason);
            spec.commandLine().getErr().flush();
          }

          @Override
          public void stopping() {
            say("Stopping ...");
          }

          @Override
          public void stopped() {
            say("Stopped.");
          }
        });
  }

  /** Says that the service is up, and where. */
  abstract void up(C config, ServiceProcess<S> process);

  /** The command's console. */
  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /** Prints a line ({@link String#format} with {@code args}) on the console right away. */
  void say(String format, Object... args) {
    out().println(String.format(format, args));
    out().flush();
  }
}
