package dev.perennial.cli.bench;

import dev.perennial.cli.local.ConsumerGroupProgress;
import dev.perennial.cli.local.IngestStage;
import dev.perennial.cli.local.LocalCluster;
import dev.perennial.core.PerennialException;
import dev.perennial.core.kafka.KafkaClients;
import dev.perennial.core.kafka.StreamsProperties;
import dev.perennial.core.kafka.TopicProvisioner;
import dev.perennial.core.kafka.TopicSpec;
import dev.perennial.core.service.ServiceProcess;
import dev.perennial.ingest.app.IngestService;
import dev.perennial.ingest.config.IngestConfig;
import dev.perennial.ingest.metrics.IngestMetrics;
import dev.perennial.model.world.SampleDocument;
import dev.perennial.model.world.World;
import dev.perennial.schemas.topic.Topic;
import dev.perennial.schemas.v1.ConsentChange;
import dev.perennial.schemas.v1.Document;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.LogAndFailExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Ingest's throughput next to a plain Kafka Streams passthrough ({@code stream(in).to(out)} on
 * bytes, exactly-once as ingest) on the same broker, over the same records, in the same run.
 *
 * <p>All input is written before either application starts: consent grants for every subject, then
 * warm-up and measured documents of about {@code recordBytes}. Each application first works through
 * the warm-up records; the clock runs from the moment its committed offsets pass them to the moment
 * they pass the measured ones (exactly-once commits outputs with offsets, so committed input is
 * written output).
 */
public final class IngestBenchmark {

  /**
   * @param warmupEvents documents each application works through before the clock starts
   * @param events documents measured
   * @param recordBytes about how large a document's content is
   * @param subjects users the documents are spread over (each with consent)
   */
  public record Settings(int warmupEvents, int events, int recordBytes, int subjects) {

    public Settings {
      if (warmupEvents < 0 || events < 1 || recordBytes < 1 || subjects < 1) {
        throw new IllegalArgumentException(
            "warm-up events must be at least 0, events, record bytes and subjects at least 1");
      }
    }

    public static Settings defaults() {
      return new Settings(20_000, 100_000, 1024, 200);
    }
  }

  /** One application's measured run. */
  public record Measurement(String name, long events, Duration elapsed) {
    public double eventsPerSecond() {
      return events / (elapsed.toNanos() / 1e9);
    }
  }

  /** Both measurements and what ingest made of the measured records. */
  public record Report(Measurement passthrough, Measurement ingest, long examples) {
    public double ratio() {
      return ingest.eventsPerSecond() / passthrough.eventsPerSecond();
    }

    public List<String> lines() {
      return List.of(
          String.format(
              "passthrough (Kafka Streams stream(in).to(out), bytes, exactly_once_v2): %,10.0f"
                  + " events/s  (%,d events in %.2f s)",
              passthrough.eventsPerSecond(),
              passthrough.events(),
              passthrough.elapsed().toNanos() / 1e9),
          String.format(
              "ingest (consent join, validation, redaction, dedup, routing, exactly_once_v2): "
                  + "%,10.0f events/s  (%,d events in %.2f s)",
              ingest.eventsPerSecond(), ingest.events(), ingest.elapsed().toNanos() / 1e9),
          String.format(
              "ingest / passthrough: %.2f  (%,d examples written, every document admitted: %s)",
              ratio(), examples, examples >= ingest.events()));
    }
  }

  private static final Duration TIMEOUT = Duration.ofMinutes(10);
  private static final Duration POLL = Duration.ofMillis(25);
  private static final Instant OCCURRED_AT = Instant.parse("2025-01-01T00:00:00Z");

  private final LocalCluster cluster;
  private final Settings settings;
  private final Path stateDir;
  private final PrintWriter progress;

  public IngestBenchmark(
      LocalCluster cluster, Settings settings, Path stateDir, PrintWriter progress) {
    this.cluster = cluster;
    this.settings = settings;
    this.stateDir = stateDir;
    this.progress = progress;
  }

  public Report run() throws InterruptedException {
    int total = settings.warmupEvents() + settings.events();
    say(
        "Writing %,d consent grants and %,d documents of about %,d bytes ...",
        settings.subjects(), total, settings.recordBytes());
    writeInput(total);

    say(
        "Passthrough: warming up on %,d documents, then measuring %,d ...",
        settings.warmupEvents(), settings.events());
    Measurement passthrough = passthrough();
    say(
        "Ingest: warming up on %,d documents, then measuring %,d ...",
        settings.warmupEvents(), settings.events());
    IngestResult ingest = ingest();
    return new Report(passthrough, ingest.measurement(), ingest.examples());
  }

