package dev.perennial.cli;

import dev.perennial.core.config.ConfigLoader;
import dev.perennial.ingest.app.IngestService;
import dev.perennial.ingest.config.IngestConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
public final class IngestCommand implements Callable<Integer> {

  private static final Duration CHECK_EVERY = Duration.ofSeconds(1);

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Properties file; PERENNIAL_* environment variables override it.")
  Path configFile;

  @Override
  public Integer call() throws InterruptedException {
    IngestConfig config = new IngestConfig(ConfigLoader.load(configFile));
    ShutdownSignal shutdown = ShutdownSignal.install();
    try (IngestService ingest = IngestService.start(config)) {
      while (!shutdown.await(CHECK_EVERY)) {
        if (ingest.awaitStop(Duration.ZERO)) {
          return 1;
        }
      }
      return 0;
    } finally {
      shutdown.done();
    }
  }
}
