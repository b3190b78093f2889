package dev.perennial.cli.bench.continual;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.evaluator.suite.EvalExample;
import dev.perennial.evaluator.suite.HeldOutShards;
import dev.perennial.model.world.QaPair;
import dev.perennial.model.world.SampleDocument;
import dev.perennial.model.world.UpdateStream;
import dev.perennial.schemas.v1.ExampleKind;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.ShardRef;
import dev.perennial.schemas.v1.SourceRef;
import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.accumulate.AccumulatorProcessor;
import dev.perennial.trainer.accumulate.ShardEntry;
import dev.perennial.trainer.lineage.JobIds;
import dev.perennial.trainer.shard.HeldOutSplit;
import dev.perennial.trainer.shard.Shard;
import dev.perennial.trainer.shard.ShardSplit;
import dev.perennial.trainer.shard.ShardWriter;
import dev.perennial.trainer.shard.SourcePosition;
import dev.perennial.trainer.shard.SourcedExample;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One tenant's update stream as the trainer's accumulator would store it: each update's documents
 * become TEXT examples and its feedback the kinds of the run's {@link FeedbackMix}, split by the
 * configured held-out fraction, sealed into a training and a held-out shard in the artifact store;
 * then the training job of an update, for a variant.
 */
final class StreamShards {

  private static final String TOPIC = "bench.examples.v1";

  /** The shards of one update. */
  record UpdateShards(ShardRef train, ShardRef heldOut, List<EvalExample> heldOutExamples) {}

  private final String tenant;
  private final String adapterKey;
  private final List<UpdateShards> updates = new ArrayList<>();
  private final int replayMaxShards;
  private final FeedbackMix mix;

  private StreamShards(String tenant, String adapterKey, int replayMaxShards, FeedbackMix mix) {
    this.tenant = tenant;
    this.mix = mix;
    this.adapterKey = adapterKey;
    this.replayMaxShards = replayMaxShards;
  }

  /** Writes every update's shards to {@code store}. */
  static StreamShards write(
      ArtifactStore store,
      UpdateStream stream,
      double heldOutFraction,
      int replayMaxShards,
      FeedbackMix mix) {
    String tenant = stream.tenantId();
    StreamShards shards = new StreamShards(tenant, tenant + "/default", replayMaxShards, mix);
    HeldOutSplit split = new HeldOutSplit(heldOutFraction);
    long offset = 0;
    for (UpdateStream.Update update : stream.updates()) {
      List<SourcedExample> train = new ArrayList<>();
      List<SourcedExample> heldOut = new ArrayList<>();
      for (TrainingExample example : shards.examples(update)) {
        SourcedExample sourced =
            new SourcedExample(new SourcePosition(TOPIC, 0, offset++), example);
        (split.isHeldOut(example.getExampleId()) ? heldOut : train).add(sourced);
      }
      String jobId = shards.jobId(update.number(), List.of());
      ShardRef trainRef = seal(store, tenant, shards.adapterKey, ShardSplit.TRAIN, train, jobId);
      ShardRef heldOutRef = null;
      List<EvalExample> heldOutExamples = List.of();
      if (!heldOut.isEmpty()) {
        heldOutRef = seal(store, tenant, shards.adapterKey, ShardSplit.HELD_OUT, heldOut, jobId);
        heldOutExamples = readHeldOut(store, heldOutRef, tenant, shards.adapterKey);
      }
      shards.updates.add(new UpdateShards(trainRef, heldOutRef, heldOutExamples));
    }
    return shards;
  }

  String tenant() {
    return tenant;
  }

  String adapterKey() {
    return adapterKey;
  }

  /** The shards of update {@code number} (1-based). */
  UpdateShards update(int number) {
    return updates.get(number - 1);
  }

