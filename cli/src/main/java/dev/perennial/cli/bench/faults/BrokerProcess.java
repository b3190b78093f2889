package dev.perennial.cli.bench.faults;

import dev.perennial.core.PerennialException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A Kafka broker as its own process: one combined broker and controller in KRaft mode ({@code
 * kafka.Kafka} from this classpath) on two fixed loopback ports, its log in a folder that survives
 * a SIGKILL, so it starts again where it died.
 */
final class BrokerProcess implements AutoCloseable {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final int port;
  private final ChildJvm server;

  private BrokerProcess(int port, ChildJvm server) {
    this.port = port;
    this.server = server;
  }

  /** Formats the log folder under {@code folder} and starts the broker; returns once it serves. */
  static BrokerProcess start(Path folder) throws InterruptedException {
    int port = freePort();
    int controllerPort = freePort();
    Path properties = folder.resolve("server.properties");
    writeProperties(properties, port, controllerPort, folder.resolve("kafka-logs"));
    ChildJvm format =
        new ChildJvm(
            "kafka-storage-format",
            "256m",
            Map.of(),
            "kafka.tools.StorageTool",
            List.of(
                "format",
                "--cluster-id",
                Uuid.randomUuid().toString(),
                "--config",
                properties.toString(),
                "--standalone",
                "--ignore-formatted"),
            folder.resolve("logs").resolve("kafka-storage-format.log"));
    format.start();
    format.awaitExit(Duration.ofSeconds(60));
    ChildJvm server =
        new ChildJvm(
            "broker",
            "768m",
            Map.of(),
            "kafka.Kafka",
            List.of(properties.toString()),
            folder.resolve("logs").resolve("broker.log"));
    BrokerProcess broker = new BrokerProcess(port, server);
    broker.restart();
    return broker;
  }

  String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  ChildJvm process() {
    return server;
  }

  void kill() throws InterruptedException {
    server.kill();
  }

  /** Starts the broker on its ports and log folder; returns once a client can describe it. */
  void restart() throws InterruptedException {
    server.start();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    Map<String, Object> properties =
        Map.of(
            CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers(),
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
            2_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
            2_000);
    try (Admin admin = Admin.create(properties)) {
      while (System.nanoTime() < deadline) {
        if (!server.isAlive()) {
          throw new PerennialException("The broker exited; see " + server.log());
        }
        try {
          admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
          return;
        } catch (Exception e) {
          Thread.sleep(200);
        }
      }
    }
    throw new PerennialException("The broker did not serve within " + READY_TIMEOUT);
  }

  private static void writeProperties(Path file, int port, int controllerPort, Path logDir) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
    p.put(
        "listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", logDir.toAbsolutePath().toString());
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "5");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "5");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "false");
    // A transaction that a killed worker left open is aborted soon after it times out.
    p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
    try {
      Files.createDirectories(file.getParent());
      try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        p.store(out, "broker of the fault harness");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
