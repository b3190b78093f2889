package dev.perennial.trainer.worker;

import static dev.perennial.trainer.testing.Examples.at;
import static dev.perennial.trainer.testing.Examples.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.model.runtime.DeviceChoice;
import dev.perennial.model.train.StepListener;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.ShardRef;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.TrainerException;
import dev.perennial.trainer.accumulate.ShardEntry;
import dev.perennial.trainer.config.RecordBudget;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.shard.Shard;
import dev.perennial.trainer.shard.ShardSplit;
import dev.perennial.trainer.shard.ShardWriter;
import dev.perennial.trainer.shard.SourcedExample;
import dev.perennial.trainer.testing.TestConfigs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker's candidate has the last eighth of a record for its own fields (the job takes the rest):
 * a {@code max.request.size} whose eighth cannot hold even the smallest candidate this worker
 * writes would train every job and give each up, so the worker refuses to start.
 */
class CandidateFloorTest {

  private static final String KEY = "acme/support";

  @TempDir Path folder;

  @Test
  // the placeholder broker never answers: a worker that got past the check would wait on it
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void audit_aWorkerWhoseRecordsLeaveNoRoomForItsCandidatesOwnFieldsRefusesToStart() {
    Map<String, String> values = TestConfigs.tinyRecipe(folder);
    // 2,048 bytes: a record of 1,024 beyond its overhead, 128 of them its candidate's own fields
    values.put("max.request.size", "2048");
    TrainerConfig config = TrainerConfig.forWorker(values);
    Topics topics = Topics.create(TopicCatalog.from(config), config.clientProperties());

    assertThatThrownBy(
            () ->
                TrainerWorker.create(
                        config,
                        topics,
                        new LocalArtifactStore(config.artifactStorePath()),
                        new SimpleMeterRegistry(),
                        null)
                    .close())
        .isInstanceOf(TrainerException.class)
        .hasMessageContaining("max.request.size")
        .hasMessageContaining("2048")
        .hasMessageContaining("128");
  }

  @Test
  void theLeastValueTheRefusalNamesLeavesTheCandidateItsFloor() {
    long floor = 1_234;
    long least = RecordBudget.requestSizeLeaving(floor);

    assertThat(CandidateFloor.tooSmall(new RecordBudget((int) least), floor)).isEmpty();
    assertThat(CandidateFloor.tooSmall(new RecordBudget((int) least - 1), floor))
        .hasValueSatisfying(why -> assertThat(why).contains(Long.toString(least)));
  }

  @Test
  void aTrainedCandidateWithEmptyJobListsTakesAtLeastTheFloor() throws IOException {
    TrainerConfig config = TrainerConfig.forWorker(TestConfigs.tinyRecipe(folder));
    LocalArtifactStore store = new LocalArtifactStore(config.artifactStorePath());
    List<SourcedExample> examples = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      examples.add(at(0, i, text(KEY, "p-" + i, "The Zix lamp number " + i + " is teal.")));
    }
    Shard shard = new Shard(AdapterKey.parse(KEY).tenant(), KEY, ShardSplit.TRAIN, null, examples);
    Digest digest = ShardWriter.write(store, shard);
    ShardRef train = ShardEntry.of(digest.hex(), shard, "job").toShardRef();
    TrainingJob job =
        TrainingJob.newBuilder()
            .setJobId(KEY + "@0-abcdefabcdef")
            .setAdapterKey(KEY)
            .setTenant("acme")
            .setTrigger(JobTrigger.MIN_EXAMPLES)
            .setShards(List.of(train))
            .setHeldOutShards(List.of())
            .setReplayShards(List.of())
            .setCreatedAt(Instant.EPOCH)
            .build();
    JobTrainer trainer = JobTrainer.from(config, store, DeviceChoice.CPU);

    AdapterCandidate candidate =
        trainer.train(job, Optional.empty(), StepListener.NONE).candidate();
    // only the job's lists are the job's: what a candidate adds beyond them is what the floor
    // counts
    AdapterCandidate withoutJobLists =
        AdapterCandidate.newBuilder(candidate).setShards(List.of()).build();

    long floor = trainer.candidateFloor();
    assertThat(floor).isPositive();
    assertThat(RecordBudget.size(withoutJobLists.toByteBuffer(), candidate.getAdapterKey()))
        .isGreaterThanOrEqualTo(floor);
  }
}
