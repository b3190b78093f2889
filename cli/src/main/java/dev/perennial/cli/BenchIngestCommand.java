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
 * {@code perennial bench ingest}: ingest's events/s next to an equal-work Kafka Streams baseline
 * and a passthrough on the same in-process broker, in the same run, and their ratios.
 */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Ingest's throughput (events/s) next to two Kafka Streams applications over the same"
          + " events on the same in-process broker, all exactly_once_v2: an equal-work baseline"
          + " (the same three topics, Avro through the registry, consent table join, dedup store,"
          + " one example per event) and a passthrough (stream(in).to(out) on bytes). Each warms"
          + " up first, then is timed in equal slices: median, min, max and spread, and the"
          + " ratio of ingest to the baseline."
    })
public final class BenchIngestCommand extends ConsoleCommand {

  @Option(
      names = "--events",
      paramLabel = "N",
      description = "Events measured (default: 250000; one in four feedback).")
  Integer events;

  @Option(
      names = "--warmup",
      paramLabel = "N",
      description = "Events each application works through first (default: 30000).")
  Integer warmup;

  @Option(
      names = "--repetitions",
      paramLabel = "N",
      description = "Slices the measured events are timed in (default: 5).")
  Integer repetitions;

  @Option(
      names = "--record-bytes",
      paramLabel = "BYTES",
      description = "Text size of each event (default: 1024).")
  Integer recordBytes;

  @Override
  int run(PrintWriter out) throws Exception {
    IngestBenchmark.Settings defaults = IngestBenchmark.Settings.defaults();
    IngestBenchmark.Settings settings =
        new IngestBenchmark.Settings(
            warmup == null ? defaults.warmupEvents() : warmup,
            events == null ? defaults.events() : events,
            repetitions == null ? defaults.repetitions() : repetitions,
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
