package dev.perennial.cli;

import dev.perennial.ingest.app.IngestService;
import dev.perennial.ingest.config.IngestConfig;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;

/**
 * {@code perennial ingest}: the ingest service. Loads its configuration, runs until the process is
 * asked to stop (Ctrl-C, SIGTERM), then closes Streams cleanly. Exits with 1 when ingest stops on
 * its own (an error it cannot handle), so an orchestrator restarts it.
 */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Runs ingest: Kafka Streams from documents, feedback and consent to training examples,"
          + " rejections and erasure requests. Runs until Ctrl-C or SIGTERM."
    })
public final class IngestCommand extends ServiceCommand<IngestConfig> {

  private static final Duration CHECK_EVERY = Duration.ofSeconds(1);

  @Override
  IngestConfig config(Map<String, String> values) {
    return new IngestConfig(values);
  }

  @Override
  int run(IngestConfig config, ShutdownSignal shutdown) throws InterruptedException {
    try (IngestService ingest = IngestService.start(config)) {
      while (!shutdown.await(CHECK_EVERY)) {
        if (ingest.awaitStop(Duration.ZERO)) {
          return 1;
        }
      }
      return 0;
    }
  }
}
