package dev.perennial.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.cli.local.ConsumerGroupProgress;
import dev.perennial.cli.local.EvaluatorStage;
import dev.perennial.cli.local.IngestStage;
import dev.perennial.cli.local.LocalCluster;
import dev.perennial.cli.local.LocalPipeline;
import dev.perennial.cli.local.PublisherStage;
import dev.perennial.cli.local.TopicRecords;
import dev.perennial.cli.local.TrainerStage;
import dev.perennial.cli.sample.SampleEventProducer;
import dev.perennial.cli.sample.SampleEvents;
import dev.perennial.cli.sample.SamplePhase;
import dev.perennial.cli.sample.SamplePlan;
import dev.perennial.core.kafka.KafkaClients;
import dev.perennial.core.kafka.PerennialTopic;
import dev.perennial.core.kafka.TopicProvisioner;
import dev.perennial.core.kafka.TopicSpec;
import dev.perennial.model.world.World;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.config.TrainerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, finding 6: on a broker without any topic, the stages started against the pipeline's
 * order (publisher, evaluator, trainer, ingest: each finds none of its inputs' writers running)
 * provision what they read and write, and the sample events flow from the apps' topics through
 * ingest and the accumulator to training jobs.
 */
class FreshClusterIT {

  private static final List<String> TENANTS = List.of("acme", "globex");
  private static final Duration CATCH_UP = Duration.ofSeconds(60);

  @TempDir Path stateDir;

  @Test
  @Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void theStagesStartedInReverseOnAnEmptyBrokerProvisionTheirTopicsAndConverge() throws Exception {
    Map<String, String> configured = new HashMap<>();
    // jobs seal after the maximum wait; the test ends when the first one is on its topic
    configured.put(TrainerConfig.TRIGGER_MIN_EXAMPLES_CONFIG, "100000");
    configured.put(TrainerConfig.RECIPE_MAX_STEPS_CONFIG, "2");
    StringWriter console = new StringWriter();
    PrintWriter out = new PrintWriter(console, true);

    try (LocalCluster cluster = LocalCluster.startWithoutTopics(configured, stateDir);
        LocalPipeline pipeline =
            new LocalPipeline(
                List.of(
                    new PublisherStage(stateDir),
                    new EvaluatorStage(stateDir, TENANTS),
                    new TrainerStage(stateDir),
                    new IngestStage(stateDir)))) {
      Set<String> before = cluster.admin().listTopics().names().get(30, TimeUnit.SECONDS);
      assertThat(before).noneMatch(name -> name.startsWith(cluster.catalog().topicPrefix()));

      pipeline.start(cluster, out);

      List<TopicSpec> specs = cluster.catalog().specs();
      Set<String> after = cluster.admin().listTopics().names().get(30, TimeUnit.SECONDS);
      assertThat(after)
          .as("every topic of the catalog, provisioned by the stages")
          .containsAll(specs.stream().map(TopicSpec::name).toList());
      assertThat(new TopicProvisioner(cluster.admin()).mismatches(specs)).isEmpty();
      assertThat(pipeline.stage(PublisherStage.class).server().service().readiness().ready())
          .isTrue();

      SampleEvents events =
          SampleEvents.generate(
              World.standard(),
              new SamplePlan(TENANTS, 2, 40, 0.0, SamplePlan.DEFAULT_MAX_TEXT_BYTES, 7));
      try (SampleEventProducer producer =
          new SampleEventProducer(
              KafkaClients.producer(cluster.config(), "fresh-cluster-it"), cluster.topics())) {
        producer.sendAll(events.records(SamplePhase.CONSENT));
        pipeline.awaitAppEventsRead(CATCH_UP);
        producer.sendAll(events.records(SamplePhase.EVENTS));
        pipeline.awaitAppEventsRead(CATCH_UP);
      }
      TrainerConfig trainer = TrainerStage.config(cluster.values(), stateDir);
      new ConsumerGroupProgress(
              cluster.admin(),
              cluster.config().clientProperties(),
              trainer.accumulatorApplicationId(),
              List.of(cluster.catalog().name(PerennialTopic.EXAMPLES)))
          .awaitCaughtUp(CATCH_UP);
      List<ConsumerRecord<String, TrainingJob>> jobs = List.of();
      long deadline = System.nanoTime() + CATCH_UP.toNanos();
      while (jobs.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(250);
        jobs =
            TopicRecords.readAll(
                cluster.config().clientProperties(), cluster.topics().trainingJobs());
      }
      assertThat(jobs).as(console.toString()).isNotEmpty();
      assertThat(jobs).allSatisfy(job -> assertThat(job.key()).matches("(acme|globex)/.+"));
    }
  }
}
