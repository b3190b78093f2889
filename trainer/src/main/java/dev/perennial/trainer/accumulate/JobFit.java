package dev.perennial.trainer.accumulate;

import dev.perennial.schemas.v1.ShardRef;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.TrainerException;
import dev.perennial.trainer.config.RecordBudget;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds a {@link TrainingJob} to what the accumulator's producer writes. Nothing bounds a job's
 * lists (a shard of interleaved examples has one offset range per example; an ERASURE, REBASE or
 * IMPORT job lists every shard of its key, {@code heldOutPool} every held-out shard the key
 * sealed), and a record KafkaProducer refuses fails the task on every restart, stopping every
 * tenant. A job too large is written with, in turn until it fits: no offset ranges on its shards,
 * no replay shards (optional by nature), and only its own held-out shards as its pool. It always
 * keeps every shard it trains and holds out on: one that still does not fit stops the accumulator
 * with a {@link TrainerException} naming what to raise, rather than lose the job (an ERASURE job
 * retracts releases).
 *
 * <p>The ranges are left out, never merged: a job's ranges become its release's lineage, and a
 * range merged over a gap would name records the job never held (another key's, or a subject's an
 * erasure removed), making the release look as if it held them. A shard without ranges still names
 * each exact position in its own {@code perennial.sources}, and its digest names the shard. What
 * the job is written with is what the accumulator records of it ({@link #fitted} comes first).
 *
 * <p>A job takes at most {@link #jobBytes} of the producer's limit: the rest is its candidate's.
 * The worker's candidate copies the job's lists as they are (same types, same Avro encoding) and
 * adds its own fields (adapter location and file digests, lineage, recipe, loss curve, search), so
 * it takes at most the job's bytes plus those of its own fields; with the job within {@link
 * #jobBytes}, a candidate whose own fields take at most an eighth of the limit always fits.
 * Measured on the bundled base: 1.9 KB, 3.2 KB with a five-trial search; each LoRA module adds
 * about 65 bytes, each trial about 260, the loss curve at most 200 points: a base of 560 modules
 * with 20 trials stays under 45 KB of the 128 KiB at the default limit. A job sized to the whole
 * limit gave a candidate Kafka refused: the job was given up, and an ERASURE job's release
 * replacing the erased subject's never came.
 */
final class JobFit {

  private static final Logger log = LoggerFactory.getLogger(JobFit.class);

  private final long maxBytes;
  private final MeterRegistry meters;

  /**
   * @param maxEventBytes the most bytes a record and its key may take ({@link
   *     AccumulatorSettings#maxEventBytes}: the producer's request size less its overhead); a job
   *     takes at most {@link #jobBytes} of them
   */
  JobFit(long maxEventBytes, MeterRegistry meters) {
    this.maxBytes = jobBytes(maxEventBytes);
    this.meters = meters;
  }

  /**
   * The most bytes a job and its key may take when a record may take {@code maxEventBytes}: all but
   * an eighth, left to its candidate's own fields.
   */
  static long jobBytes(long maxEventBytes) {
    return RecordBudget.jobBytes(maxEventBytes);
  }

  /** The job as it is when it fits, else as little less of it as fits. */
  TrainingJob fitted(String adapterKey, TrainingJob job) {
    long size = size(adapterKey, job);
    if (size <= maxBytes) {
      return job;
    }
    Map<String, UnaryOperator<TrainingJob>> steps = new LinkedHashMap<>();
    steps.put("no-offset-ranges", JobFit::withoutRanges);
    steps.put(
        "no-replay", fitting -> TrainingJob.newBuilder(fitting).setReplayShards(List.of()).build());
    steps.put(
        "own-held-out-pool",
        fitting ->
            TrainingJob.newBuilder(fitting).setHeldOutPool(fitting.getHeldOutShards()).build());
    TrainingJob fitting = job;
    List<String> done = new ArrayList<>();
    for (Map.Entry<String, UnaryOperator<TrainingJob>> step : steps.entrySet()) {
      fitting = step.getValue().apply(fitting);
      done.add(step.getKey());
      long fittingSize = size(adapterKey, fitting);
      if (fittingSize <= maxBytes) {
        Counter.builder("perennial.trainer.jobs.fitted")
            .tag("step", step.getKey())
            .register(meters)
            .increment();
        log.warn(
            "Job {} takes {} bytes, more than the {} a job may (the producer's limit less an eighth"
                + " for its candidate): written in {} bytes with {}",
            job.getJobId(),
            size,
            maxBytes,
            fittingSize,
            String.join(", ", done));
        return fitting;
      }
    }
    throw new TrainerException(
        "Job "
            + job.getJobId()
            + " takes "
            + size(adapterKey, fitting)
            + " bytes even with "
            + String.join(", ", done)
            + ", more than the "
            + maxBytes
            + " a job may (the producer's limit less an eighth for its candidate): the accumulator"
            + " stops rather than lose it. Raise max.request.size on both trainer stages, the"
            + " accumulator and the workers alike (and the max.message.bytes of the training jobs"
            + " and candidates topics)");
  }

  /** The bytes the job and its key take, as single-object Avro (5 bytes more than the wire's). */
  static long size(String adapterKey, TrainingJob job) {
    try {
      return RecordBudget.size(job.toByteBuffer(), adapterKey);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

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
        .map(shard -> ShardRef.newBuilder(shard).setOffsetRanges(List.of()).build())
        .toList();
  }
}
