package dev.perennial.cli;

import dev.perennial.core.config.ConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A service subcommand ({@code ingest}, {@code trainer accumulator}, {@code trainer worker}, {@code
 * evaluator}, {@code publisher}): loads its configuration (every problem reported before anything
 * starts), installs the {@link ShutdownSignal} and runs the service until the JVM is asked to stop
 * or the service stops on its own. Each service says how it starts, what it prints and how it is
 * waited on.
 *
 * @param <C> the service's configuration
 */
abstract class ServiceCommand<C> implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Properties file; PERENNIAL_* environment variables override it.")
  Path configFile;

  @Override
  public final Integer call() throws InterruptedException {
    C config = config(ConfigLoader.load(configFile));
    ShutdownSignal shutdown = ShutdownSignal.install();
    try {
      return run(config, shutdown);
    } finally {
      shutdown.done();
    }
  }

  /** The validated configuration from the loaded values; throws naming every problem. */
  abstract C config(Map<String, String> values);

  /**
   * Starts the service, waits until {@code shutdown} is requested or the service stops on its own,
   * and stops it; the exit code (1 when the service stopped on its own, so an orchestrator restarts
   * it).
   */
  abstract int run(C config, ShutdownSignal shutdown) throws InterruptedException;

  /** The command's console. */
  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /** Prints a line ({@link String#format} with {@code args}) on the console right away. */
  void say(String format, Object... args) {
    out().println(String.format(format, args));
    out().flush();
  }

  /** Reports that the service stopped on its own, naming the command; the exit code, 1. */
  int failed(String message) {
    spec.commandLine().getErr().println(spec.qualifiedName() + ": " + message);
    return 1;
  }
}
