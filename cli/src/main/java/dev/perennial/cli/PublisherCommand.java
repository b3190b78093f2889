package dev.perennial.cli;

import dev.perennial.core.config.ConfigLoader;
import dev.perennial.publisher.api.PublisherApi;
import dev.perennial.publisher.config.PublisherConfig;
import dev.perennial.publisher.service.PublisherServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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
public final class PublisherCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Properties file; PERENNIAL_* environment variables override it.")
  Path configFile;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PublisherConfig config = PublisherConfig.of(ConfigLoader.load(configFile));
    ShutdownSignal shutdown = ShutdownSignal.install();
    try (PublisherServer server = PublisherServer.start(config)) {
      out.printf(
          "Publisher up: read API http://%s:%d%sadapters, admin, metrics and health on port %d%n"
              + "Release area %s, signing key %s%n",
          config.httpHost(),
          server.apiPort(),
          PublisherApi.PREFIX,
          server.port(),
          server.service().area().root(),
          config.signingKey().keyId());
      out.flush();
      shutdown.await();
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
