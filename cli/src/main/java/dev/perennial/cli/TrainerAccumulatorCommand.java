package dev.perennial.cli;

import dev.perennial.core.config.ConfigLoader;
import dev.perennial.core.health.HealthServer;
import dev.perennial.trainer.accumulate.TrainerAccumulator;
import dev.perennial.trainer.config.TrainerConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code perennial trainer accumulator}: the accumulator (Kafka Streams, exactly-once) until Ctrl-C
 * or SIGTERM, with {@code /metrics} and {@code /health/*} on {@code perennial.http.port}.
 */
@Command(
    name = "accumulator",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the trainer's accumulator: keeps each adapter key's pending examples, seals them into"
          + " shards and training jobs when a trigger fires, carries out erasures."
    })
public final class TrainerAccumulatorCommand implements Callable<Integer> {

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
    try (TrainerAccumulator accumulator = TrainerAccumulator.start(config);
        HealthServer health =
            HealthServer.start(config, accumulator.metrics().registry(), accumulator::readiness)) {
      out.printf(
          "Trainer accumulator %s up on %s (artifact store %s); metrics and health on port %d%n",
          config.accumulatorApplicationId(),
          String.join(",", config.bootstrapServers()),
          config.artifactStorePath().toAbsolutePath(),
          health.port());
      out.flush();
      accumulator.whenFailed(shutdown::request);
      shutdown.await();
      if (accumulator.failed()) {
        spec.commandLine()
            .getErr()
            .println("perennial trainer accumulator: failed; see the log for the cause");
        return 1;
      }
      out.println("Stopping ...");
      out.flush();
    } finally {
      shutdown.done();
    }
    out.println("Stopped.");
    out.flush();
    return 0;
  }
}
