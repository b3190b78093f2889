package dev.perennial.trainer.accumulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.ArtifactStoreOutageException;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.core.testing.SchemaRegistryExtension;
import dev.perennial.schemas.v1.ErasureRequest;
import dev.perennial.schemas.v1.SourceRef;
import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.testing.AccumulatorDriver;
import dev.perennial.trainer.testing.Examples;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production accumulator topology and Streams configuration in a {@link TopologyTestDriver}, on
 * a real {@link LocalArtifactStore}: what a seal does when the store folder holds nothing, as an
 * unmounted volume shows it (the image's empty {@code /var/lib/perennial/shared}).
 */
class AccumulatorStoreOutageTest {

  @RegisterExtension static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

  private static final Instant AT = Instant.parse("2026-01-02T03:04:05Z");

  @TempDir Path folder;

  private AccumulatorDriver accumulator;
  private LocalArtifactStore store;
  private TestInputTopic<String, TrainingExample> examples;
  private TestInputTopic<String, ErasureRequest> erasures;
  private TestOutputTopic<String, TrainingJob> jobs;

  @AfterEach
  void close() {
    if (accumulator != null) {
      accumulator.close();
    }
  }

  @Test
  void aFreshAccumulatorFoundsTheEmptyStoreWithItsFirstSeal() {
    start();
    assertThat(store.isFounded()).isFalse();

    seal("p-1");

    assertThat(jobs.readValuesToList()).hasSize(1);
    assertThat(store.isFounded()).isTrue();
    assertThat(store.list()).hasSize(1);
  }

  @Test
  void aSealDoesNotFoundAnEmptyStoreWhenTheStateNamesShardsSealedBefore() throws IOException {
    start();
    seal("p-1");
    assertThat(jobs.readValuesToList()).hasSize(1);
    // The store the shard went to is no longer there: the folder is the empty mount point.
    empty(store);
    assertThat(store.isFounded()).isFalse();

    Throwable failure = catchThrowable(() -> seal("p-2"));

    assertThat(store.list()).as("no shard is written to the empty folder").isEmpty();
    assertThat(store.isFounded()).as("the empty folder is not founded").isFalse();
    assertThat(jobs.readValuesToList()).as("no job names a shard no stage will find").isEmpty();
    assertThat(ArtifactStoreOutageException.isCause(failure)).as("%s", failure).isTrue();
    assertThat(messages(failure)).contains(store.root().toString());
    // not waited out as a registry outage: the accumulator fails (liveness, exit 1)
    assertThat(TrainerAccumulator.isOutage(failure)).isFalse();
  }

  @Test
  void anErasureDoesNotTakeTheShardsOfAnEmptyStoreAsGone() throws IOException {
    start();
    seal("p-1");
    assertThat(jobs.readValuesToList()).hasSize(1);
    empty(store);

    Throwable failure = catchThrowable(() -> erasures.pipeInput("acme/p-1", erasure("p-1")));

    assertThat(store.list()).isEmpty();
    assertThat(store.isFounded()).isFalse();
    assertThat(jobs.readValuesToList()).as("no ERASURE job over a dropped index").isEmpty();
    assertThat(ArtifactStoreOutageException.isCause(failure)).as("%s", failure).isTrue();
    assertThat(messages(failure)).contains(store.root().toString());
    assertThat(TrainerAccumulator.isOutage(failure)).isFalse();
  }

  private void start() {
    Map<String, String> values = AccumulatorDriver.values(folder);
    values.put(TrainerConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY.url());
    values.put(TrainerConfig.TRIGGER_MIN_EXAMPLES_CONFIG, "2");
    values.put(TrainerConfig.HELD_OUT_FRACTION_CONFIG, "0");
    accumulator = AccumulatorDriver.start(values, AT);
    store = accumulator.store();
    examples = accumulator.input(accumulator.topics().examples());
    erasures = accumulator.input(accumulator.topics().erasures());
    jobs = accumulator.output(accumulator.topics().trainingJobs());
  }

  /** Two examples of {@code subject}: the tenant's minimum, so the second seals a job. */
  private void seal(String subject) {
    for (String text : List.of("The Zix lamp is teal.", "The Zix lamp costs 9 dollars.")) {
      examples.pipeInput("acme/support", Examples.text("acme/support", subject, text));
    }
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

  /** Leaves the store's folder as an unmounted volume shows it: no marker, no blob. */
  private static void empty(LocalArtifactStore store) throws IOException {
    for (Digest digest : store.list()) {
      Files.delete(store.blobPath(digest));
    }
    Files.delete(store.root().resolve(LocalArtifactStore.MARKER));
  }

  private static String messages(Throwable failure) {
    StringBuilder all = new StringBuilder();
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      all.append(cause.getMessage()).append('\n');
    }
    return all.toString();
  }
}
