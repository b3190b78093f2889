package dev.perennial.cli.bench.faults;

import dev.perennial.cli.Perennial;
import dev.perennial.cli.local.ConsumerGroupProgress;
import dev.perennial.cli.sample.SampleEventProducer;
import dev.perennial.cli.sample.SampleEvents;
import dev.perennial.cli.sample.SamplePhase;
import dev.perennial.cli.sample.SamplePlan;
import dev.perennial.cli.sample.SampleRecord;
import dev.perennial.core.PerennialException;
import dev.perennial.core.config.MasterKeySettings;
import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.embedded.EmbeddedSchemaRegistry;
import dev.perennial.core.kafka.FaultHook;
import dev.perennial.core.kafka.KafkaClients;
import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.kafka.TopicProvisioner;
import dev.perennial.evaluator.config.EvaluatorConfig;
import dev.perennial.ingest.config.IngestConfig;
import dev.perennial.model.world.World;
import dev.perennial.publisher.config.PublisherConfig;
import dev.perennial.publisher.sign.SigningKey;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.local.LocalTrainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Issue 17's fault harness: a Kafka broker as its own process, the schema registry, and every stage
 * as its own {@code perennial} process with a production configuration file (ingest, the trainer's
 * accumulator, three trainer workers, the evaluator, the publisher). A sample stream goes in over
 * several rounds, each of which trains; in each round the harness SIGKILLs the processes its {@link
 * KillSchedule} names at their busy moments (inside the worker's, the evaluator's and the
 * publisher's transaction windows through {@link FaultHook}) and starts them again; the third
 * worker leaves in one round and comes back in a later one (3, 2, 3 workers, its partitions
 * moving). Then {@link FaultAccounting} checks everything by offset and id, and {@code perennial
 * releases verify} the release area.
 */
public final class FaultHarness {

  private static final List<String> TENANTS = List.of("acme", "globex");
  private static final Pattern STEP = Pattern.compile("(step |\\] )\\d+/\\d+ loss");
  private static final String SEALED = "Sealed job";
  // Moments are awaited one after another after a round's events are sent; a test-base job trains
  // for a few seconds, so at 10 s a worker's or the publisher's window could pass while the harness
  // still awaited an earlier moment, and the next came 2 to 3 s after its wait had ended (seen)
  private static final Duration MOMENT_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration CATCH_UP = Duration.ofMinutes(3);
  private static final Duration SETTLE = Duration.ofMillis(3_000);
  private static final int WORKERS = 3;

  /**
   * @param seed drives the kill schedule, the stream's events and the harness's small delays
   * @param kills how many SIGKILLs (7 or more hit every stage, both transaction windows and the
   *     broker)
   * @param rounds batches of the stream, each trained before the next (at least 3)
   * @param eventsPerRound app events of each batch
   * @param pause how long a transaction window stays open ({@link FaultHook})
   * @param folder where the broker's log, the stages' state, configuration and logs go
   * @param modelValues {@code perennial.trainer.*} and {@code perennial.evaluator.*} values on top
   *     of the harness's (another base model, a smaller recipe); none: the bundled base
   */
  public record Settings(
      long seed,
      int kills,
      int rounds,
      int eventsPerRound,
      Duration pause,
      Path folder,
      Map<String, String> modelValues) {

    public Settings {
      modelValues = Map.copyOf(modelValues);
    }

    /** The short schedule of the build: every moment once over three rounds. */
    public static Settings inBuild(long seed, Path folder, Map<String, String> modelValues) {
      return new Settings(
          seed,
          KillSchedule.Moment.values().length,
          3,
          40,
          Duration.ofMillis(1_500),
          folder,
          modelValues);
    }
  }

  /**
   * What a run did and found.
   *
   * @param kills each SIGKILL done, as {@code r1 WORKER_IN_TRANSACTION worker-2}
   * @param missed kills whose moment came neither in their round nor in a later one
   * @param workerCounts the worker group's sizes observed: 3, then 2, then 3
   * @param verify the output of {@code perennial releases verify} and its exit status
   */
  public record Report(
      String schedule,
      List<String> kills,
      List<String> missed,
      List<Integer> workerCounts,
      FaultAccounting.Result accounting,
      int verifyStatus,
      String verify,
      Duration took) {

    /** Whether every kill happened and every check held. */
    public boolean held() {
      return missed.isEmpty()
          && accounting.problems().isEmpty()
          && verifyStatus == 0
          && workerCounts.equals(List.of(WORKERS, WORKERS - 1, WORKERS));
    }

    public List<String> lines() {
      List<String> lines = new ArrayList<>();
      lines.add("Kill schedule     " + schedule);
      lines.add("Killed            " + kills.size() + ": " + String.join(", ", kills));
      if (!missed.isEmpty()) {
        lines.add("MISSED            " + String.join(", ", missed));
      }
      lines.add("Worker group      " + workerCounts + " members (3 -> 2 -> 3)");
      accounting.lines().forEach(line -> lines.add("Checked           " + line));
      lines.add(
          "releases verify   "
              + (verifyStatus == 0 ? "passed: " : "FAILED (" + verifyStatus + "): ")
              + verify.strip().lines().reduce((a, b) -> b).orElse(""));
      accounting.problems().forEach(problem -> lines.add("PROBLEM           " + problem));
      lines.add(
          String.format(
              "Fault harness     %s in %d s", held() ? "held" : "FAILED", took.toSeconds()));
      return lines;
    }
  }

  private final Settings settings;
  private final PrintWriter out;
  private final KillSchedule schedule;
  private final Random random;
  private final List<String> kills = new ArrayList<>();
  private final List<String> missed = new ArrayList<>();
  private final List<Integer> workerCounts = new ArrayList<>();
  private final List<ChildJvm> stages = new ArrayList<>();
  private final List<ChildJvm> workers = new ArrayList<>();
  private final Map<ChildJvm, Long> roundMarks = new java.util.HashMap<>();
  private ChildJvm ingest;
  private ChildJvm accumulator;
  private ChildJvm evaluator;
  private ChildJvm publisher;
  private BrokerProcess broker;
  private Admin admin;
  private boolean thirdAway;

  private FaultHarness(Settings settings, PrintWriter out) {
    this.settings = settings;
    this.out = out;
    this.schedule = KillSchedule.draw(settings.seed(), settings.kills(), settings.rounds());
    this.random = new Random(settings.seed() * 31 + 7);
  }

  /** Runs the harness; the report says whether everything held. */
  public static Report run(Settings settings, PrintWriter out) throws InterruptedException {
    return new FaultHarness(settings, out).run();
  }

  private Report run() throws InterruptedException {
    long started = System.nanoTime();
    Path folder = settings.folder().toAbsolutePath();
    if (Files.isDirectory(folder.resolve("broker"))) {
      throw new PerennialException(
          "The fault harness starts from a folder without an earlier run's broker: " + folder);
    }
    say("Kill schedule: " + schedule.describe());
    CompletableFuture<EmbeddedSchemaRegistry> starting =
        CompletableFuture.supplyAsync(
            () ->
                EmbeddedSchemaRegistry.start(
                    EmbeddedSchemaRegistry.homeFromSystemProperty(),
                    folder.resolve("logs").resolve("schema-registry.log")));
    EmbeddedSchemaRegistry registry = null;
    try {
      broker = BrokerProcess.start(folder.resolve("broker"));
      registry = join(starting);
      say("Broker (own process) at " + broker.bootstrapServers() + ", registry " + registry.url());
      Configs configs =
          Configs.write(folder, broker.bootstrapServers(), registry.url(), settings.modelValues());
      PerennialConfig common = new PerennialConfig(configs.common());
      admin = Admin.create(KafkaClients.admin(common, "perennial-faults"));
      TopicCatalog catalog = TopicCatalog.from(common);
      new TopicProvisioner(admin).provision(catalog.specs());
      Topics topics = Topics.create(catalog, common.clientProperties());
      startStages(folder, configs);
      awaitMembers(configs.workerGroupId(), WORKERS);
      workerCounts.add(WORKERS);
      say("Stages up: ingest, accumulator, 3 workers, evaluator, publisher (own processes)");

      SampleEvents events =
          SampleEvents.generate(
              World.standard(),
              new SamplePlan(
                  TENANTS,
                  3,
                  settings.eventsPerRound() * settings.rounds(),
                  0.05,
                  SamplePlan.DEFAULT_MAX_TEXT_BYTES,
                  settings.seed()));
      List<SampleRecord> main = events.records(SamplePhase.EVENTS);
      List<KillSchedule.Kill> carried = new ArrayList<>();
      Progress progress = new Progress(admin, common.clientProperties(), catalog, configs);
      try (SampleEventProducer producer =
          new SampleEventProducer(KafkaClients.producer(common, "perennial-faults-apps"), topics)) {
        producer.sendAll(events.records(SamplePhase.CONSENT));
        progress.ingest().awaitCaughtUp(CATCH_UP);
        for (int round = 0; round < settings.rounds(); round++) {
          markRound();
          int from = main.size() * round / settings.rounds();
          int to = main.size() * (round + 1) / settings.rounds();
          producer.sendAll(main.subList(from, to));
          if (round == settings.rounds() - 1) {
            producer.sendAll(events.records(SamplePhase.REVOCATION));
            progress.ingest().awaitCaughtUp(CATCH_UP);
            producer.sendAll(events.records(SamplePhase.AFTER_REVOCATION));
          }
          say("Round " + round + ": sent events " + from + ".." + (to - 1));
          moveWorkers(round, configs.workerGroupId());
          List<KillSchedule.Kill> due = new ArrayList<>(carried);
          due.addAll(schedule.inRound(round));
          due.sort(java.util.Comparator.comparing(KillSchedule.Kill::moment));
          carried.clear();
          for (KillSchedule.Kill kill : due) {
            if (!perform(kill, round)) {
              if (round < settings.rounds() - 1) {
                carried.add(kill);
                say("Not reached in round " + round + ": " + kill.moment() + "; carried on");
              } else {
                missed.add("r" + kill.round() + " " + kill.moment());
                say("MISSED " + kill.moment() + ": the moment did not come");
              }
            }
          }
          progress.awaitQuiet(this::requireAlive);
          say("Round " + round + ": caught up after " + seconds(started) + " s");
        }
      }
      FaultAccounting.Result accounting =
          FaultAccounting.check(
              common.clientProperties(),
              topics,
              List.of(
                  catalog.name(PerennialTopic.DOCUMENTS), catalog.name(PerennialTopic.FEEDBACK)),
              configs.releasePath());
      StringWriter verifyOutput = new StringWriter();
      int verifyStatus = verify(configs.publisher(), verifyOutput);
      Report report =
          new Report(
              schedule.describe(),
              kills,
              missed,
              workerCounts,
              accounting,
              verifyStatus,
              verifyOutput.toString(),
              Duration.ofNanos(System.nanoTime() - started));
      report.lines().forEach(this::say);
      return report;
    } finally {
      for (ChildJvm stage : stages) {
        stage.kill();
      }
      if (admin != null) {
        admin.close(Duration.ofSeconds(5));
      }
      if (broker != null) {
        broker.close();
      }
      if (registry != null) {
        registry.close();
      } else {
        starting.thenAccept(EmbeddedSchemaRegistry::close);
      }
    }
  }

  private void startStages(Path folder, Configs configs) {
    Path logs = folder.resolve("logs");
    Map<String, String> pause =
        Map.of(FaultHook.PAUSE_BEFORE_COMMIT_PROPERTY, Long.toString(settings.pause().toMillis()));
    ingest = perennial("ingest", "512m", Map.of(), logs, "ingest", "--config", configs.ingest());
    accumulator =
        perennial(
            "accumulator",
            "512m",
            Map.of(),
            logs,
            "trainer",
            "accumulator",
            "--config",
            configs.accumulator());
    for (int i = 1; i <= WORKERS; i++) {
      workers.add(
          perennial(
              "worker-" + i,
              "768m",
              pause,
              logs,
              "trainer",
              "worker",
              "--config",
              configs.worker(i)));
    }
    evaluator =
        perennial("evaluator", "768m", pause, logs, "evaluator", "--config", configs.evaluator());
    publisher =
        perennial("publisher", "512m", pause, logs, "publisher", "--config", configs.publisher());
    stages.forEach(ChildJvm::start);
  }

  private ChildJvm perennial(
      String name, String heap, Map<String, String> properties, Path logs, Object... arguments) {
    ChildJvm stage =
        new ChildJvm(
            name,
            heap,
            properties,
            Perennial.class.getName(),
            Stream.of(arguments).map(Object::toString).toList(),
            logs.resolve(name + ".log"));
    stages.add(stage);
    return stage;
  }

  /** Every stage that should run does (a stage that gave up exits with status 1). */
  private void requireAlive() {
    for (ChildJvm stage : stages) {
      if (!stage.isAlive() && !(thirdAway && stage == workers.get(WORKERS - 1))) {
        throw new PerennialException(stage.name() + " died on its own; see its log " + stage.log());
      }
    }
  }

  private void markRound() {
    stages.forEach(stage -> roundMarks.put(stage, stage.mark()));
  }

  /** 3 to 2 workers in one round (the third is SIGKILLed and stays away), back to 3 in another. */
  private void moveWorkers(int round, String workerGroupId) throws InterruptedException {
    ChildJvm third = workers.get(WORKERS - 1);
    if (round == schedule.workerLeaves()) {
      thirdAway = true;
      third.kill();
      kills.add("r" + round + " WORKER_LEAVES " + third.name());
      awaitMembers(workerGroupId, WORKERS - 1);
      workerCounts.add(WORKERS - 1);
      say("Round " + round + ": " + third.name() + " killed; its partitions moved to the others");
    }
    if (round == schedule.workerReturns()) {
      third.start();
      thirdAway = false;
      awaitMembers(workerGroupId, WORKERS);
      workerCounts.add(WORKERS);
      say("Round " + round + ": " + third.name() + " back; the group has 3 workers again");
    }
  }

  /** Kills at the moment, once it comes within {@link #MOMENT_TIMEOUT}; false if it does not. */
  private boolean perform(KillSchedule.Kill kill, int round) throws InterruptedException {
    String where = "r" + round + " " + kill.moment();
    Optional<ChildJvm> victim =
        switch (kill.moment()) {
          case INGEST_READING -> {
            Thread.sleep(random.nextInt(500));
            yield Optional.of(ingest);
          }
          case ACCUMULATOR_SEALING ->
              awaitAny(List.of(accumulator), roundMarks, text -> text.contains(SEALED));
          case BROKER_WHILE_TRAINING, WORKER_TRAINING ->
              awaitAny(workers, marksNow(workers), text -> STEP.matcher(text).find());
          case WORKER_IN_TRANSACTION -> awaitAny(workers, roundMarks, FaultHarness::inWindow);
          case EVALUATOR_IN_TRANSACTION ->
              awaitAny(List.of(evaluator), roundMarks, FaultHarness::inWindow);
          case PUBLISHER_IN_TRANSACTION ->
              awaitAny(List.of(publisher), roundMarks, FaultHarness::inWindow);
        };
    if (victim.isEmpty()) {
      return false;
    }
    if (kill.moment() == KillSchedule.Moment.BROKER_WHILE_TRAINING) {
      broker.kill();
      broker.restart();
      kills.add(where + " broker (while " + victim.get().name() + " trained)");
    } else {
      ChildJvm stage = victim.get();
      stage.kill();
      stage.start();
      roundMarks.put(stage, stage.mark());
      kills.add(where + " " + stage.name());
    }
    say("SIGKILL " + kills.get(kills.size() - 1));
    return true;
  }

  /** Whether the text has a transaction window opened and not yet left. */
  private static boolean inWindow(String text) {
    int open = text.lastIndexOf(FaultHook.IN_TRANSACTION_WINDOW);
    return open >= 0 && text.indexOf(FaultHook.LEAVING_TRANSACTION_WINDOW, open) < 0;
  }

  private static Map<ChildJvm, Long> marksNow(List<ChildJvm> processes) {
    Map<ChildJvm, Long> marks = new java.util.HashMap<>();
    processes.forEach(process -> marks.put(process, process.mark()));
    return marks;
  }

  /** The first running process whose log after its mark satisfies {@code moment}. */
  private static Optional<ChildJvm> awaitAny(
      List<ChildJvm> processes, Map<ChildJvm, Long> marks, Predicate<String> moment)
      throws InterruptedException {
    long deadline = System.nanoTime() + MOMENT_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      for (ChildJvm process : processes) {
        if (process.isAlive() && moment.test(process.since(marks.getOrDefault(process, 0L)))) {
          return Optional.of(process);
        }
      }
      Thread.sleep(20);
    }
    return Optional.empty();
  }

  private void awaitMembers(String groupId, int members) throws InterruptedException {
    long deadline = System.nanoTime() + CATCH_UP.toNanos();
    int seen = -1;
    while (System.nanoTime() < deadline) {
      try {
        seen =
            admin
                .describeConsumerGroups(List.of(groupId))
                .describedGroups()
                .get(groupId)
                .get(10, TimeUnit.SECONDS)
                .members()
                .size();
        if (seen == members) {
          return;
        }
      } catch (ExecutionException | TimeoutException e) {
        // the broker may be restarting: ask again
      }
      Thread.sleep(200);
    }
    throw new PerennialException(
        "The group " + groupId + " did not reach " + members + " members; last seen " + seen);
  }

  private static int verify(Path publisherConfig, StringWriter output) {
    PrintWriter writer = new PrintWriter(output, true);
    return Perennial.commandLine()
        .setOut(writer)
        .setErr(writer)
        .execute("releases", "verify", "--config", publisherConfig.toString());
  }

  private void say(String line) {
    out.println(line);
    out.flush();
  }

  private static long seconds(long started) {
    return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
  }

  private static <T> T join(CompletableFuture<T> future) throws InterruptedException {
    try {
      return future.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new PerennialException(e.getCause().getMessage(), e.getCause());
    }
  }

  /** Waits until every stage's consumer group has read everything and the pipeline is quiet. */
  private record Progress(
      Admin admin, Map<String, Object> client, TopicCatalog catalog, Configs configs) {

    ConsumerGroupProgress ingest() {
      return group(
          configs.ingestApplicationId(),
          PerennialTopic.DOCUMENTS,
          PerennialTopic.FEEDBACK,
          PerennialTopic.CONSENT);
    }

    private ConsumerGroupProgress group(String groupId, PerennialTopic... topics) {
      return new ConsumerGroupProgress(
          admin, client, groupId, Stream.of(topics).map(catalog::name).toList());
    }

    /** Until a whole pass of every group caught up leaves the pipeline's topics unchanged. */
    void awaitQuiet(Runnable requireAlive) throws InterruptedException {
      List<ConsumerGroupProgress> groups =
          List.of(
              ingest(),
              group(
                  configs.accumulatorApplicationId(),
                  PerennialTopic.EXAMPLES,
                  PerennialTopic.ERASURES),
              group(configs.workerGroupId(), PerennialTopic.TRAINING_JOBS),
              group(configs.evaluatorGroupId(), PerennialTopic.CANDIDATES),
              group(
                  configs.publisherGroupId(),
                  PerennialTopic.VERDICTS,
                  PerennialTopic.TRAINING_JOBS));
      ConsumerGroupProgress pipeline =
          group(
              "perennial-faults",
              PerennialTopic.EXAMPLES,
              PerennialTopic.ERASURES,
              PerennialTopic.TRAINING_JOBS,
              PerennialTopic.CANDIDATES,
              PerennialTopic.VERDICTS,
              PerennialTopic.RELEASES);
      long deadline = System.nanoTime() + CATCH_UP.toNanos();
      long before = -1;
      while (true) {
        if (!caughtUp(groups, deadline, requireAlive)) {
          continue;
        }
        long after = pipeline.endOffsetSum();
        if (after == before) {
          return;
        }
        before = after;
        Thread.sleep(SETTLE.toMillis());
      }
    }
  }

  /**
   * Whether every group caught up within a short wait; a stage that died on its own ends the run at
   * once (through {@code requireAlive}) instead of after the whole catch-up time.
   */
  private static boolean caughtUp(
      List<ConsumerGroupProgress> groups, long deadline, Runnable requireAlive)
      throws InterruptedException {
    for (ConsumerGroupProgress group : groups) {
      try {
        group.awaitCaughtUp(Duration.ofSeconds(10));
      } catch (PerennialException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        requireAlive.run();
        return false;
      }
    }
    return true;
  }

  /** The stages' configuration files, as an operator would write them, and their group ids. */
  private record Configs(
      Map<String, String> common,
      Path ingest,
      Path accumulator,
      List<Path> workers,
      Path evaluator,
      Path publisher,
      Path releasePath,
      String ingestApplicationId,
      String accumulatorApplicationId,
      String workerGroupId,
      String evaluatorGroupId,
      String publisherGroupId) {

    Path worker(int i) {
      return workers.get(i - 1);
    }

    static Configs write(
        Path folder, String bootstrapServers, String registryUrl, Map<String, String> model) {
      Path configs = folder.resolve("config");
      Map<String, String> common = new TreeMap<>();
      common.put(PerennialConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
      common.put(PerennialConfig.SCHEMA_REGISTRY_URL_CONFIG, registryUrl);
      common.put(
          PerennialConfig.ARTIFACT_STORE_PATH_CONFIG, folder.resolve("artifacts").toString());
      common.put(PerennialConfig.TOPIC_PARTITIONS_CONFIG, "3");
      common.put(PerennialConfig.HTTP_HOST_CONFIG, "127.0.0.1");
      common.put(PerennialConfig.HTTP_PORT_CONFIG, "0");
      common.put(MasterKeySettings.MASTER_KEYS_CONFIG, "faults=" + randomBase64());
      // A killed instance leaves its group within seconds (Kafka's default: 45 s), so that its
      // restarted self or another instance takes its partitions soon.
      common.put("session.timeout.ms", "6000");
      common.put("heartbeat.interval.ms", "1000");

      Map<String, String> ingest = new TreeMap<>(common);
      ingest.put(IngestConfig.PSEUDONYM_SECRET_CONFIG, randomBase64());
      ingest.put(StreamsConfig.STATE_DIR_CONFIG, folder.resolve("ingest").toString());
      IngestConfig ingestConfig = new IngestConfig(ingest);

      // The local run's triggers and held-out share, and a few steps, so each round trains in
      // seconds.
      Map<String, String> trainer = LocalTrainer.localValues(common, folder);
      // One job per key and round: a round's events arrive within the maximum wait.
      trainer.put(TrainerConfig.TRIGGER_MIN_EXAMPLES_CONFIG, "100000");
      trainer.put(TrainerConfig.TRIGGER_MAX_WAIT_MS_CONFIG, "2000");
      trainer.put(TrainerConfig.RECIPE_MAX_STEPS_CONFIG, "4");
      trainer.put(TrainerConfig.WORKER_PROGRESS_EVERY_STEPS_CONFIG, "1");
      model.forEach((key, value) -> put(trainer, "perennial.trainer.", key, value));
      Map<String, String> accumulator = new TreeMap<>(trainer);
      accumulator.put(StreamsConfig.STATE_DIR_CONFIG, folder.resolve("accumulator").toString());
      TrainerConfig accumulatorConfig = new TrainerConfig(accumulator);
      List<Path> workers = new ArrayList<>();
      for (int i = 1; i <= WORKERS; i++) {
        Map<String, String> worker = new TreeMap<>(trainer);
        worker.put(TrainerConfig.WORKER_ID_CONFIG, "worker-" + i);
        worker.put(TrainerConfig.WORKER_WORK_DIR_CONFIG, folder.resolve("worker-" + i).toString());
        // A transaction that a worker gone for good left open is aborted soon.
        worker.put("transaction.timeout.ms", "10000");
        new TrainerConfig(worker);
        workers.add(store(configs.resolve("worker-" + i + ".properties"), worker));
      }

      // The harness is about faults, not leakage: no canary files, so no candidate gets a leakage
      // gate (each verdict says it did not apply). Opening the gate with a threshold no exposure
      // reaches instead is refused: such a gate could never fail.
      Map<String, String> evaluator = new TreeMap<>(common);
      evaluator.put(
          EvaluatorConfig.EVALUATION_PATH_CONFIG, folder.resolve("evaluations").toString());
      evaluator.put(EvaluatorConfig.INSTANCE_ID_CONFIG, "local");
      evaluator.put(EvaluatorConfig.GENERAL_SIZE_CONFIG, "16");
      // The harness is about faults, not learning: gates that let the small jobs through, so
      // that keys get several versions.
      evaluator.put(EvaluatorConfig.GATE_LEARNING_MIN_EXAMPLES_CONFIG, "1");
      evaluator.put(EvaluatorConfig.GATE_BOOTSTRAP_MIN_ITEMS_CONFIG, "1");
      evaluator.put(EvaluatorConfig.GATE_LEARNING_ENABLED_CONFIG, "false");
      evaluator.put(EvaluatorConfig.GATE_RETENTION_MAX_DROP_CONFIG, "1");
      evaluator.put(EvaluatorConfig.GATE_REGRESSION_TOLERANCE_CONFIG, "1");
      evaluator.put(EvaluatorConfig.GATE_REGRESSION_TENANT_TOLERANCE_CONFIG, "10");
      evaluator.put(EvaluatorConfig.GATE_FEEDBACK_MIN_PAIRS_CONFIG, "1000000");
      evaluator.put("transaction.timeout.ms", "10000");
      model.forEach((key, value) -> put(evaluator, "perennial.evaluator.", key, value));
      EvaluatorConfig evaluatorConfig = new EvaluatorConfig(evaluator);

      Map<String, String> publisher = new TreeMap<>(common);
      Path signingKey = configs.resolve("signing-key.pem");
      write(signingKey, SigningKey.generate().privateKeyPem());
      publisher.put(PublisherConfig.SIGNING_KEY_FILE_CONFIG, signingKey.toString());
      publisher.put(PublisherConfig.RELEASE_PATH_CONFIG, folder.resolve("releases").toString());
      publisher.put(PublisherConfig.API_PORT_CONFIG, "0");
      publisher.put("transaction.timeout.ms", "10000");
      PublisherConfig publisherConfig = PublisherConfig.of(publisher);

      return new Configs(
          common,
          store(configs.resolve("ingest.properties"), ingest),
          store(configs.resolve("accumulator.properties"), accumulator),
          workers,
          store(configs.resolve("evaluator.properties"), evaluator),
          store(configs.resolve("publisher.properties"), publisher),
          publisherConfig.releasePath(),
          ingestConfig.applicationId(),
          accumulatorConfig.accumulatorApplicationId(),
          accumulatorConfig.workerGroupId(),
          evaluatorConfig.groupId(),
          publisherConfig.instanceId());
    }

    private static void put(Map<String, String> values, String prefix, String key, String value) {
      if (key.startsWith(prefix)) {
        values.put(key, value);
      }
    }

    private static String randomBase64() {
      byte[] bytes = new byte[32];
      new SecureRandom().nextBytes(bytes);
      return Base64.getEncoder().encodeToString(bytes);
    }

    private static Path store(Path file, Map<String, String> values) {
      Properties properties = new Properties();
      properties.putAll(values);
      try {
        Files.createDirectories(file.getParent());
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
          properties.store(out, "written by the fault harness");
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return file;
    }

    private static void write(Path file, String text) {
      try {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