  /**
   * The job of update {@code number} for {@code variant}: the update's shards with the earlier
   * training shards to replay (spread as the accumulator lists them), or, for joint training, every
   * update's shards so far and nothing to replay.
   */
  TrainingJob job(int number, Variant variant) {
    List<ShardRef> train = new ArrayList<>();
    List<ShardRef> heldOut = new ArrayList<>();
    List<ShardRef> earlier = new ArrayList<>();
    for (int j = 1; j <= number; j++) {
      UpdateShards shards = update(j);
      if (j == number || variant.joint()) {
        train.add(shards.train());
        if (shards.heldOut() != null) {
          heldOut.add(shards.heldOut());
        }
      } else {
        earlier.add(shards.train());
      }
    }
    List<ShardRef> replay = AccumulatorProcessor.spread(earlier, replayMaxShards);
    List<String> digests = new ArrayList<>();
    train.forEach(ref -> digests.add(ref.getDigest()));
    heldOut.forEach(ref -> digests.add(ref.getDigest()));
    return TrainingJob.newBuilder()
        .setJobId(jobId(number, digests))
        .setAdapterKey(adapterKey)
        .setTenant(tenant)
        .setTrigger(JobTrigger.MIN_EXAMPLES)
        .setShards(train)
        .setHeldOutShards(heldOut)
        .setReplayShards(List.copyOf(replay))
        .setErasure(null)
        .setCreatedAt(Instant.EPOCH)
        .build();
  }

  private String jobId(int number, List<String> digests) {
    return JobIds.jobId(adapterKey, number, JobTrigger.MIN_EXAMPLES.name(), digests);
  }

  /** The update's events as ingest turns them into examples. */
  private List<TrainingExample> examples(UpdateStream.Update update) {
    List<TrainingExample> examples = new ArrayList<>();
    String prefix = tenant + "-u" + update.number() + "-";
    for (SampleDocument document : update.documents()) {
      examples.add(
          example(prefix + document.id(), ExampleKind.TEXT).setText(document.text()).build());
    }
    List<QaPair> feedback = update.feedback();
    for (int i = 0; i < feedback.size(); i++) {
      examples.add(
          mix.render(example(prefix + "feedback-" + i, ExampleKind.SFT), feedback.get(i), i)
              .build());
    }
    return examples;
  }

  /** Writes {@code examples} as one sealed shard of {@code split}; returns its reference. */
  static ShardRef seal(
      ArtifactStore store,
      String tenant,
      String adapterKey,
      ShardSplit split,
      List<SourcedExample> examples,
      String jobId) {
    Shard shard = new Shard(tenant, adapterKey, split, null, examples);
    return ShardEntry.of(ShardWriter.write(store, shard).hex(), shard, jobId).toShardRef();
  }

  /** A held-out shard read back the way the evaluator reads a candidate's held-out shards. */
  static List<EvalExample> readHeldOut(
      ArtifactStore store, ShardRef heldOut, String tenant, String adapterKey) {
    return HeldOutShards.read(store, Digest.parse(heldOut.getDigest()), tenant, adapterKey);
  }

  private TrainingExample.Builder example(String eventId, ExampleKind kind) {
    return example(tenant, adapterKey, eventId, kind);
  }

  /** An example of the bench's tenant as ingest would have made it (content set by the caller). */
  static TrainingExample.Builder example(
      String tenant, String adapterKey, String eventId, ExampleKind kind) {
    return TrainingExample.newBuilder()
        .setExampleId(Digest.of(eventId.getBytes(StandardCharsets.UTF_8)).hex())
        .setAdapterKey(adapterKey)
        .setTenant(tenant)
        .setSubjectPseudonym("p-" + tenant)
        .setKind(kind)
        .setSource(new SourceRef("bench.feedback.v1", 0, 0L))
        .setEventId(eventId)
        .setConsentVersion("bench")
        .setRedactions(Map.of())
        .setOccurredAt(Instant.EPOCH)
        .setIngestedAt(Instant.EPOCH);
  }
}
