package dev.perennial.cli.local;

import dev.perennial.cli.sample.SampleEvents;
import dev.perennial.core.PerennialException;
import dev.perennial.core.config.MasterKeySettings;
import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.files.Folders;
import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.StageAcls.Stage;
import dev.perennial.core.service.ServiceProcess;
import dev.perennial.ingest.app.IngestService;
import dev.perennial.ingest.config.IngestConfig;
import dev.perennial.schemas.v1.ExampleKind;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The ingest service inside {@code perennial local}. Without a configured pseudonym secret it uses
 * {@link #LOCAL_PSEUDONYM_SECRET}, a fixed and public one, and without configured master keys
 * {@link #LOCAL_MASTER_KEYS}, and says so. Its Streams state lives in {@code <state-dir>/ingest},
 * wiped at start (the local broker starts empty every time).
 */
public final class IngestStage implements LocalStage {

  /** The pseudonym secret of local runs: fixed and published, refused outside them. */
  public static final String LOCAL_PSEUDONYM_SECRET = IngestConfig.LOCAL_PSEUDONYM_SECRET;

  /** The master keys of local runs (the trainer's too): fixed and published, sample data only. */
  public static final String LOCAL_MASTER_KEYS =
      "local=cGVyZW5uaWFsLWxvY2FsLW9ubHktbWFzdGVyLWtleSE=";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Path stateDir;
  private LocalCluster cluster;
  private IngestConfig config;
  private ServiceProcess<IngestService> service;
  private ConsumerGroupProgress progress;

  public IngestStage(Path stateDir) {
    this.stateDir = stateDir;
  }

  /**
   * Ingest's configuration in a local run: the cluster's values, the local secret unless one is
   * configured, endpoints on a free loopback port, Streams state under the state folder.
   *
   * @throws dev.perennial.core.config.InvalidConfigurationException listing every problem
   */
  public static IngestConfig config(Map<String, String> clusterValues, Path stateDir) {
    Map<String, String> values = new HashMap<>(clusterValues);
    if (!usesOwnSecret(values)) {
      values.put(IngestConfig.PSEUDONYM_SECRET_CONFIG, LOCAL_PSEUDONYM_SECRET);
    }
    withLocalMasterKeys(values);
    values.putIfAbsent(PerennialConfig.HTTP_HOST_CONFIG, "127.0.0.1");
    values.putIfAbsent(PerennialConfig.HTTP_PORT_CONFIG, "0");
    values.putIfAbsent(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("ingest").toString());
    return IngestConfig.forLocalRun(values);
  }

  /** {@link #LOCAL_MASTER_KEYS} in {@code values}, unless master keys are configured. */
  public static Map<String, String> withLocalMasterKeys(Map<String, String> values) {
    if (!usesOwnMasterKeys(values)) {
      values.put(MasterKeySettings.MASTER_KEYS_CONFIG, LOCAL_MASTER_KEYS);
    }
    return values;
  }

  private static boolean usesOwnMasterKeys(Map<String, String> values) {
    return values.containsKey(MasterKeySettings.MASTER_KEYS_CONFIG)
        || values.containsKey(MasterKeySettings.MASTER_KEYS_FILE_CONFIG);
  }

  private static boolean usesOwnSecret(Map<String, String> values) {
    return values.containsKey(IngestConfig.PSEUDONYM_SECRET_CONFIG)
        || values.containsKey(IngestConfig.PSEUDONYM_SECRET_FILE_CONFIG);
  }

  @Override
  public String name() {
    return "ingest";
  }

  @Override
  public void start(LocalCluster cluster, PrintWriter out) throws InterruptedException {
    this.cluster = cluster;
    config = config(cluster.values(Stage.INGEST), stateDir);
    Folders.deleteRecursively(
        Path.of(config.originalsStrings().get(StreamsConfig.STATE_DIR_CONFIG)));
    service =
        ServiceProcess.start("ingest", config, metrics -> IngestService.start(config, metrics));
    if (!service.service().awaitRunning(START_TIMEOUT)) {
      throw new PerennialException(
          "Ingest did not reach RUNNING within "
              + START_TIMEOUT
              + "; it is "
              + service.service().state());
    }
    progress =
        new ConsumerGroupProgress(
            cluster.admin(),
            cluster.config().clientProperties(),
            config.applicationId(),
            Stream.of(PerennialTopic.DOCUMENTS, PerennialTopic.FEEDBACK, PerennialTopic.CONSENT)
                .map(cluster.catalog()::name)
                .toList());
    out.printf(
        "Ingest            running (Kafka Streams application %s; metrics"
            + " http://127.0.0.1:%d/metrics)%n",
        config.applicationId(), service.httpPort());
    if (!usesOwnSecret(cluster.values())) {
      out.println(
          "Pseudonym secret  the fixed local one (public, for sample data only; set "
              + IngestConfig.PSEUDONYM_SECRET_CONFIG
              + " for anything else)");
    }
    if (!usesOwnMasterKeys(cluster.values())) {
      out.println(
          "Master keys       the fixed local ones (public, for sample data only; set "
              + MasterKeySettings.MASTER_KEYS_FILE_CONFIG
              + " for anything else)");
    }
    out.flush();
  }

  @Override
  public boolean readsAppEvents() {
    return true;
  }

  @Override
  public void awaitCaughtUp(Duration timeout) throws InterruptedException {
    progress.awaitCaughtUp(timeout);
  }

  @Override
  public boolean report(SampleEvents sent, PrintWriter out) {
    IngestOutputs outputs =
        IngestOutputs.read(
            cluster.config().clientProperties(), cluster.topics(), cluster.catalog());
    out.println("Examples per adapter key");
    outputs
        .examplesByAdapterKeyAndKind()
        .forEach(
            (adapterKey, kinds) ->
                out.printf(
                    "  %-24s %5d  (%s)%n",
                    adapterKey,
                    kinds.values().stream().mapToLong(Long::longValue).sum(),
                    describe(kinds)));
    out.println("Rejections per reason");
    outputs
        .eventRejectionsByReason()
        .forEach((reason, count) -> out.printf("  %-24s %5d%n", reason, count));
    out.printf(
        "Redacted          %s%n",
        outputs.redactionsByType().entrySet().stream()
            .map(entry -> entry.getKey() + " " + entry.getValue())
            .collect(Collectors.joining(", ")));
    out.printf("Erasure requests  %d%n", outputs.erasures().size());

    long examples = outputs.examples().size();
    long rejections = outputs.eventRejections();
    boolean accounted =
        examples + rejections == sent.eventRecords()
            && outputs.examplesByAdapterKey().equals(sent.expectedExamplesByAdapterKey())
            && outputs.eventRejectionsByReason().equals(sent.expectedRejectionsByReason())
            && outputs.consentRejections() == 0;
    if (accounted) {
      out.printf(
          "Every input accounted for: %d events -> %d examples + %d rejections.%n",
          sent.eventRecords(), examples, rejections);
    } else {
      out.printf(
          "NOT AS EXPECTED: %d events sent, %d examples and %d rejections written;"
              + " expected examples %s and rejections %s%n",
          sent.eventRecords(),
          examples,
          rejections,
          sent.expectedExamplesByAdapterKey(),
          sent.expectedRejectionsByReason());
    }
    out.flush();
    return accounted;
  }

  private static String describe(Map<ExampleKind, Long> kinds) {
    return kinds.entrySet().stream()
        .map(entry -> entry.getKey() + " " + entry.getValue())
        .collect(Collectors.joining(", "));
  }

  @Override
  public void close() {
    if (service != null) {
      service.close();
      service = null;
    }
  }
}
