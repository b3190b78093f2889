package dev.perennial.trainer.accumulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.AdapterRelease;
import dev.perennial.schemas.v1.ErasureRequest;
import dev.perennial.schemas.v1.SourceRef;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.TrainerException;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.testing.AccumulatorDriver;
import dev.perennial.trainer.testing.Candidates;
import dev.perennial.trainer.testing.Examples;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production accumulator topology in a {@link org.apache.kafka.streams.TopologyTestDriver}, fed
 * a candidate or release too large for the repartition topic (its weights in many files). The
 * accumulator learns a release or candidate only from its event: one skipped there is never
 * retracted by a later erasure of a subject it trained on, nor are its weights purged.
 */
class AccumulatorLineageSizeTest {

  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  private static final Instant AT = Instant.parse("2026-01-02T03:04:05Z");
  private static final int MAX_REQUEST_SIZE = 4096;
  private static final String KEY = "acme/support";
  private static final int MANY_FILES = 100;

  @TempDir Path folder;

  private AccumulatorDriver accumulator;
  private TestOutputTopic<String, TrainingJob> jobs;

  @BeforeEach
  void start() {
    Map<String, String> values = AccumulatorDriver.values(folder);
    values.put(TrainerConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url());
    values.put(TrainerConfig.TRIGGER_MIN_EXAMPLES_CONFIG, "2");
    values.put(TrainerConfig.HELD_OUT_FRACTION_CONFIG, "0");
    values.put("producer.max.request.size", String.valueOf(MAX_REQUEST_SIZE));
    accumulator = AccumulatorDriver.start(values, AT);
    jobs = accumulator.output(accumulator.topics().trainingJobs());
  }

  @AfterEach
  void close() {
    accumulator.close();
  }

  @Test
  void audit_aCandidateTooLargeForTheRepartitionTopicStopsTheAccumulatorRatherThanBeSkipped() {
    TrainingJob job = sealOf("p-1");
    AdapterCandidate candidate = candidate(job, MANY_FILES);

    assertThatThrownBy(
            () -> accumulator.input(accumulator.topics().candidates()).pipeInput(KEY, candidate))
        .as("a skipped candidate's weights are never purged by an erasure of p-1")
        .hasRootCauseInstanceOf(TrainerException.class)
        .rootCause()
        .hasMessageContaining("CandidateArrived")
        .hasMessageContaining(candidate.getCandidateId())
        .hasMessageContaining("max.request.size");
  }

  @Test
  void audit_aReleaseTooLargeForTheRepartitionTopicStopsTheAccumulatorRatherThanBeSkipped() {
    TrainingJob job = sealOf("p-1");
    accumulator.input(accumulator.topics().candidates()).pipeInput(KEY, candidate(job, 1));
    accumulator.input(accumulator.topics().erasures()).pipeInput("acme/p-1", erasure("p-1"));
    jobs.readValuesToList();
    AdapterRelease release = release(job, MANY_FILES);

    assertThatThrownBy(
            () -> accumulator.input(accumulator.topics().releases()).pipeInput(KEY, release))
        .as("a skipped release of data p-1's erasure covers is never retracted")
        .hasRootCauseInstanceOf(TrainerException.class)
        .rootCause()
        .hasMessageContaining("ReleaseArrived")
        .hasMessageContaining("version 1")
        .hasMessageContaining("max.request.size");
    assertThat(jobs.readValuesToList()).as("no job written by the failed transaction").isEmpty();
  }

  /** The job of two examples of {@code subject}: the tenant's minimum. */
  private TrainingJob sealOf(String subject) {
    TestInputTopic<String, dev.perennial.schemas.v1.TrainingExample> examples =
        accumulator.input(accumulator.topics().examples());
    for (String text : List.of("The Zix lamp is teal.", "The Zix lamp costs 9 dollars.")) {
      examples.pipeInput(KEY, Examples.text(KEY, subject, text));
    }
    List<TrainingJob> sealed = jobs.readValuesToList();
    assertThat(sealed).as("the examples' job").hasSize(1);
    return sealed.get(0);
  }

  /** Weight files named {@code adapter-<i>.bin}, each its own blob. */
  private static Map<String, String> weightFiles(int files) {
    Map<String, String> digests = new LinkedHashMap<>();
    for (int i = 0; i < files; i++) {
      digests.put("adapter-" + i + ".bin", "sha256:" + String.format("%064x", i + 1));
    }
    return digests;
  }

  private static AdapterCandidate candidate(TrainingJob job, int files) {
    return Candidates.of(job).setFileDigests(weightFiles(files)).setExampleCount(2).build();
  }

  private static AdapterRelease release(TrainingJob job, int files) {
    return Candidates.releaseOf(job, 1).setFileDigests(weightFiles(files)).build();
  }

  private static ErasureRequest erasure(String subject) {
    return ErasureRequest.newBuilder()
        .setRequestId("erasure-1")
        .setTenant("acme")
        .setSubjectPseudonym(subject)
        .setRevokedAt(AT)
        .setSource(new SourceRef("perennial.consent.v1", 0, 1L))
        .build();
  }
}
