package dev.perennial.trainer.accumulate;

import dev.perennial.core.PerennialException;
import dev.perennial.core.crypto.Digest;
import dev.perennial.core.kafka.KafkaClients;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.core.store.ArtifactStoreOutageException;
import dev.perennial.core.store.ForwardingArtifactStore;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.trainer.config.TrainerConfig;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * The artifact store of a writer that may found it (the accumulator's seals, {@code perennial
 * adapters import}): a {@link LocalArtifactStore} whose first write founds it only in a new
 * deployment. Whether the deployment sealed shards before is no task's knowledge (a task that never
 * sealed, a new instance, a state reset hold no index), so it is read where every task and instance
 * sees it: {@code training-jobs.v1}, which only the accumulator writes, each job naming blobs
 * written to the store before it (its shards, a release's or an import's weights). Once it has held
 * a record, its end offsets are above 0 for good (retention moves a partition's start, never its
 * end), and the store was founded: a write to a store that holds nothing at all (no {@value
 * LocalArtifactStore#MARKER}, no blob) is then refused with an {@link
 * ArtifactStoreOutageException}, as the folder is most likely the empty mount point of a volume not
 * mounted, and shards written there would be found by no other stage. A new deployment (no job yet)
 * founds its store with its first seal (or an import before it), as before.
 *
 * <p>Kafka is asked only while the store holds nothing: once founded, a write costs one look for
 * the marker.
 */
public final class StoreFoundingGuard extends ForwardingArtifactStore {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final LocalArtifactStore store;
  private final Map<String, Object> adminProperties;
  private final String jobsTopic;

  private StoreFoundingGuard(
      LocalArtifactStore store, Map<String, Object> adminProperties, String jobsTopic) {
    super(store);
    this.store = store;
    this.adminProperties = adminProperties;
    this.jobsTopic = jobsTopic;
  }

  /**
   * {@code store}, founded by a write only while {@code jobsTopic} never held a job.
   *
   * @param clientId the id of the admin client that asks Kafka, naming the writer
   */
  public static ArtifactStore of(
      LocalArtifactStore store, TrainerConfig config, String jobsTopic, String clientId) {
    return new StoreFoundingGuard(
        store, new HashMap<>(KafkaClients.admin(config, clientId)), jobsTopic);
  }

  @Override
  public Digest put(byte[] content) {
    requireFoundedOrNewDeployment();
    return super.put(content);
  }

  @Override
  public Digest put(InputStream content) {
    requireFoundedOrNewDeployment();
    return super.put(content);
  }

  @Override
  public Digest putFile(Path file) {
    requireFoundedOrNewDeployment();
    return super.putFile(file);
  }

  /**
   * Lets a write found the store only in a deployment whose accumulator never wrote a job.
   *
   * @throws ArtifactStoreOutageException when the store holds nothing but jobs were written
   */
  private void requireFoundedOrNewDeployment() {
    if (store.isFounded()) {
      return;
    }
    long jobs = jobsEverWritten();
    if (jobs > 0) {
      throw new ArtifactStoreOutageException(
          "Not founding the artifact store at "
              + store.root()
              + ": it holds nothing (no "
              + LocalArtifactStore.MARKER
              + ", no blob), but the accumulator wrote jobs to "
              + jobsTopic
              + " (its end offsets add up to "
              + jobs
              + "), so this deployment sealed shards before, into the store this folder should"
              + " be: is its volume mounted? What is written here would be found by no other"
              + " stage. Mount the store's volume and try again (the accumulator: restart it;"
              + " its examples stay pending)",
          null);
    }
  }

  /**
   * The sum of the end offsets of {@link #jobsTopic}'s partitions: above 0 once any job was written
   * (aborted jobs and transaction markers count too, and an aborted seal wrote its shards first).
   */
  private long jobsEverWritten() {
    try (Admin admin = Admin.create(adminProperties)) {
      TopicDescription topic =
          admin
              .describeTopics(List.of(jobsTopic))
              .allTopicNames()
              .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
              .get(jobsTopic);
      Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
      topic
          .partitions()
          .forEach(
              p -> ends.put(new TopicPartition(jobsTopic, p.partition()), OffsetSpec.latest()));
      long sum = 0;
      for (ListOffsetsResultInfo end :
          admin.listOffsets(ends).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).values()) {
        sum += end.offset();
      }
      return sum;
    } catch (ExecutionException e) {
      throw notKnown(e.getCause());
    } catch (TimeoutException e) {
      throw notKnown(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw notKnown(e);
    }
  }

  private PerennialException notKnown(Throwable cause) {
    return new PerennialException(
        "Not founding the artifact store at "
            + store.root()
            + ", which holds nothing: cannot tell whether this deployment wrote jobs before ("
            + jobsTopic
            + "'s end offsets): "
            + cause,
        cause);
  }
}
