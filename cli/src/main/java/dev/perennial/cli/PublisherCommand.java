package dev.perennial.cli;

import dev.perennial.publisher.api.PublisherApi;
import dev.perennial.publisher.config.PublisherConfig;
import dev.perennial.publisher.service.PublisherServer;
import java.util.Map;
import picocli.CommandLine.Command;

/**
 * {@code perennial publisher}: the publisher service, until Ctrl-C or SIGTERM. Consumes verdicts
 * and ERASURE jobs, writes the release area, {@code releases.v1} and its audit events, and serves
 * {@code /metrics}, {@code /health/*} and the release API on {@code perennial.http.port}.
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
public final class PublisherCommand extends ServiceCommand<PublisherConfig> {

  @Override
  PublisherConfig config(Map<String, String> values) {
    return PublisherConfig.of(values);
  }

  @Override
  int run(PublisherConfig config, ShutdownSignal shutdown) throws InterruptedException {
    try (PublisherServer server = PublisherServer.start(config)) {
      say(
          "Publisher up: read API http://%s:%d%sadapters, admin, metrics and health on port %d%n"
              + "Release area %s, signing key %s",
          config.httpHost(),
          server.apiPort(),
          PublisherApi.PREFIX,
          server.port(),
          server.service().area().root(),
          config.signingKey().keyId());
      shutdown.await();
      say("Stopping ...");
    }
    say("Stopped.");
    return 0;
  }
}
