package dev.perennial.cli;

import dev.perennial.cli.local.EvaluatorStage;
import dev.perennial.cli.local.IngestStage;
import dev.perennial.cli.local.LocalCluster;
import dev.perennial.cli.local.LocalPipeline;
import dev.perennial.cli.local.LocalUpgrade;
import dev.perennial.cli.local.PublisherStage;
import dev.perennial.cli.local.TrainerStage;
import dev.perennial.cli.sample.SampleEventProducer;
import dev.perennial.cli.sample.SampleEvents;
import dev.perennial.cli.sample.SamplePlan;
import dev.perennial.core.config.ConfigLoader;
import dev.perennial.core.config.PerennialConfig;
import dev.perennial.core.kafka.KafkaClients;
import dev.perennial.core.service.ShutdownSignal;
import dev.perennial.model.world.World;
import dev.perennial.schemas.v1.RejectReason;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code perennial local}: Perennial on this machine, nothing to install. Starts an in-process
 * Kafka broker and the local schema registry with every topic ({@link LocalCluster}), starts the
 * pipeline's stages in this process ({@link LocalPipeline}), sends sample events from the synthetic
 * world ({@link SampleEvents}) and prints what each stage made of them.
 */
@Command(
    name = "local",
    mixinStandardHelpOptions = true,
    description = {
      "Runs Perennial on this machine: an in-process Kafka broker, a local schema registry"
          + " (Apicurio, Confluent-compatible API), every topic provisioned, a local artifact"
          + " store, and every stage: ingest, the trainer, the evaluator and the publisher. Sends"
          + " sample events of two tenants from the synthetic world, drives them through to"
          + " releases and prints a summary: examples per adapter key, rejections per reason,"
          + " training jobs and candidates, verdicts, the path of the evaluation report and the"
          + " release table.",
      "With --upgrade, then moves the platform to a new base: announces perennial-tiny-2 as the"
          + " successor of perennial-tiny, and every key with a stable release is re-based onto it"
          + " (gated with the transfer gates) and released there while the old base keeps serving.",
      "Stops again afterwards unless --wait is given."
    })
public final class LocalCommand implements Callable<Integer> {

  /** How long each stage may take to catch up with a phase of the sample events. */
  private static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(5);

  @Spec CommandSpec spec;

  @Option(names = "--wait", description = "Keep everything running until Ctrl-C.")
  boolean waitForInterrupt;

  @Option(
      names = "--upgrade",
      description =
          "After the sample events, announce perennial-tiny-2 as the successor of perennial-tiny"
              + " and print the REBASE verdicts and the releases on both bases.")
  boolean upgrade;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Properties file; PERENNIAL_* environment variables override it. Broker and registry"
              + " addresses are the local ones.")
  Path configFile;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      defaultValue = ".perennial",
      description =
          "Where the local run keeps the artifact store (unless configured), Streams state and"
              + " logs (default: ${DEFAULT-VALUE}).")
  Path stateDir;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    Map<String, String> configured = ConfigLoader.load(configFile);
    checkConfiguration(configured);

    ShutdownSignal shutdown = waitForInterrupt ? ShutdownSignal.install() : null;
    try {
      out.println("Starting the Kafka broker and the schema registry ...");
      out.flush();
      boolean asExpected;
      try (LocalCluster cluster = LocalCluster.start(configured, stateDir);
          LocalPipeline pipeline = LocalPipeline.standard(stateDir)) {
        cluster.printSummary(out);
        pipeline.start(cluster, out);
        asExpected = sendSampleEvents(cluster, pipeline, out);
        if (upgrade) {
          LocalUpgrade.run(cluster, pipeline, out, CATCH_UP_TIMEOUT);
        }
        if (shutdown != null) {
          out.println("Running until Ctrl-C.");
          out.flush();
          shutdown.await();
          out.println("Stopping ...");
        } else {
          out.println("Stopping (use --wait to keep everything running until Ctrl-C) ...");
        }
        out.flush();
      }
      out.println("Stopped.");
      out.flush();
      return asExpected ? 0 : 1;
    } finally {
      if (shutdown != null) {
        shutdown.done();
      }
    }
  }

  /** Checks the configuration of every stage before anything starts (addresses are stand-ins). */
  private void checkConfiguration(Map<String, String> configured) {
    Map<String, String> values =
        LocalCluster.localValues(configured, "127.0.0.1:9092", "http://127.0.0.1:8081", stateDir);
    new PerennialConfig(values);
    IngestStage.config(values, stateDir);
    TrainerStage.config(values, stateDir);
    EvaluatorStage.config(values, stateDir, SamplePlan.local().tenants());
    PublisherStage.config(values, stateDir);
  }

  private static boolean sendSampleEvents(
      LocalCluster cluster, LocalPipeline pipeline, PrintWriter out) throws InterruptedException {
    SamplePlan plan = SamplePlan.local();
    SampleEvents events = SampleEvents.generate(World.standard(), plan);
    out.printf(
        "Sample events     tenants %s: %d events (%d malformed, %d duplicates),"
            + " %d consent records, 1 revocation%n",
        String.join(", ", plan.tenants()),
        events.eventRecords(),
        events.malformed().values().stream().mapToLong(Long::longValue).sum(),
        events.expectedRejectionsByReason().getOrDefault(RejectReason.DUPLICATE, 0L),
        events.consentRecords());
    out.flush();
    try (SampleEventProducer producer =
        new SampleEventProducer(
            KafkaClients.producer(cluster.config(), "perennial-local-sample"), cluster.topics())) {
      producer.send(events, phase -> pipeline.awaitAppEventsAccumulated(CATCH_UP_TIMEOUT));
    }
    pipeline.awaitCaughtUp(CATCH_UP_TIMEOUT);
    return pipeline.report(events, out);
  }
}
