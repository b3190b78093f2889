package dev.perennial.trainer.bench;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.files.Folders;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.model.runtime.DeviceChoice;
import dev.perennial.model.train.ProgressBar;
import dev.perennial.model.train.StepListener;
import dev.perennial.model.world.QaPair;
import dev.perennial.model.world.SampleDocument;
import dev.perennial.model.world.TenantKnowledge;
import dev.perennial.model.world.World;
import dev.perennial.schemas.release.StableRelease;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.ExampleKind;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.ShardRef;
import dev.perennial.schemas.v1.SourceRef;
import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.TrainerException;
import dev.perennial.trainer.accumulate.ShardEntry;
import dev.perennial.trainer.lineage.JobIds;
import dev.perennial.trainer.shard.Shard;
import dev.perennial.trainer.shard.ShardSplit;
import dev.perennial.trainer.shard.ShardWriter;
import dev.perennial.trainer.shard.SourcePosition;
import dev.perennial.trainer.shard.SourcedExample;
import dev.perennial.trainer.worker.BaseModelSource;
import dev.perennial.trainer.worker.JobRecipe;
import dev.perennial.trainer.worker.JobTrainer;
import dev.perennial.trainer.worker.TrainedJob;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code perennial bench trainer}: what one worker does per hour on this machine. Trains a series
 * of jobs the way the worker does (shards read from an artifact store, replay mixed in, each job
 * continuing the previous one's adapter as if it had been released, files written back), on
 * examples of the synthetic world, after one short warm-up job; reports jobs per hour and training
 * tokens per second. The timed jobs are sealed together, as when several triggers fire at once, and
 * one worker takes them in turn: each job's time queued (sealed to started) is reported next to its
 * time worked on.
 */
public final class TrainerBenchmark {

  private static final String KEY = "bench/support";
  private static final String TOPIC = "bench.examples.v1";

  private TrainerBenchmark() {}

  /**
   * @param jobs timed jobs
   * @param examplesPerJob training examples each job holds (the default trigger seals 64)
   */
  public record Settings(int jobs, int examplesPerJob, DeviceChoice device) {}

  /**
   * One timed job.
   *
   * @param queuedSeconds from the job's {@code createdAt} (sealed) to the worker taking it up
   * @param totalSeconds the worker's time on it (the candidate's {@code totalMillis})
   */
  public record JobFigures(
      int steps,
      long tokens,
      double trainingSeconds,
      double totalSeconds,
      double queuedSeconds,
      String device) {}

  /** What the benchmark measured. */
  public record Report(
      String base, int threads, int examplesPerJob, List<JobFigures> jobs, double warmUpSeconds) {

    public double meanJobSeconds() {
      return jobs.stream().mapToDouble(JobFigures::totalSeconds).average().orElse(Double.NaN);
    }

    public double jobsPerHour() {
      return 3600 / meanJobSeconds();
    }

    public double trainingTokensPerSecond() {
      return jobs.stream().mapToLong(JobFigures::tokens).sum()
          / jobs.stream().mapToDouble(JobFigures::trainingSeconds).sum();
    }

    public double endToEndTokensPerSecond() {
      return jobs.stream().mapToLong(JobFigures::tokens).sum()
          / jobs.stream().mapToDouble(JobFigures::totalSeconds).sum();
    }

    public List<String> lines() {
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < jobs.size(); i++) {
        JobFigures job = jobs.get(i);
        lines.add(
            String.format(
                Locale.ROOT,
                "job %d: %d steps, %,d tokens, queued %.2f s, worked %.2f s (training %.2f s) on"
                    + " %s",
                i + 1,
                job.steps(),
                job.tokens(),
                job.queuedSeconds(),
                job.totalSeconds(),
                job.trainingSeconds(),
                job.device()));
      }
      lines.add(
          String.format(
              Locale.ROOT,
              "base %s, %d examples per job, %d thread(s), warm-up %.1f s",
              base,
              examplesPerJob,
              threads,
              warmUpSeconds));
      lines.add(
          String.format(
              Locale.ROOT,
              "jobs per hour:            %,.0f (mean %.2f s per job)",
              jobsPerHour(),
              meanJobSeconds()));
      lines.add(
          String.format(
              Locale.ROOT,
              "training tokens/s:        %,.0f (in the training loop)",
              trainingTokensPerSecond()));
      lines.add(
          String.format(
              Locale.ROOT,
              "end-to-end tokens/s:      %,.0f (shards read, adapter stored, lineage built)",
              endToEndTokensPerSecond()));
      lines.add(
          String.format(
              Locale.ROOT,
              "queued vs worked:         %.2f s vs %.2f s per job (mean; %d jobs sealed at once,"
                  + " one worker)",
              jobs.stream().mapToDouble(JobFigures::queuedSeconds).average().orElse(Double.NaN),
              meanJobSeconds(),
              jobs.size()));
      return lines;
    }
  }

  public static Report run(
      BaseModelSource base, JobRecipe recipe, Settings settings, PrintWriter progress) {
    Path folder;
    try {
      folder = Files.createTempDirectory("perennial-bench-trainer-");
    } catch (IOException e) {
      throw new TrainerException("Cannot create a scratch folder: " + e.getMessage(), e);
    }
    try {
      LocalArtifactStore store = new LocalArtifactStore(folder.resolve("store"));
      List<TrainingExample> pool = examples(settings.examplesPerJob() * (settings.jobs() + 1));

      long warmUpStart = System.nanoTime();
      JobTrainer warmUp =
          new JobTrainer(
              base,
              recipe.withMaxSteps(2),
              store,
              folder,
              folder.resolve("work"),
              settings.device());
      warmUp.train(
          job(store, pool, 0, settings.examplesPerJob(), List.of(), Instant.now()),
          Optional.empty(),
          StepListener.NONE);
      double warmUpSeconds = (System.nanoTime() - warmUpStart) / 1e9;

      JobTrainer trainer =
          new JobTrainer(base, recipe, store, folder, folder.resolve("work"), settings.device());
      List<JobFigures> figures = new ArrayList<>();
      List<ShardRef> earlier = new ArrayList<>();
      Optional<StableRelease> stable = Optional.empty();
      Instant sealed = Instant.now();
      long sealedNanos = System.nanoTime();
      List<TrainingJob> jobs = new ArrayList<>();
      for (int i = 1; i <= settings.jobs(); i++) {
        TrainingJob job = job(store, pool, i, settings.examplesPerJob(), earlier, sealed);
        jobs.add(job);
        earlier.addAll(job.getShards());
      }
      for (int i = 1; i <= settings.jobs(); i++) {
        TrainingJob job = jobs.get(i - 1);
        long start = System.nanoTime();
        TrainedJob trained =
            trainer.train(
                job,
                stable,
                progress == null
                    ? StepListener.NONE
                    : new ProgressBar(progress, "job " + i + "/" + settings.jobs(), 10));
        double seconds = (System.nanoTime() - start) / 1e9;
        AdapterCandidate candidate = trained.candidate();
        figures.add(
            new JobFigures(
                candidate.getMetrics().getSteps(),
                candidate.getMetrics().getTrainedTokens(),
                candidate.getTrainingMillis() / 1000.0,
                seconds,
                (start - sealedNanos) / 1e9,
                candidate.getDevice()));
        stable =
            Optional.of(
                new StableRelease(
                    i,
                    candidate.getLocation(),
                    "bench",
                    candidate.getBaseModelDigest(),
                    candidate.getRecipe().getExtras().get(BaseModelSource.TOKENIZER_DIGEST)));
      }
      return new Report(
          base.base().name(),
          recipe.model().threads(),
          settings.examplesPerJob(),
          figures,
          warmUpSeconds);
    } finally {
      Folders.deleteRecursively(folder);
    }
  }

  /** Job {@code index}: the next {@code size} examples of the pool in a shard of their own. */
  private static TrainingJob job(
      LocalArtifactStore store,
      List<TrainingExample> pool,
      int index,
      int size,
      List<ShardRef> earlier,
      Instant sealed) {
    List<SourcedExample> examples = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      long offset = (long) index * size + i;
      examples.add(
          new SourcedExample(
              new SourcePosition(TOPIC, 0, offset), pool.get((int) (offset % pool.size()))));
    }
    Shard shard = new Shard("bench", KEY, ShardSplit.TRAIN, null, examples);
    Digest digest = ShardWriter.write(store, shard);
    String jobId = JobIds.jobId(KEY, index, JobTrigger.MIN_EXAMPLES.name(), List.of(digest.hex()));
    return TrainingJob.newBuilder()
        .setJobId(jobId)
        .setAdapterKey(KEY)
        .setTenant("bench")
        .setTrigger(JobTrigger.MIN_EXAMPLES)
        .setShards(List.of(ShardEntry.of(digest.hex(), shard, jobId).toShardRef()))
        .setHeldOutShards(List.of())
        .setReplayShards(List.copyOf(earlier))
        .setErasure(null)
        .setCreatedAt(sealed)
        .build();
  }

  /** Sample documents and corrections of synthetic tenants, as ingest would make examples. */
  static List<TrainingExample> examples(int wanted) {
    World world = World.standard();
    List<TrainingExample> examples = new ArrayList<>();
    for (int t = 0; examples.size() < wanted; t++) {
      TenantKnowledge tenant = world.tenant("bench-" + t);
      for (SampleDocument document : tenant.documents()) {
        examples.add(example(ExampleKind.TEXT, null, document.text(), examples.size()));
      }
      for (QaPair pair : tenant.feedback()) {
        examples.add(example(ExampleKind.SFT, pair.prompt(), pair.completion(), examples.size()));
      }
    }
    return examples.subList(0, wanted);
  }

  private static TrainingExample example(ExampleKind kind, String prompt, String target, int n) {
    String content = kind + "\n" + prompt + "\n" + target + "\n" + n;
    TrainingExample.Builder builder =
        TrainingExample.newBuilder()
            .setExampleId(Digest.of(content.getBytes(StandardCharsets.UTF_8)).hex())
            .setAdapterKey(KEY)
            .setTenant("bench")
            .setSubjectPseudonym("p-bench-" + n % 7)
            .setKind(kind)
            .setSource(new SourceRef("bench.documents.v1", 0, (long) n))
            .setEventId("bench-" + n)
            .setConsentVersion("bench")
            .setRedactions(Map.of())
            .setOccurredAt(Instant.EPOCH)
            .setIngestedAt(Instant.EPOCH);
    if (kind == ExampleKind.TEXT) {
      builder.setText(target);
    } else {
      builder.setPrompt(prompt).setCompletion(target);
    }
    return builder.build();
  }
}
