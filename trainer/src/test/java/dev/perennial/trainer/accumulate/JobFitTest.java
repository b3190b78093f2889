package dev.perennial.trainer.accumulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.OffsetRange;
import dev.perennial.schemas.v1.ShardRef;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.TrainerException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class JobFitTest {

  private static final String KEY = "acme/support";

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @Test
  void aJobThatFitsIsWrittenAsItIs() {
    TrainingJob job = job(shards("t", 3), shards("r", 2), shards("p", 2));

    assertThat(new JobFit(limitFor(JobFit.size(KEY, job)), meters).fitted(KEY, job)).isSameAs(job);
  }

  @Test
  void aJobTooLargeIsFirstWrittenWithoutOffsetRangesKeepingEveryShard() {
    TrainingJob job = job(shards("t", 3), shards("r", 2), shards("p", 2));

    TrainingJob fitted = new JobFit(limitFor(JobFit.size(KEY, job) - 1), meters).fitted(KEY, job);

    assertThat(fitted).isEqualTo(withoutRanges(job));
    assertThat(
            meters
                .find("perennial.trainer.jobs.fitted")
                .tag("step", "no-offset-ranges")
                .counter()
                .count())
        .isEqualTo(1);
  }

  @Test
  void audit_aFittedJobsShardsNameNoPositionTheirExamplesWereNotAt() {
    // another key's (or an erased subject's) record at offset 1, between the shard's two examples
    ShardRef shard = new ShardRef("a".repeat(64), 2, 2L, List.of(range(0, 0, 1), range(0, 2, 3)));
    TrainingJob job = job(List.of(shard), shards("r", 40), List.of());

    TrainingJob fitted = new JobFit(limitFor(JobFit.size(KEY, job) - 1), meters).fitted(KEY, job);

    assertThat(positions(fitted.getShards().get(0).getOffsetRanges()))
        .as("a release's lineage names only records it trained on")
        .isSubsetOf(0L, 2L);
  }

  private static List<Long> positions(List<OffsetRange> ranges) {
    return ranges.stream()
        .flatMap(range -> LongStream.range(range.getFromOffset(), range.getToOffset()).boxed())
        .toList();
  }

  @Test
  void aJobStillTooLargeLosesItsReplayShardsThenTheHeldOutPoolBeyondItsOwnNeverItsShards() {
    TrainingJob job = job(shards("t", 2), shards("r", 40), shards("p", 40));
    TrainingJob bare = withoutRanges(job);
    TrainingJob withoutReplay = TrainingJob.newBuilder(bare).setReplayShards(List.of()).build();
    long noReplaySize = JobFit.size(KEY, withoutReplay);

    TrainingJob fitted = new JobFit(limitFor(noReplaySize), meters).fitted(KEY, job);
    assertThat(fitted.getReplayShards()).isEmpty();
    assertThat(fitted.getHeldOutPool()).hasSize(40);
    assertThat(fitted.getShards()).isEqualTo(bare.getShards());

    TrainingJob smallest = new JobFit(limitFor(noReplaySize - 1), meters).fitted(KEY, job);
    assertThat(smallest.getReplayShards()).isEmpty();
    assertThat(smallest.getHeldOutPool()).isEqualTo(bare.getHeldOutShards());
    assertThat(smallest.getShards()).isEqualTo(bare.getShards());
    assertThat(smallest.getHeldOutShards()).isEqualTo(bare.getHeldOutShards());
    assertThat(
            meters.find("perennial.trainer.jobs.fitted").tag("step", "no-replay").counter().count())
        .isEqualTo(1);
  }

  @Test
  void aJobWhoseOwnShardsDoNotFitStopsTheAccumulatorRatherThanBeLost() {
    TrainingJob job = job(shards("t", 40), List.of(), List.of());

    assertThatThrownBy(() -> new JobFit(100, meters).fitted(KEY, job))
        .isInstanceOf(TrainerException.class)
        .hasMessageContaining(job.getJobId())
        .hasMessageContaining("max.request.size");
  }

  @Test
  void aJobLeavesAnEighthOfTheProducersLimitToItsCandidate() {
    TrainingJob job = job(shards("t", 3), shards("r", 2), shards("p", 2));
    long limit = JobFit.size(KEY, job);

    assertThat(JobFit.jobBytes(limit)).isEqualTo(limit - limit / 8);
    assertThat(new JobFit(limit, meters).fitted(KEY, job)).isEqualTo(withoutRanges(job));
  }

  /** The producer's limit at which a job may take exactly {@code jobBytes} ({@link JobFit}). */
  private static long limitFor(long jobBytes) {
    long limit = jobBytes;
    while (JobFit.jobBytes(limit) < jobBytes) {
      limit++;
    }
    assertThat(JobFit.jobBytes(limit)).isEqualTo(jobBytes);
    return limit;
  }

  private static TrainingJob job(List<ShardRef> train, List<ShardRef> replay, List<ShardRef> pool) {
    List<ShardRef> heldOut = shards("h", 1);
    return TrainingJob.newBuilder()
        .setJobId(KEY + "@1-abcdefabcdef")
        .setAdapterKey(KEY)
        .setTenant("acme")
        .setTrigger(JobTrigger.ERASURE)
        .setShards(train)
        .setHeldOutShards(heldOut)
        .setReplayShards(replay)
        .setHeldOutPool(pool.isEmpty() ? heldOut : pool)
        .setCreatedAt(Instant.EPOCH)
        .build();
  }

  /** The job with the same shards, none naming its offset ranges. */
  private static TrainingJob withoutRanges(TrainingJob job) {
    return TrainingJob.newBuilder(job)
        .setShards(withoutRanges(job.getShards()))
        .setHeldOutShards(withoutRanges(job.getHeldOutShards()))
        .setReplayShards(withoutRanges(job.getReplayShards()))
        .setHeldOutPool(withoutRanges(job.getHeldOutPool()))
        .build();
  }

  private static List<ShardRef> withoutRanges(List<ShardRef> shards) {
    return shards.stream()
        .map(
            shard ->
                new ShardRef(
                    shard.getDigest(), shard.getExampleCount(), shard.getTokenCount(), List.of()))
        .toList();
  }

  private static List<ShardRef> shards(String prefix, int count) {
    return IntStream.range(0, count)
        .mapToObj(
            n ->
                new ShardRef(
                    (prefix + n + "0".repeat(64)).substring(0, 64),
                    1,
                    1L,
                    List.of(range(0, n, n + 1))))
        .toList();
  }

  private static OffsetRange range(int partition, long from, long to) {
    return new OffsetRange("perennial.examples.v1", partition, from, to);
  }
}
