package dev.perennial.cli;

import dev.perennial.core.service.ServiceProcess;
import dev.perennial.publisher.api.PublisherApi;
import dev.perennial.publisher.config.PublisherConfig;
import dev.perennial.publisher.service.PublisherServer;
import picocli.CommandLine.Command;

/**
 * {@code perennial publisher}: the publisher service, until Ctrl-C or SIGTERM. Consumes verdicts
 * and ERASURE jobs, writes the release area, {@code releases.v1} and its audit events, and serves
 * {@code /metrics}, {@code /health/*} and the release API on {@code perennial.http.port}. Exits
 * with status 1 when the service stops on its own, so an orchestrator restarts it.
 */
@Command(
    name = "publisher",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the publisher: versions, signs and releases adapters that passed evaluation, moves"
          + " aliases, retracts releases trained on erased data.",
      "Serves the read API (/v1/adapters/...) on perennial.publisher.api.port; alias moves,"
          + " /metrics and /health/* on perennial.http.port."
    })
public final class PublisherCommand extends ServiceCommand<PublisherConfig, PublisherServer> {

  public PublisherCommand() {
    super(
        PublisherServer.SERVICE_NAME,
        PublisherConfig::of,
        (config, metrics, console) -> PublisherServer.start(config, metrics.registry()));
  }

  @Override
  void up(PublisherConfig config, ServiceProcess<PublisherServer> process) {
    say(
        "Publisher up: read API http://%s:%d%sadapters, admin, metrics and health on port %d%n"
            + "Release area %s, signing key %s",
        config.httpHost(),
        process.service().apiPort(),
        PublisherApi.PREFIX,
        process.httpPort(),
        process.service().service().area().root(),
        config.signingKey().keyId());
  }
}