  private Measurement passthrough() throws InterruptedException {
    String output = cluster.catalog().topicPrefix() + "bench-passthrough.v1";
    new TopicProvisioner(cluster.admin())
        .provision(List.of(TopicSpec.of(output, cluster.config().topicPartitions())));
    String applicationId = "perennial-bench-passthrough";
    Map<String, Object> base =
        StreamsProperties.builder(cluster.config(), applicationId)
            .deserializationExceptionHandler(LogAndFailExceptionHandler.class)
            .productionExceptionHandler(DefaultProductionExceptionHandler.class)
            .build();
    base.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("passthrough").toString());
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(documents().name(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
        .to(output, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
    Properties properties = new Properties();
    properties.putAll(base);
    try (KafkaStreams streams = new KafkaStreams(builder.build(), properties)) {
      streams.start();
      return measure("passthrough", applicationId);
    }
  }

  private record IngestResult(Measurement measurement, long examples) {}

  private IngestResult ingest() throws InterruptedException {
    Map<String, String> values = cluster.values();
    values.put(IngestConfig.APPLICATION_ID_CONFIG, "perennial-bench-ingest");
    IngestConfig config = IngestStage.config(values, stateDir);
    try (ServiceProcess<IngestService> ingest =
        ServiceProcess.start("ingest", config, metrics -> IngestService.start(config, metrics))) {
      Measurement measurement = measure("ingest", config.applicationId());
      long examples = Math.round(ingest.service().metrics().count(IngestMetrics.EXAMPLES));
      return new IngestResult(measurement, examples - settings.warmupEvents());
    }
  }

  /** Times the application's committed offsets on the documents from warm-up to the end. */
  private Measurement measure(String name, String applicationId) throws InterruptedException {
    ConsumerGroupProgress progress =
        new ConsumerGroupProgress(
            cluster.admin(),
            cluster.config().clientProperties(),
            applicationId,
            List.of(documents().name()));
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    long start = awaitCommitted(progress, settings.warmupEvents(), deadline, name);
    long end =
        awaitCommitted(progress, settings.warmupEvents() + settings.events(), deadline, name);
    return new Measurement(name, settings.events(), Duration.ofNanos(end - start));
  }

  private static long awaitCommitted(
      ConsumerGroupProgress progress, long records, long deadline, String name)
      throws InterruptedException {
    while (progress.committedOffsets() < records) {
      if (System.nanoTime() > deadline) {
        throw new PerennialException(
            "The " + name + " application did not get through " + records + " records in time");
      }
      Thread.sleep(POLL.toMillis());
    }
    return System.nanoTime();
  }

  private void writeInput(int documentsCount) throws InterruptedException {
    Map<String, Object> producerProperties =
        KafkaClients.producer(cluster.config(), "perennial-bench-input");
    producerProperties.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    producerProperties.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    producerProperties.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    List<String> texts = texts();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            producerProperties, new StringSerializer(), new ByteArraySerializer())) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      Topic<String, ConsentChange> consent = cluster.topics().consent();
      for (int s = 0; s < settings.subjects(); s++) {
        ConsentChange grant =
            ConsentChange.newBuilder()
                .setTenant("bench")
                .setSubject(subject(s))
                .setPurpose(IngestConfig.TRAINING_PURPOSE_DEFAULT)
                .setGranted(true)
                .setChangedAt(OCCURRED_AT)
                .setSource("bench")
                .build();
        sent.add(
            producer.send(
                new ProducerRecord<>(
                    consent.name(),
                    "bench/" + subject(s),
                    consent.valueSerde().serializer().serialize(consent.name(), grant))));
      }
      awaitAll(sent);
      Topic<String, Document> documents = documents();
      for (int i = 0; i < documentsCount; i++) {
        int s = i % settings.subjects();
        Document document =
            Document.newBuilder()
                .setEventId("bench-" + i)
                .setTenant("bench")
                .setSubject(subject(s))
                .setSource("bench")
                .setContent(texts.get(i % texts.size()))
                .setContentType("text/plain")
                .setOccurredAt(OCCURRED_AT)
                .build();
        // Sent after the grants were acknowledged, so with later timestamps: Streams reads the
        // consent first. (Timestamps stay the producer's clock: older ones would fall out of the
        // topics' retention during the run.)
        sent.add(
            producer.send(
                new ProducerRecord<>(
                    documents.name(),
                    "bench/" + subject(s),
                    documents.valueSerde().serializer().serialize(documents.name(), document))));
        if (sent.size() >= 10_000) {
          awaitAll(sent);
        }
      }
      awaitAll(sent);
    }
  }

  /** Texts of about the record size, from the synthetic world's documents. */
  private List<String> texts() {
    List<SampleDocument> documents = World.standard().tenant("bench").documents();
    List<String> texts = new ArrayList<>();
    for (int start = 0; start < documents.size(); start++) {
      StringBuilder text = new StringBuilder();
      for (int d = start; text.length() < settings.recordBytes(); d++) {
        text.append(documents.get(d % documents.size()).text()).append(' ');
      }
      texts.add(text.substring(0, settings.recordBytes()));
    }
    return texts;
  }

  private static String subject(int number) {
    return "user-" + number;
  }

  private Topic<String, Document> documents() {
    return cluster.topics().documents();
  }

  private static void awaitAll(List<Future<RecordMetadata>> sent) throws InterruptedException {
    for (Future<RecordMetadata> future : sent) {
      try {
        future.get();
      } catch (ExecutionException e) {
        throw new PerennialException(
            "Cannot write the benchmark's input: " + e.getCause().getMessage(), e.getCause());
      }
    }
    sent.clear();
  }

  private void say(String format, Object... args) {
    progress.printf(format + "%n", args);
    progress.flush();
  }
}
