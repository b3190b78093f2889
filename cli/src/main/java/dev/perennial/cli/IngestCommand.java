package dev.perennial.cli;

import dev.perennial.core.service.ServiceProcess;
import dev.perennial.ingest.app.IngestService;
import dev.perennial.ingest.config.IngestConfig;
import picocli.CommandLine.Command;

/**
 * {@code perennial ingest}: the ingest service until Ctrl-C or SIGTERM, then Streams is closed
 * cleanly. Exits with 1 when ingest stops on its own (an error it cannot handle), so an
 * orchestrator restarts it.
 */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Runs ingest: Kafka Streams from documents, feedback and consent to training examples,"
          + " rejections and erasure requests. Runs until Ctrl-C or SIGTERM."
    })
public final class IngestCommand extends ServiceCommand<IngestConfig, IngestService> {

  public IngestCommand() {
    super(
        "ingest",
        IngestConfig::new,
        (config, metrics, console) -> IngestService.start(config, metrics));
  }

  @Override
  void up(IngestConfig config, ServiceProcess<IngestService> process) {
    say(
        "Ingest %s up on %s; metrics and health on port %d",
        config.applicationId(), String.join(",", config.bootstrapServers()), process.httpPort());
  }
}
