package dev.perennial.cli.bench.continual;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.evaluator.suite.EvalExample;
import dev.perennial.model.world.Fact;
import dev.perennial.model.world.QaPair;
import dev.perennial.model.world.SyntheticFeedback;
import dev.perennial.model.world.UpdateStream;
import dev.perennial.model.world.World;
import dev.perennial.schemas.v1.ExampleKind;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.ShardRef;
import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.schemas.v1.TrainingJob;
import dev.perennial.trainer.lineage.JobIds;
import dev.perennial.trainer.rater.RaterGuard;
import dev.perennial.trainer.rater.RaterGuardSettings;
import dev.perennial.trainer.shard.HeldOutSplit;
import dev.perennial.trainer.shard.ShardSplit;
import dev.perennial.trainer.shard.SourcePosition;
import dev.perennial.trainer.shard.SourcedExample;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One tenant's stream as feedback alone, for {@code perennial bench feedback}: the questions the
 * trainer's held-out split sets aside (by question, so every variant, noise level and record count
 * holds out the same ones) become the update's held-out shard of <em>true</em> preference pairs
 * (the right answer chosen): what the evaluator's feedback suite measures preference accuracy on.
 * The other questions (every new and changed fact in every training phrasing, repeats in one)
 * become {@link SyntheticFeedback} from {@code records} users each, at a share of flipped labels
 * drawn over those trained records (so exactly that share of what trains is flipped), sealed into
 * one training shard per kind of example and noise level. Under the {@link
 * FeedbackNoiseModel#USERS} model the records come from a pool of users instead, the noise share of
 * them always wrong, and each example carries its user's pseudonym ({@code p-<tenant>-user<k>});
 * under {@link FeedbackNoiseModel#RECORDS} every example carries the tenant's one pseudonym, as it
 * always did.
 */
final class FeedbackShards {

  private static final String TOPIC = "bench.feedback.v1";

  /** One update's questions, split. */
  private record UpdateQuestions(
      int number,
      List<QaPair> questions,
      List<Integer> train,
      ShardRef heldOut,
      List<EvalExample> heldOutPairs,
      List<EvalExample> heldOutPhrasingPairs,
      List<String> taughtFacts) {}

  /**
   * A training shard of one kind at one noise level, its examples, the pseudonyms of its truly
   * noisy users (none under the per-record model), and the event ids of its flipped labels.
   */
  record TrainShard(
      ShardRef ref, List<SourcedExample> examples, Set<String> noisy, Set<String> flippedEvents) {

    int items() {
      return examples.size();
    }

    int flipped() {
      return flippedEvents.size();
    }
  }

  /**
   * The rater guard's outcome on a job, recomputed with the known truth: subjects compared and set
   * aside, how many of those are truly noisy, how many noisy subjects gave feedback, the examples
   * set aside, and the label ceiling of the labels it kept (the majority of the records of the
   * subjects not set aside). With its majority vote, also the examples outvoted (the job's and its
   * replay's), and of the job's own flipped labels how many still train; {@code trained}: the job's
   * own examples the guard kept, what its candidate must have trained on.
   */
  record GuardCheck(
      int compared,
      int setAside,
      int noisySetAside,
      int noisy,
      int examplesSetAside,
      Ceiling kept,
      int examplesOutvoted,
      int flippedTrained,
      int trained) {

    static final GuardCheck NONE = new GuardCheck(0, 0, 0, 0, 0, Ceiling.NONE, 0, 0, 0);

    GuardCheck plus(GuardCheck other) {
      return new GuardCheck(
          compared + other.compared,
          setAside + other.setAside,
          noisySetAside + other.noisySetAside,
          noisy + other.noisy,
          examplesSetAside + other.examplesSetAside,
          kept.plus(other.kept),
          examplesOutvoted + other.examplesOutvoted,
          flippedTrained + other.flippedTrained,
          trained + other.trained);
    }
  }

  /**
   * The label ceiling of held-out pairs: how many of them, in expectation, a learner that reads
   * only the training labels' orientation can rank right. A held-out pair's fact is taught by its
   * other phrasings' records; the truth is their majority, so a pair whose fact's trained records
   * are mostly true is right (1), mostly flipped wrong (0), and a tie (or no trained record) a coin
   * (0.5). Flipped records that outvote the true ones carry no trace in the labels: no objective
   * recovers such a fact. (A fact has one wrong answer in all its records, so the values carry no
   * cue the labels lack.) Under the user model the ceiling is still the majority of all records,
   * the noisy users' included: a learner that sets those users aside can rank above it.
   *
   * @param heldOut expected right held-out pairs
   * @param heldOutPairs held-out pairs
   * @param phrasing the same for the taught facts asked in their held-out phrasing
   * @param phrasingPairs held-out-phrasing pairs
   */
  record Ceiling(double heldOut, int heldOutPairs, double phrasing, int phrasingPairs) {

    static final Ceiling NONE = new Ceiling(0, 0, 0, 0);

    Ceiling plus(Ceiling other) {
      return new Ceiling(
          heldOut + other.heldOut,
          heldOutPairs + other.heldOutPairs,
          phrasing + other.phrasing,
          phrasingPairs + other.phrasingPairs);
    }

    double heldOutAccuracy() {
      return heldOutPairs == 0 ? Double.NaN : heldOut / heldOutPairs;
    }

    double phrasingAccuracy() {
      return phrasingPairs == 0 ? Double.NaN : phrasing / phrasingPairs;
    }
  }

  private final ArtifactStore store;
  private final World world;
  private final String tenant;
  private final String adapterKey;
  private final long seed;
  private final int records;
  private final FeedbackNoiseModel noiseModel;
  private final int users;
  private final List<UpdateQuestions> updates = new ArrayList<>();
  private final Map<String, TrainShard> train = new HashMap<>();

  private FeedbackShards(
      ArtifactStore store,
      World world,
      String tenant,
      String adapterKey,
      long seed,
      int records,
      FeedbackNoiseModel noiseModel,
      int users) {
    if (records < 1) {
      throw new IllegalArgumentException("at least one record a question, not " + records);
    }
    if (noiseModel == FeedbackNoiseModel.USERS && users < records) {
      throw new IllegalArgumentException(
          records + " records a question need at least as many users, not " + users);
    }
    this.noiseModel = noiseModel;
    this.users = users;
    this.store = store;
    this.world = world;
    this.tenant = tenant;
    this.adapterKey = adapterKey;
    this.seed = seed;
    this.records = records;
  }

  /**
   * Splits every update's questions and writes their held-out shards to {@code store}; each trained
   * question will carry {@code records} records of its kind.
   */
  static FeedbackShards write(
      ArtifactStore store,
      World world,
      UpdateStream stream,
      double heldOutFraction,
      int records,
      long seed) {
    return write(
        store, world, stream, heldOutFraction, records, FeedbackNoiseModel.RECORDS, records, seed);
  }

  /** The same, with labels made noisy by {@code noiseModel} ({@code users} in the user pool). */
  static FeedbackShards write(
      ArtifactStore store,
      World world,
      UpdateStream stream,
      double heldOutFraction,
      int records,
      FeedbackNoiseModel noiseModel,
      int users,
      long seed) {
    String tenant = stream.tenantId();
    FeedbackShards shards =
        new FeedbackShards(
            store, world, tenant, tenant + "/default", seed, records, noiseModel, users);
    HeldOutSplit split = new HeldOutSplit(heldOutFraction);
    long offset = 0;
    for (UpdateStream.Update update : stream.updates()) {
      List<QaPair> questions = update.feedback();
      SyntheticFeedback truth =
          SyntheticFeedback.on(world, questions, 0, shards.feedbackSeed(update.number()));
      List<Integer> trainIndices = new ArrayList<>();
      List<SourcedExample> heldOut = new ArrayList<>();
      for (int i = 0; i < questions.size(); i++) {
        String eventId = shards.eventId(update.number(), i, "pair");
        if (!split.isHeldOut(Digest.of(eventId.getBytes(StandardCharsets.UTF_8)).hex())) {
          trainIndices.add(i);
          continue;
        }
        SyntheticFeedback.Preference pair = truth.preferences().get(i);
        TrainingExample example =
            shards
                .example(eventId, ExampleKind.PREFERENCE)
                .setPrompt(pair.prompt())
                .setChosen(pair.chosen())
                .setRejected(pair.rejected())
                .build();
        heldOut.add(new SourcedExample(new SourcePosition(TOPIC, 0, offset++), example));
      }
      if (heldOut.isEmpty()) {
        throw new IllegalArgumentException(
            "update "
                + update.number()
                + " holds out none of its "
                + questions.size()
                + " questions: raise the held-out fraction or the new entities per update");
      }
      ShardRef heldOutRef =
          StreamShards.seal(
              store,
              tenant,
              shards.adapterKey,
              ShardSplit.HELD_OUT,
              heldOut,
              shards.jobId(update.number(), List.of()));
      shards.updates.add(
          new UpdateQuestions(
              update.number(),
              questions,
              trainIndices,
              heldOutRef,
              StreamShards.readHeldOut(store, heldOutRef, tenant, shards.adapterKey),
              heldOutPhrasingPairs(update.taught(), truth),
              update.taught().stream().map(Fact::key).toList()));
    }
    return shards;
  }

  /**
   * Each taught fact asked in its held-out phrasing (a question no feedback ever asks), the right
   * answer chosen over the fact's wrong answer.
   */
  private static List<EvalExample> heldOutPhrasingPairs(
      List<Fact> taught, SyntheticFeedback truth) {
    Map<String, String> wrong = new LinkedHashMap<>();
    for (SyntheticFeedback.Preference pair : truth.preferences()) {
      wrong.putIfAbsent(pair.fact().key(), pair.rejected());
    }
    List<EvalExample> pairs = new ArrayList<>();
    for (Fact fact : taught) {
      QaPair question = UpdateStream.heldOutQuestion(fact);
      pairs.add(
          EvalExample.preference(question.prompt(), question.completion(), wrong.get(fact.key())));
    }
    return pairs;
  }

  String tenant() {
    return tenant;
  }

  /** Update {@code number}'s held-out pairs (true labels), as the evaluator reads them. */
  List<EvalExample> heldOutPairs(int number) {
    return updates.get(number - 1).heldOutPairs();
  }

  /** Update {@code number}'s taught facts in their held-out phrasing, as true pairs. */
  List<EvalExample> heldOutPhrasingPairs(int number) {
    return updates.get(number - 1).heldOutPhrasingPairs();
  }

  /**
   * The label ceiling of update {@code number}'s held-out pairs and held-out-phrasing pairs when
   * its feedback trains as {@code kind} examples with {@code noise} of the labels flipped.
   */
  Ceiling ceiling(int number, ExampleKind kind, double noise) {
    return ceiling(number, kind, noise, Set.of());
  }

  /** The same, counting only the records of subjects not in {@code setAside}. */
  private Ceiling ceiling(int number, ExampleKind kind, double noise, Set<String> setAside) {
    UpdateQuestions update = updates.get(number - 1);
    SyntheticFeedback feedback = trainFeedback(update, noise);
    Map<String, Integer> votes = new HashMap<>();
    for (int r = 0; r < update.train().size() * records; r++) {
      if (setAside.contains(pseudonym(feedback.preferences().get(r).user()))) {
        continue;
      }
      int vote =
          switch (kind) {
            case PREFERENCE -> feedback.preferences().get(r).flipped() ? -1 : 1;
            case CORRECTION -> feedback.corrections().get(r).flipped() ? -1 : 1;
            case RATING ->
                (feedback.ratings().get(2 * r).flipped() ? -1 : 1)
                    + (feedback.ratings().get(2 * r + 1).flipped() ? -1 : 1);
            default -> throw new IllegalArgumentException("No feedback of kind " + kind);
          };
      votes.merge(feedback.preferences().get(r).fact().key(), vote, Integer::sum);
    }
    double heldOut = 0;
    int heldOutPairs = 0;
    for (int i = 0; i < update.questions().size(); i++) {
      if (!update.train().contains(i)) {
        heldOut += majority(votes.getOrDefault(update.questions().get(i).fact().key(), 0));
        heldOutPairs++;
      }
    }
    double phrasing = 0;
    for (String fact : update.taughtFacts()) {
      phrasing += majority(votes.getOrDefault(fact, 0));
    }
    return new Ceiling(heldOut, heldOutPairs, phrasing, update.taughtFacts().size());
  }

  private static double majority(int votes) {
    return votes > 0 ? 1 : votes < 0 ? 0 : 0.5;
  }

  /**
   * What the rater guard with {@code settings} does with update {@code number}'s job of {@code
   * kind} at {@code noise} (its shard and the earlier updates' it replays), against the truth.
   */
  GuardCheck guardCheck(int number, ExampleKind kind, double noise, RaterGuardSettings settings) {
    TrainShard shard = trainShard(number, kind, noise);
    List<SourcedExample> replay = new ArrayList<>();
    for (int j = 1; j < number; j++) {
      replay.addAll(trainShard(j, kind, noise).examples());
    }
    RaterGuard.Outcome outcome = new RaterGuard(settings).apply(shard.examples(), replay);
    int noisySetAside = (int) outcome.setAside().stream().filter(shard.noisy()::contains).count();
    int flippedTrained =
        (int)
            outcome.training().stream()
                .filter(e -> shard.flippedEvents().contains(e.example().getEventId()))
                .count();
    return new GuardCheck(
        outcome.subjectsCompared(),
        outcome.setAside().size(),
        noisySetAside,
        shard.noisy().size(),
        outcome.examplesSetAside(),
        ceiling(number, kind, noise, outcome.setAside()),
        outcome.examplesOutvoted(),
        flippedTrained,
        outcome.training().size());
  }

  /** The shards of update {@code number} as the continual bench's measurer takes them. */
  StreamShards.UpdateShards update(int number, ExampleKind kind, double noise) {
    UpdateQuestions update = updates.get(number - 1);
    return new StreamShards.UpdateShards(
        trainShard(number, kind, noise).ref(), update.heldOut(), update.heldOutPairs());
  }

  /**
   * The training shard of update {@code number}'s feedback as {@code kind} examples with {@code
   * noise} of the labels flipped (written on first use).
   */
  TrainShard trainShard(int number, ExampleKind kind, double noise) {
    return train.computeIfAbsent(
        number + "/" + kind + "/" + noise, key -> writeTrain(number, kind, noise));
  }

  /**
   * The job of update {@code number}: its training shard, its held-out shard, and the earlier
   * updates' training shards of the same kind and noise to replay.
   */
  TrainingJob job(int number, ExampleKind kind, double noise) {
    List<ShardRef> replay = new ArrayList<>();
    for (int j = 1; j < number; j++) {
      replay.add(trainShard(j, kind, noise).ref());
    }
    ShardRef shard = trainShard(number, kind, noise).ref();
    ShardRef heldOut = updates.get(number - 1).heldOut();
    return TrainingJob.newBuilder()
        .setJobId(jobId(number, List.of(shard.getDigest(), heldOut.getDigest())))
        .setAdapterKey(adapterKey)
        .setTenant(tenant)
        .setTrigger(JobTrigger.MIN_EXAMPLES)
        .setShards(List.of(shard))
        .setHeldOutShards(List.of(heldOut))
        .setReplayShards(replay)
        .setErasure(null)
        .setCreatedAt(Instant.EPOCH)
        .build();
  }

  private TrainShard writeTrain(int number, ExampleKind kind, double noise) {
    UpdateQuestions update = updates.get(number - 1);
    SyntheticFeedback feedback = trainFeedback(update, noise);
    List<TrainingExample> examples = new ArrayList<>();
    Set<String> flippedEvents = new TreeSet<>();
    for (int r = 0; r < update.train().size() * records; r++) {
      int i = update.train().get(r / records);
      // the first user's record keeps the id one record a question always had
      String user = r % records == 0 ? "" : "-user" + (r % records);
      String subject = pseudonym(feedback.preferences().get(r).user());
      switch (kind) {
        case PREFERENCE -> {
          SyntheticFeedback.Preference pair = feedback.preferences().get(r);
          String event = eventId(number, i, "pair" + user);
          if (pair.flipped()) {
            flippedEvents.add(event);
          }
          examples.add(
              example(event, kind, subject)
                  .setPrompt(pair.prompt())
                  .setChosen(pair.chosen())
                  .setRejected(pair.rejected())
                  .build());
        }
        case CORRECTION -> {
          SyntheticFeedback.Correction correction = feedback.corrections().get(r);
          String event = eventId(number, i, "correction" + user);
          if (correction.flipped()) {
            flippedEvents.add(event);
          }
          examples.add(
              example(event, kind, subject)
                  .setPrompt(correction.prompt())
                  .setChosen(correction.corrected())
                  .setRejected(correction.original())
                  .build());
        }
        case RATING -> {
          for (int k = 0; k <= 1; k++) {
            SyntheticFeedback.Rating rating = feedback.ratings().get(2 * r + k);
            String event = eventId(number, i, "rating-" + k + user);
            if (rating.flipped()) {
              flippedEvents.add(event);
            }
            examples.add(
                example(event, kind, subject)
                    .setPrompt(rating.prompt())
                    .setCompletion(rating.answer())
                    .setDesirable(rating.desirable())
                    .setRating(rating.desirable() ? 5 : 1)
                    .build());
          }
        }
        default -> throw new IllegalArgumentException("No feedback of kind " + kind);
      }
    }
    // positions fixed by update, kind and index: a shard's bytes do not depend on which ran first
    List<SourcedExample> sourced = new ArrayList<>();
    for (int k = 0; k < examples.size(); k++) {
      SourcePosition position =
          new SourcePosition(TOPIC, 1 + kind.ordinal(), number * 100_000L + k);
      sourced.add(new SourcedExample(position, examples.get(k)));
    }
    ShardRef ref =
        StreamShards.seal(
            store, tenant, adapterKey, ShardSplit.TRAIN, sourced, jobId(number, List.of()));
    Set<String> noisy = new TreeSet<>();
    feedback.noisyUsers().forEach(u -> noisy.add(pseudonym(u)));
    return new TrainShard(ref, List.copyOf(sourced), noisy, Set.copyOf(flippedEvents));
  }

  /** The feedback of an update's trained questions, {@link #records} records each. */
  private SyntheticFeedback trainFeedback(UpdateQuestions update, double noise) {
    List<QaPair> trained = update.train().stream().map(update.questions()::get).toList();
    long feedbackSeed = feedbackSeed(update.number());
    return noiseModel == FeedbackNoiseModel.USERS
        ? SyntheticFeedback.byUsers(world, trained, records, users, noise, feedbackSeed)
        : SyntheticFeedback.on(world, trained, records, noise, feedbackSeed);
  }

  /** The subject of user {@code user}'s records: the tenant's one pseudonym per record. */
  private String pseudonym(int user) {
    return noiseModel == FeedbackNoiseModel.USERS ? "p-" + tenant + "-user" + user : "p-" + tenant;
  }

  private long feedbackSeed(int number) {
    return seed * 1000 + number;
  }

  private String eventId(int number, int question, String what) {
    return tenant + "-u" + number + "-q" + question + "-" + what;
  }

  private TrainingExample.Builder example(String eventId, ExampleKind kind) {
    return StreamShards.example(tenant, adapterKey, eventId, kind);
  }

  private TrainingExample.Builder example(String eventId, ExampleKind kind, String subject) {
    return example(eventId, kind).setSubjectPseudonym(subject);
  }

  private String jobId(int number, List<String> digests) {
    return JobIds.jobId(adapterKey, number, JobTrigger.MIN_EXAMPLES.name(), digests);
  }
}
