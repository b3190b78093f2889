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
import dev.perennial.schemas.v1.Feedback;
import dev.perennial.schemas.v1.FeedbackKind;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
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
 * Ingest's throughput next to two Kafka Streams applications on the same broker, over the same
 * records, in the same run: the equal-work baseline ({@link IngestBaselineTopology}: the same three
 * topics, Avro through the registry's serdes, consent table, dedup store, one example per event)
 * and a passthrough ({@code stream(in).to(out)} on the events' bytes), all exactly-once.
 *
 * <p>All input is written before any application starts: consent grants for every subject, then
 * warm-up and measured events of about {@code recordBytes}, one in four a correction on {@code
 * feedback.v1} and the others documents. Each application first works through the warm-up events,
 * then the measured ones in {@code repetitions} equal slices, each slice timed from the moment its
 * committed offsets pass the slice's start to the moment they pass its end (exactly-once commits
 * outputs with offsets, so committed input is written output). Ingest runs last: it purges the
 * input it has consumed.
 */
public final class IngestBenchmark {

  /**
   * @param warmupEvents events each application works through before the clock starts
   * @param events events measured
   * @param repetitions slices the measured events are timed in
   * @param recordBytes about how large an event's text is
   * @param subjects users the events are spread over (each with consent)
   */
  public record Settings(
      int warmupEvents, int events, int repetitions, int recordBytes, int subjects) {

    public Settings {
      if (warmupEvents < 0 || events < 1 || recordBytes < 1 || subjects < 1) {
        throw new IllegalArgumentException(
            "warm-up events must be at least 0, events, record bytes and subjects at least 1");
      }
      if (repetitions < 1 || events < repetitions) {
        throw new IllegalArgumentException(
            "repetitions must be at least 1 and at most the measured events");
      }
    }

    public static Settings defaults() {
      return new Settings(30_000, 250_000, 5, 1024, 200);
    }
  }

  /** One application's measured slices. */
  public record Measurement(String name, long eventsPerSlice, List<Duration> slices) {

    /** Events per second of each slice, in the order they ran. */
    public List<Double> rates() {
      return slices.stream().map(slice -> eventsPerSlice / (slice.toNanos() / 1e9)).toList();
    }

    public double median() {
      List<Double> sorted = rates().stream().sorted().toList();
      int n = sorted.size();
      return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    public double min() {
      return rates().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    public double max() {
      return rates().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }

    /** (max - min) / median of the slices' rates. */
    public double spread() {
      return (max() - min()) / median();
    }

    public double seconds() {
      return slices.stream().mapToLong(Duration::toNanos).sum() / 1e9;
    }

    String line(String description) {
      return String.format(
          Locale.ROOT,
          "%-11s %,8.0f events/s median, min %,.0f, max %,.0f, spread %.0f %% (%d slices of %,d"
              + " events, %.1f s)  %s",
          name + ":",
          median(),
          min(),
          max(),
          100 * spread(),
          slices.size(),
          eventsPerSlice,
          seconds(),
          description);
    }
  }

  /** The three measurements and what the baseline and ingest wrote for the measured events. */
  public record Report(
      Measurement passthrough,
      Measurement baseline,
      Measurement ingest,
      long baselineExamples,
      long ingestExamples,
      long events) {

    /** Ingest's median over the baseline's. */
    public double ratio() {
      return ingest.median() / baseline.median();
    }

    public List<String> lines() {
      return List.of(
          passthrough.line("stream(in).to(out) on bytes, both event topics, no store"),
          baseline.line(
              "3 topics, Avro via registry, consent table join, dedup store, one example per"
                  + " event"),
          ingest.line("the baseline's work + validation, PII redaction, HMAC ids, encryption"),
          String.format(
              Locale.ROOT,
              "ingest / baseline:    %.2f (medians; slice extremes %.2f to %.2f)",
              ratio(),
              ingest.min() / baseline.max(),
              ingest.max() / baseline.min()),
          String.format(
              Locale.ROOT,
              "ingest / passthrough: %.2f (medians)",
              ingest.median() / passthrough.median()),
          String.format(
              Locale.ROOT,
              "examples for the %,d measured events: baseline %,d, ingest %,d",
              events,
              baselineExamples,
              ingestExamples));
    }
  }

  private static final Duration TIMEOUT = Duration.ofMinutes(10);
  private static final Duration POLL = Duration.ofMillis(25);
  private static final Instant OCCURRED_AT = Instant.parse("2025-01-01T00:00:00Z");

  /** Every this many events one is a correction on feedback.v1. */
  private static final int FEEDBACK_EVERY = 4;

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
        "Writing %,d consent grants and %,d events of about %,d bytes (1 in %d feedback) ...",
        settings.subjects(), total, settings.recordBytes(), FEEDBACK_EVERY);
    writeInput(total);

    Measurement passthrough = passthrough();
    LongAdder baselineExamples = new LongAdder();
    Measurement baseline = baseline(baselineExamples);
    IngestResult ingest = ingest();
    return new Report(
        passthrough,
        baseline,
        ingest.measurement(),
        baselineExamples.sum() - settings.warmupEvents(),
        ingest.examples(),
        settings.events());
  }

  private Measurement passthrough() throws InterruptedException {
    String output = provision("bench-passthrough.v1");
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(eventTopics(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
        .to(output, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
    return runStreams(
        "passthrough", builder, eventTopics(), settings.warmupEvents(), settings.events());
  }

  private Measurement baseline(LongAdder written) throws InterruptedException {
    String output = provision("bench-baseline-examples.v1");
    StreamsBuilder builder = new StreamsBuilder();
    IngestBaselineTopology.build(
        builder,
        cluster.topics(),
        output,
        Duration.ofMillis(IngestConfig.DEDUP_WINDOW_MS_DEFAULT),
        written);
    return runStreams(
        "baseline", builder, eventTopics(), settings.warmupEvents(), settings.events());
  }

  private String provision(String name) {
    String topic = cluster.catalog().topicPrefix() + name;
    new TopicProvisioner(cluster.admin())
        .provision(List.of(TopicSpec.of(topic, cluster.config().topicPartitions())));
    return topic;
  }

  private Measurement runStreams(
      String name, StreamsBuilder builder, List<String> topics, long warmup, long events)
      throws InterruptedException {
    say("%s: warming up on %,d events, then measuring %,d ...", name, warmup, events);
    String applicationId = "perennial-bench-" + name;
    Map<String, Object> base =
        StreamsProperties.builder(cluster.config(), applicationId)
            .deserializationExceptionHandler(LogAndFailExceptionHandler.class)
            .productionExceptionHandler(DefaultProductionExceptionHandler.class)
            .build();
    base.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(name).toString());
    Properties properties = new Properties();
    properties.putAll(base);
    try (KafkaStreams streams = new KafkaStreams(builder.build(), properties)) {
      streams.start();
      return measure(name, applicationId, topics, warmup, events);
    }
  }

  private record IngestResult(Measurement measurement, long examples) {}

  private IngestResult ingest() throws InterruptedException {
    say(
        "ingest: warming up on %,d events, then measuring %,d ...",
        settings.warmupEvents(), settings.events());
    Map<String, String> values = cluster.values();
    values.put(IngestConfig.APPLICATION_ID_CONFIG, "perennial-bench-ingest");
    IngestConfig config = IngestStage.config(values, stateDir);
    try (ServiceProcess<IngestService> ingest =
        ServiceProcess.start("ingest", config, metrics -> IngestService.start(config, metrics))) {
      Measurement measurement =
          measure(
              "ingest",
              config.applicationId(),
              eventTopics(),
              settings.warmupEvents(),
              settings.events());
      long examples = Math.round(ingest.service().metrics().count(IngestMetrics.EXAMPLES));
      return new IngestResult(measurement, examples - settings.warmupEvents());
    }
  }

  /**
   * Times the application's committed offsets on {@code topics} through {@code events} records
   * after the first {@code warmup}, in the settings' slices.
   */
  private Measurement measure(
      String name, String applicationId, List<String> topics, long warmup, long events)
      throws InterruptedException {
    ConsumerGroupProgress progress =
        new ConsumerGroupProgress(
            cluster.admin(), cluster.config().clientProperties(), applicationId, topics);
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    int slices = settings.repetitions();
    long perSlice = events / slices;
    List<Duration> durations = new ArrayList<>();
    long start = awaitCommitted(progress, warmup, deadline, name);
    for (int slice = 1; slice <= slices; slice++) {
      long end = awaitCommitted(progress, warmup + slice * perSlice, deadline, name);
      durations.add(Duration.ofNanos(end - start));
      start = end;
    }
    return new Measurement(name, perSlice, durations);
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

  /** Whether event {@code index} is feedback (else a document). */
  private static boolean isFeedback(int index) {
    return index % FEEDBACK_EVERY == FEEDBACK_EVERY - 1;
  }

  private void writeInput(int eventCount) throws InterruptedException {
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
      for (int i = 0; i < eventCount; i++) {
        String key = "bench/" + subject(i % settings.subjects());
        String text = texts.get(i % texts.size());
        // Sent after the grants were acknowledged, so with later timestamps: Streams reads the
        // consent first. (Timestamps stay the producer's clock: older ones would fall out of the
        // topics' retention during the run.)
        sent.add(producer.send(isFeedback(i) ? feedback(i, key, text) : document(i, key, text)));
        if (sent.size() >= 10_000) {
          awaitAll(sent);
        }
      }
      awaitAll(sent);
    }
  }

  private ProducerRecord<String, byte[]> document(int index, String key, String text) {
    Topic<String, Document> topic = documents();
    Document document =
        Document.newBuilder()
            .setEventId("bench-" + index)
            .setTenant("bench")
            .setSubject(subject(index % settings.subjects()))
            .setSource("bench")
            .setContent(text)
            .setContentType("text/plain")
            .setOccurredAt(OCCURRED_AT)
            .build();
    return new ProducerRecord<>(
        topic.name(), key, topic.valueSerde().serializer().serialize(topic.name(), document));
  }

  /** A correction: an eighth of the text as prompt, three eighths response, the rest correction. */
  private ProducerRecord<String, byte[]> feedback(int index, String key, String text) {
    Topic<String, Feedback> topic = cluster.topics().feedback();
    int prompt = text.length() / 8;
    int response = prompt + 3 * text.length() / 8;
    Feedback feedback =
        Feedback.newBuilder()
            .setEventId("bench-" + index)
            .setTenant("bench")
            .setSubject(subject(index % settings.subjects()))
            .setPrompt(text.substring(0, prompt))
            .setResponse(text.substring(prompt, response))
            .setKind(FeedbackKind.CORRECTION)
            .setCorrection(text.substring(response))
            .setOccurredAt(OCCURRED_AT)
            .build();
    return new ProducerRecord<>(
        topic.name(), key, topic.valueSerde().serializer().serialize(topic.name(), feedback));
  }

  private List<String> eventTopics() {
    return List.of(documents().name(), cluster.topics().feedback().name());
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
