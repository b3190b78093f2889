package dev.perennial.cli;

import dev.perennial.core.service.ServiceProcess;
import dev.perennial.trainer.accumulate.TrainerAccumulator;
import dev.perennial.trainer.config.TrainerConfig;
import picocli.CommandLine.Command;

/**
 * {@code perennial trainer accumulator}: the accumulator (Kafka Streams, exactly-once) until Ctrl-C
 * or SIGTERM, with {@code /metrics} and {@code /health/*} on {@code perennial.http.port}. Exits
 * with status 1 when Streams stops on its own, so an orchestrator restarts it.
 */
@Command(
    name = "accumulator",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the trainer's accumulator: keeps each adapter key's pending examples, seals them into"
          + " shards and training jobs when a trigger fires, carries out erasures."
    })
public final class TrainerAccumulatorCommand
    extends ServiceCommand<TrainerConfig, TrainerAccumulator> {

  public TrainerAccumulatorCommand() {
    super(
        "trainer-accumulator",
        TrainerConfig::new,
        (config, metrics, console) -> TrainerAccumulator.start(config, metrics));
  }

  @Override
  void up(TrainerConfig config, ServiceProcess<TrainerAccumulator> process) {
    say(
        "Trainer accumulator %s up on %s (artifact store %s); metrics and health on port %d",
        config.accumulatorApplicationId(),
        String.join(",", config.bootstrapServers()),
        config.artifactStorePath().toAbsolutePath(),
        process.httpPort());
  }
}
