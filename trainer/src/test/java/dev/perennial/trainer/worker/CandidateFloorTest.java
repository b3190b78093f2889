package dev.perennial.trainer.worker;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.core.kafka.TopicCatalog;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.schemas.topic.Topics;
import dev.perennial.trainer.TrainerException;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.testing.TestConfigs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker's candidate has the last eighth of a record for its own fields (the job takes the rest):
 * a {@code max.request.size} whose eighth cannot hold even the smallest candidate this worker
 * writes would train every job and give each up, so the worker refuses to start.
 */
class CandidateFloorTest {

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
}
