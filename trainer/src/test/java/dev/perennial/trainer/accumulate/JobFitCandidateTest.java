package dev.perennial.trainer.accumulate;

import static dev.perennial.trainer.testing.Examples.at;
import static dev.perennial.trainer.testing.Examples.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.model.runtime.DeviceChoice;
import dev.perennial.model.train.StepListener;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.ErasureDetails;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.OffsetRange;
import dev.perennial.schemas.v1.ShardRef;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.shard.Shard;
import dev.perennial.trainer.shard.ShardSplit;
import dev.perennial.trainer.shard.ShardWriter;
import dev.perennial.trainer.shard.SourcedExample;
import dev.perennial.trainer.testing.Examples;
import dev.perennial.trainer.testing.TestConfigs;
import dev.perennial.trainer.worker.JobTrainer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job the accumulator writes ({@link JobFit}) must leave its candidate room: the worker's
 * candidate copies the job's shard lists as they are and adds its own fields (adapter location and
 * file digests, lineage, search, recipe, metrics). A candidate Kafka refuses gives the job up, and
 * an ERASURE job given up never gets the release that replaces the erased subject's.
 */
class JobFitCandidateTest {

  private static final String KEY = "acme/support";

  @TempDir Path folder;

  @Test
  void audit_aJobAsLargeAsTheAccumulatorWritesYieldsACandidateTheWorkerCanWrite() {
    TrainerConfig config = new TrainerConfig(TestConfigs.tinyRecipe(folder));
    // what the accumulator's and the worker's producers take, less room for a record's overhead
    long maxEventBytes = AccumulatorSettings.from(config).maxEventBytes();
    LocalArtifactStore store = new LocalArtifactStore(config.artifactStorePath());
    List<SourcedExample> examples = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      examples.add(at(0, i, text(KEY, "p-" + i, "The Zix lamp number " + i + " is teal.")));
    }
    Shard shard = new Shard(AdapterKey.parse(KEY).tenant(), KEY, ShardSplit.TRAIN, null, examples);
    Digest digest = ShardWriter.write(store, shard);
    ShardRef train = ShardEntry.of(digest.hex(), shard, "job").toShardRef();
    // an ERASURE job over every shard of a key that interleaved with others: ranges up to the limit
    TrainingJob job = largestJobWithin(maxEventBytes, train);

    TrainingJob written = new JobFit(maxEventBytes, new SimpleMeterRegistry()).fitted(KEY, job);
    AdapterCandidate candidate =
        JobTrainer.from(config, store, DeviceChoice.CPU)
            .train(written, Optional.empty(), StepListener.NONE)
            .candidate();

    assertThat(size(candidate))
        .as(
            "the candidate of a job written in %d bytes, within the %d the worker's producer takes",
            JobFit.size(KEY, written), maxEventBytes)
        .isLessThanOrEqualTo(maxEventBytes);
  }

  /** The job training {@code train}, its shard naming as many offset ranges as fit the bytes. */
  private static TrainingJob largestJobWithin(long bytes, ShardRef train) {
    // every range encodes in as many bytes (offsets of one length); the list's count may take more
    long perRange = JobFit.size(KEY, job(train, 2)) - JobFit.size(KEY, job(train, 1));
    int count = (int) ((bytes - JobFit.size(KEY, job(train, 0))) / perRange);
    while (JobFit.size(KEY, job(train, count)) > bytes) {
      count--;
    }
    return job(train, count);
  }

  private static TrainingJob job(ShardRef train, int ranges) {
    List<OffsetRange> named =
        IntStream.range(0, ranges)
            .mapToObj(
                n ->
                    new OffsetRange(
                        Examples.EXAMPLES_TOPIC,
                        0,
                        1_000_000_000L + 2L * n,
                        1_000_000_001L + 2L * n))
            .toList();
    return TrainingJob.newBuilder()
        .setJobId(KEY + "@7-abcdefabcdef")
        .setAdapterKey(KEY)
        .setTenant("acme")
        .setTrigger(JobTrigger.ERASURE)
        .setShards(List.of(ShardRef.newBuilder(train).setOffsetRanges(named).build()))
        .setHeldOutShards(List.of())
        .setReplayShards(List.of())
        .setErasure(new ErasureDetails("erase-1", "", List.of(1)))
        .setCreatedAt(Instant.EPOCH)
        .build();
  }

  /** The bytes the candidate and its key take, as single-object Avro (5 more than the wire's). */
  private static long size(AdapterCandidate candidate) {
    try {
      return candidate.toByteBuffer().remaining()
          + candidate.getAdapterKey().getBytes(StandardCharsets.UTF_8).length;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
