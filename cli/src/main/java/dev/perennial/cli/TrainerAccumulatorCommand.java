package dev.perennial.cli;

import dev.perennial.core.health.HealthServer;
import dev.perennial.trainer.accumulate.TrainerAccumulator;
import dev.perennial.trainer.config.TrainerConfig;
import java.util.Map;
import picocli.CommandLine.Command;

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
public final class TrainerAccumulatorCommand extends ServiceCommand<TrainerConfig> {

  @Override
  TrainerConfig config(Map<String, String> values) {
    return new TrainerConfig(values);
  }

  @Override
  int run(TrainerConfig config, ShutdownSignal shutdown) throws InterruptedException {
    try (TrainerAccumulator accumulator = TrainerAccumulator.start(config);
        HealthServer health =
            HealthServer.start(config, accumulator.metrics().registry(), accumulator::readiness)) {
      say(
          "Trainer accumulator %s up on %s (artifact store %s); metrics and health on port %d",
          config.accumulatorApplicationId(),
          String.join(",", config.bootstrapServers()),
          config.artifactStorePath().toAbsolutePath(),
          health.port());
      accumulator.whenFailed(shutdown::request);
      shutdown.await();
      if (accumulator.failed()) {
        return failed("failed; see the log for the cause");
      }
      say("Stopping ...");
    }
    say("Stopped.");
    return 0;
  }
}
