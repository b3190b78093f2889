package dev.perennial.cli;

import dev.perennial.cli.bench.IngestBenchmark;
import dev.perennial.cli.local.LocalCluster;
import dev.perennial.core.config.ConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code perennial bench ingest}: ingest's events/s next to a plain Kafka Streams passthrough on
 * the same in-process broker, in the same run, and their ratio.
 */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Ingest's throughput (events/s) next to a Kafka Streams passthrough (stream(in).to(out),"
          + " exactly_once_v2) over the same documents on the same in-process broker, and their"
          + " ratio. Both warm up first."
    })
public final class BenchIngestCommand extends ConsoleCommand {

  @Option(
      names = "--events",
      paramLabel = "N",
      description = "Documents measured (default: 100000).")
  Integer events;

  @Option(
      names = "--warmup",
      paramLabel = "N",
      description = "Documents each application works through first (default: 20000).")
  Integer warmup;

  @Option(
      names = "--record-bytes",
      paramLabel = "BYTES",
      description = "Content size of each document (default: 1024).")
  Integer recordBytes;

  @Override
  int run(PrintWriter out) throws Exception {
    IngestBenchmark.Settings defaults = IngestBenchmark.Settings.defaults();
    IngestBenchmark.Settings settings =
        new IngestBenchmark.Settings(
            warmup == null ? defaults.warmupEvents() : warmup,
            events == null ? defaults.events() : events,
            recordBytes == null ? defaults.recordBytes() : recordBytes,
            defaults.subjects());
    Path stateDir = Files.createTempDirectory("perennial-bench-");
    out.println("Starting the Kafka broker and the schema registry ...");
    out.flush();
    try (LocalCluster cluster = LocalCluster.start(ConfigLoader.load(null), stateDir)) {
      IngestBenchmark.Report report = new IngestBenchmark(cluster, settings, stateDir, out).run();
      report.lines().forEach(out::println);
      out.flush();
    }
    return 0;
  }
}
