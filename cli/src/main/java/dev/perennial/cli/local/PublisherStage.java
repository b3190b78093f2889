package dev.perennial.cli.local;

import dev.perennial.cli.sample.SampleEvents;
import dev.perennial.core.PerennialException;
import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.files.Folders;
import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.StageAcls.Stage;
import dev.perennial.core.service.ServiceProcess;
import dev.perennial.publisher.api.PublisherApi;
import dev.perennial.publisher.config.PublisherConfig;
import dev.perennial.publisher.publish.Decision;
import dev.perennial.publisher.release.ReleaseRegistry;
import dev.perennial.publisher.report.ReleaseTable;
import dev.perennial.publisher.service.PublisherServer;
import dev.perennial.publisher.sign.SigningKey;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The publisher inside {@code perennial local}: releases what passed into {@code
 * <state-dir>/releases} (unless configured; cleared at start), signed with a key made for the run
 * unless one is configured, with the release API on a free loopback port. Its report is the release
 * table.
 */
public final class PublisherStage implements LocalStage {

  private final Path stateDir;
  private LocalCluster cluster;
  private PublisherConfig config;
  private ServiceProcess<PublisherServer> server;

  public PublisherStage(Path stateDir) {
    this.stateDir = stateDir;
  }

  /**
   * The publisher's configuration in a local run.
   *
   * @throws dev.perennial.core.config.InvalidConfigurationException listing every problem
   */
  public static PublisherConfig config(Map<String, String> clusterValues, Path stateDir) {
    Map<String, String> values = new HashMap<>(clusterValues);
    if (!values.containsKey(PublisherConfig.SIGNING_KEY_CONFIG)
        && !values.containsKey(PublisherConfig.SIGNING_KEY_FILE_CONFIG)) {
      values.put(PublisherConfig.SIGNING_KEY_CONFIG, SigningKey.generate().privateKeyPem());
    }
    values.putIfAbsent(
        PublisherConfig.RELEASE_PATH_CONFIG,
        stateDir.toAbsolutePath().resolve("releases").toString());
    values.putIfAbsent(PerennialConfig.HTTP_HOST_CONFIG, "127.0.0.1");
    values.putIfAbsent(PerennialConfig.HTTP_PORT_CONFIG, "0");
    values.putIfAbsent(PublisherConfig.API_PORT_CONFIG, "0");
    // A local run's admin port listens on loopback only: alias moves need no token there.
    values.putIfAbsent(PublisherConfig.ADMIN_UNAUTHENTICATED_CONFIG, "true");
    return PublisherConfig.of(values);
  }

  @Override
  public String name() {
    return "publisher";
  }

  @Override
  public void start(LocalCluster cluster, PrintWriter out) {
    this.cluster = cluster;
    config = config(cluster.values(Stage.PUBLISHER), stateDir);
    if (!cluster.values().containsKey(PublisherConfig.RELEASE_PATH_CONFIG)) {
      Folders.deleteRecursively(config.releasePath());
    }
    server =
        ServiceProcess.start(
            PublisherServer.SERVICE_NAME,
            config,
            metrics -> PublisherServer.start(config, metrics.registry()));
    server.service().service().onDecision(decision -> progress(out, decision));
    out.printf(
        "Publisher         running (release area %s; release API http://127.0.0.1:%d%sadapters,"
            + " signing key %s)%n",
        config.releasePath().toAbsolutePath(),
        server.service().apiPort(),
        PublisherApi.PREFIX,
        config.signingKey().keyId());
    if (config.adminAccess().unauthenticated()) {
      out.printf(
          "Alias moves       open to anyone who reaches port %d (local run; set %s elsewhere)%n",
          server.httpPort(), PublisherConfig.ADMIN_TOKEN_CONFIG);
    }
    out.flush();
  }

  private static void progress(PrintWriter out, Decision decision) {
    if (decision.outcome() == Decision.Outcome.IGNORED || decision.audits().isEmpty()) {
      return;
    }
    out.printf(
        "Publisher         %s %s: %s%n",
        decision.outcome(), decision.adapterKey(), decision.audits().get(0).getReason());
    out.flush();
  }

  /** Waits until the publisher has decided on every verdict, training job and given-up job. */
  @Override
  public void awaitCaughtUp(Duration timeout) throws InterruptedException {
    if (!server.service().readiness().ready()) {
      throw new PerennialException(
          "The publisher stopped: " + server.service().readiness().detail());
    }
    new ConsumerGroupProgress(
            cluster.admin(),
            cluster.config().clientProperties(),
            config.instanceId(),
            List.of(
                cluster.catalog().name(PerennialTopic.VERDICTS),
                cluster.catalog().name(PerennialTopic.TRAINING_JOBS),
                cluster.catalog().name(PerennialTopic.JOB_OUTCOMES)))
        .awaitCaughtUp(timeout);
  }

  /** Prints the release table: every version of every key, its aliases and its gates. */
  @Override
  public boolean report(SampleEvents sent, PrintWriter out) {
    out.println("Releases");
    out.print(ReleaseTable.render(registry()));
    out.flush();
    return true;
  }

  /** The releases the running publisher knows now (a snapshot: ask again after it decided more). */
  public ReleaseRegistry registry() {
    return server.service().service().registry();
  }

  /** The running publisher (tests). */
  public ServiceProcess<PublisherServer> server() {
    return server;
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
      server = null;
    }
  }
}
