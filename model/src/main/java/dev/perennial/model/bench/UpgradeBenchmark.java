package dev.perennial.model.bench;

import ai.djl.Device;
import dev.perennial.model.lora.LoraMean;
import dev.perennial.model.peft.PeftAdapter;
import dev.perennial.model.rebase.Compatibility;
import dev.perennial.model.rebase.Rebasing;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.model.runtime.DeviceChoice;
import dev.perennial.model.runtime.LanguageModel;
import dev.perennial.model.runtime.ModelRuntime;
import dev.perennial.model.score.ExactMatch;
import dev.perennial.model.score.Generator;
import dev.perennial.model.tiny.BundledBase;
import dev.perennial.model.train.LoraTrainer;
import dev.perennial.model.train.LoraTrainingRequest;
import dev.perennial.model.train.ProgressBar;
import dev.perennial.model.train.TokenDistillation;
import dev.perennial.model.train.TrainingExample;
import dev.perennial.model.world.QaPair;
import dev.perennial.model.world.SampleDocument;
import dev.perennial.model.world.TenantKnowledge;
import dev.perennial.model.world.World;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.function.UnaryOperator;

/**
 * {@code perennial bench upgrade}: tenants' adapters moved from {@code perennial-tiny} to its two
 * successors, by the methods the trainer's REBASE jobs use. Per seed and tenant: a release trained
 * on the old base (the tenant's documents and feedback, general replay), then
 *
 * <ul>
 *   <li>carried over to {@code perennial-tiny-2} (same shapes and tokenizer) as it is, and with the
 *       fine-tuning form (training continues from the carried adapter on the new base), on the data
 *       alone or on the data plus the teacher's answers (the old base with the release answering
 *       every prompt of the data, as in distillation: the fine-tuning should keep what it did), or
 *       on the data while also matching the teacher's next-token distributions on it (token-level
 *       KL distillation, {@link TokenDistillation}), the same weighted up where the teacher is
 *       right (focal distillation), with its weights averaged over the fine-tuning's last steps
 *       ({@code LoraTrainingRequest.averagingTail}), or as the exact mean of two fine-tunings with
 *       different seeds or of three ({@link LoraMean}: damps what each seed's draw did on its own);
 *   <li>distilled into a fresh adapter on {@code perennial-tiny-deep} (another shape): the old base
 *       with the release answers the tenant's prompts, the student learns those answers and the
 *       data;
 *   <li>the churn of training itself, with no base change: the release fine-tuned again on the old
 *       base as the carry-over is on the new one (alone, and as the mean of two seeds), and the
 *       release trained again from scratch with another seed ({@link #OTHER_SEED} added).
 * </ul>
 *
 * Each is measured against the old release on the old base on the same items: exact match on the
 * tenant's facts (one training-phrasing question per fact and every held-out phrasing), the
 * negative-flip rate (items the old release answered right that the rebased one gets wrong) and
 * general exact match on the new base's own general set, beside what each base answers of its own
 * set without an adapter (printed first: the evaluator's retention gate bounds the drop from it).
 */
public final class UpgradeBenchmark {

  /**
   * @param tenants how many tenants (of the standard world) are re-based
   * @param tenantScale how many times a standard tenant's new entities and changed facts each bench
   *     tenant has ({@link World#tenant(String, int)}): more items per tenant, so that one negative
   *     flip weighs less
   * @param seeds one full run per seed (LoRA initialisation, data order, replay picks)
   * @param releaseSteps steps of the release on the old base and of a distilled adapter
   * @param fineTuneSteps steps of the fine-tuning form of carrying over
   * @param klWeight the token-level KL term's weight against the data's own loss (the carried +
   *     token KL variant)
   * @param focalWeight focal distillation's KL weight on every example (the paper's alpha, scaled
   *     to the token KL's weight)
   * @param focalBonus added to {@code focalWeight} on the examples the teacher gets right (beta)
   * @param averagedTail the fraction of the fine-tuning's last steps whose weights the
   *     tail-averaged variant averages
   * @param generalQuestions how many of the new base's general questions measure retention
   * @param methods the methods measured (the old release is always trained and measured)
   * @param recipe how every adapter is trained ({@link AdapterRecipe#FIXED}: the bench's own)
   */
  public record Settings(
      int tenants,
      int tenantScale,
      List<Long> seeds,
      int releaseSteps,
      int fineTuneSteps,
      double klWeight,
      double focalWeight,
      double focalBonus,
      double averagedTail,
      int generalQuestions,
      int threads,
      DeviceChoice device,
      Set<Method> methods,
      AdapterRecipe recipe) {

    public Settings {
      methods = methods.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(methods));
    }

    /** Two tenants of three times the standard size, two seeds, every method. */
    public static Settings defaults() {
      return new Settings(
          2,
          3,
          List.of(1L, 2L),
          120,
          60,
          1.0,
          FOCAL_WEIGHT,
          FOCAL_BONUS,
          0.5,
          48,
          1,
          DeviceChoice.CPU,
          EnumSet.allOf(Method.class),
          AdapterRecipe.FIXED);
    }
  }

  /**
   * What the bench measures against the old release, in the order it prints them: the re-basing
   * methods, then the churn of training itself on the old base (what any retraining flips without a
   * base change).
   */
  public enum Method {
    CARRIED("carried over"),
    FINE_TUNED("carried over + fine-tuned"),
    TAUGHT("carried + tuned on teacher"),
    KL("carried + tuned, token KL"),
    FOCAL("carried + tuned, focal KL"),
    AVERAGED("carried + tuned, tail-avg"),
    MEAN("carried + tuned, 2-seed mean"),
    MEAN_OF_3("carried + tuned, 3-seed mean"),
    DISTILLED("distilled"),
    RETUNED("old base: tuned again"),
    RETUNED_MEAN("old base: tuned, 2-seed mean"),
    RETRAINED("old base: other seed");

    private final String label;

    Method(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }

    /** Whether this measures training's own churn on the old base rather than a re-basing. */
    public boolean churn() {
      return this == RETUNED || this == RETUNED_MEAN || this == RETRAINED;
    }
  }

  /**
   * One rebased adapter's figures against the old release.
   *
   * @param flipped the items (indices into the tenant's questions) the old release answered right
   *     that this adapter gets wrong
   * @param oldRight items the old release answered right
   */
  public record Transfer(
      String method,
      double tenantExactMatch,
      double ratio,
      double general,
      Set<Integer> flipped,
      int oldRight) {

    public Transfer {
      flipped = Set.copyOf(flipped);
    }

    /** Items the old release answered right that this adapter gets wrong. */
    public int flips() {
      return flipped.size();
    }

    /** The negative-flip rate: flips over the old release's right answers. */
    public double negativeFlips() {
      return oldRight == 0 ? 0 : (double) flips() / oldRight;
    }
  }

  /**
   * Two methods' negative flips over the same items, the old release's right answers: flipped by
   * both, by the first only, by the second only. Only the last two tell the methods apart.
   */
  public record FlipPairing(int both, int onlyFirst, int onlySecond, int oldRight) {

    /** The first method's flip rate minus the second's. */
    public double difference() {
      return oldRight == 0 ? 0 : (double) (onlyFirst - onlySecond) / oldRight;
    }
  }

  /** One tenant in one seed: the old release's figures and each measured method's. */
  public record TenantRun(
      long seed,
      String tenant,
      int items,
      double oldExactMatch,
      double oldGeneral,
      Map<Method, Transfer> transfers) {

    public Transfer transfer(Method method) {
      Transfer transfer = transfers.get(method);
      if (transfer == null) {
        throw new IllegalArgumentException(method + " was not measured");
      }
      return transfer;
    }
  }

  /** Every run, and how they add up. */
  public record Report(
      List<TenantRun> runs, String carryOverCompatibility, String deepCompatibility) {

    /** Mean over runs of a method's figure. */
    public double mean(Method method, ToDoubleFunction<Transfer> figure) {
      return runs.stream()
          .mapToDouble(run -> figure.applyAsDouble(run.transfer(method)))
          .average()
          .orElse(0);
    }

    /** Every run's negative flips of a method. */
    public int flips(Method method) {
      return runs.stream().mapToInt(run -> run.transfer(method).flips()).sum();
    }

    /** Every run's items the old release answered right. */
    public int oldRight(Method method) {
      return runs.stream().mapToInt(run -> run.transfer(method).oldRight()).sum();
    }

    /** Pooled negative-flip rate: every run's flips over every run's old right answers. */
    public double pooledFlipRate(Method method) {
      int right = oldRight(method);
      return right == 0 ? 0 : (double) flips(method) / right;
    }

    /**
     * {@code first}'s and {@code second}'s flips paired item by item (both measured against the
     * same old release in every run), pooled over the runs.
     */
    public FlipPairing pairing(Method first, Method second) {
      int both = 0;
      int onlyFirst = 0;
      int onlySecond = 0;
      int oldRight = 0;
      for (TenantRun run : runs) {
        Set<Integer> firstFlipped = run.transfer(first).flipped();
        Set<Integer> secondFlipped = run.transfer(second).flipped();
        int inBoth = (int) firstFlipped.stream().filter(secondFlipped::contains).count();
        both += inBoth;
        onlyFirst += firstFlipped.size() - inBoth;
        onlySecond += secondFlipped.size() - inBoth;
        oldRight += run.transfer(first).oldRight();
      }
      return new FlipPairing(both, onlyFirst, onlySecond, oldRight);
    }

    /** Pooled ratio: the sum of rebased exact matches over the sum of the old ones. */
    public double pooledRatio(Method method) {
      double old = runs.stream().mapToDouble(TenantRun::oldExactMatch).sum();
      double rebased =
          runs.stream().mapToDouble(run -> run.transfer(method).tenantExactMatch()).sum();
      return old == 0 ? 0 : rebased / old;
    }
  }

  /**
   * Focal distillation's defaults: Yan et al. (2021) weigh the distillation term alpha + beta *
   * [the old model is right] with alpha 1, beta 5; scaled so that a wrong example weighs what the
   * token KL's 0.3 gives every example, a right one six times that.
   */
  public static final double FOCAL_WEIGHT = 0.3;

  public static final double FOCAL_BONUS = 1.5;

  /**
   * Added to a run's seed, once or twice, for the other seeds: the release trained again on the old
   * base, and the other members of a mean.
   */
  static final long OTHER_SEED = 1000;

  private static final String[] TENANTS = {"acme", "globex", "initech", "umbrella", "hooli"};

  private UpgradeBenchmark() {}

  public static Report run(Settings settings, PrintWriter progress) {
    ModelRuntime.setThreads(settings.threads());
    BaseModel old = BundledBase.PERENNIAL_TINY.open();
    BaseModel next = BundledBase.PERENNIAL_TINY_2.open();
    BaseModel deep = BundledBase.PERENNIAL_TINY_DEEP.open();
    Compatibility nextCompatibility = Compatibility.between(old, next);
    Compatibility deepCompatibility = Compatibility.between(old, deep);
    for (BaseModel base : List.of(old, next, deep)) {
      progress.printf(
          "%s on its own: general EM %.3f%n", base.name(), ownGeneralMatch(base, settings));
    }
    World world = World.standard();
    List<TenantRun> runs = new ArrayList<>();
    Path scratch = scratchFolder();
    for (long seed : settings.seeds()) {
      for (int t = 0; t < settings.tenants(); t++) {
        TenantKnowledge tenant = world.tenant(TENANTS[t % TENANTS.length], settings.tenantScale());
        runs.add(runTenant(settings, seed, tenant, old, next, deep, scratch, progress));
      }
    }
    return new Report(runs, nextCompatibility.toString(), deepCompatibility.toString());
  }

  private static TenantRun runTenant(
      Settings settings,
      long seed,
      TenantKnowledge tenant,
      BaseModel old,
      BaseModel next,
      BaseModel deep,
      Path scratch,
      PrintWriter progress) {
    List<TrainingExample> data = data(tenant);
    List<QaPair> items = items(tenant);
    String tag = tenant.tenantId() + "-" + seed;
    Device device = ModelRuntime.device(settings.device());

    Training training = new Training(settings, seed, scratch, tag, progress);
    PeftAdapter release = training.run(old, data, null, settings.releaseSteps(), "-old");
    boolean[] oldCorrect;
    double oldGeneral;
    List<TrainingExample> taught;
    try (LanguageModel model = LanguageModel.loadAdapter(old, device, release, false)) {
      oldCorrect = exactMatch(model, items).correct();
      oldGeneral = exactMatch(model, general(old, settings)).rate();
      taught =
          settings.methods().contains(Method.TAUGHT)
                  || settings.methods().contains(Method.DISTILLED)
              ? Rebasing.teacherExamples(model, data, Generator.Options.shortAnswers())
              : List.of();
    }
    double oldRate = rate(oldCorrect);
    progress.printf(
        "seed %d %-9s release on %s: tenant EM %.3f on %d items, general EM %.3f%n",
        seed, tenant.tenantId(), old.name(), oldRate, items.size(), oldGeneral);
    progress.flush();

    Map<Method, Transfer> transfers = new EnumMap<>(Method.class);
    Measuring measuring = new Measuring(settings, items, oldCorrect, transfers);
    PeftAdapter carried = Rebasing.carryOver(release, old, next);
    List<TrainingExample> distillation = new ArrayList<>(data);
    distillation.addAll(taught);
    int fineTune = settings.fineTuneSteps();
    Training otherSeed = new Training(settings, seed + OTHER_SEED, scratch, tag, progress);
    Supplier<PeftAdapter> fineTuned =
        once(() -> training.run(next, data, carried, fineTune, "-carried"));
    measuring.measure(Method.CARRIED, next, () -> carried);
    measuring.measure(Method.FINE_TUNED, next, fineTuned);
    measuring.measure(
        Method.TAUGHT, next, () -> training.run(next, distillation, carried, fineTune, "-taught"));
    measuring.measure(
        Method.KL,
        next,
        () ->
            training.run(
                next,
                data,
                carried,
                fineTune,
                "-kl",
                r -> r.distilledFrom(new TokenDistillation(old, release, settings.klWeight()))));
    measuring.measure(
        Method.FOCAL,
        next,
        () ->
            training.run(
                next,
                data,
                carried,
                fineTune,
                "-focal",
                r ->
                    r.distilledFrom(
                        new TokenDistillation(
                            old, release, settings.focalWeight(), settings.focalBonus()))));
    measuring.measure(
        Method.AVERAGED,
        next,
        () ->
            training.run(
                next,
                data,
                carried,
                fineTune,
                "-averaged",
                r -> r.averagingTail(settings.averagedTail())));
    Supplier<PeftAdapter> fineTunedOtherSeed =
        once(() -> otherSeed.run(next, data, carried, fineTune, "-carried-other"));
    measuring.measure(
        Method.MEAN, next, () -> mean(List.of(fineTuned.get(), fineTunedOtherSeed.get())));
    measuring.measure(
        Method.MEAN_OF_3,
        next,
        () ->
            mean(
                List.of(
                    fineTuned.get(),
                    fineTunedOtherSeed.get(),
                    new Training(settings, seed + 2 * OTHER_SEED, scratch, tag, progress)
                        .run(next, data, carried, fineTune, "-carried-third"))));
    measuring.measure(
        Method.DISTILLED,
        deep,
        () -> training.run(deep, distillation, null, settings.releaseSteps(), "-distilled"));
    // the churn of training itself: the same fine-tuning on the old base, and the release trained
    // again with another seed (same data and steps), against the release on the same items
    Supplier<PeftAdapter> retuned =
        once(() -> training.run(old, data, release, fineTune, "-retuned"));
    measuring.measure(Method.RETUNED, old, retuned);
    measuring.measure(
        Method.RETUNED_MEAN,
        old,
        () ->
            mean(
                List.of(
                    retuned.get(), otherSeed.run(old, data, release, fineTune, "-retuned-other"))));
    measuring.measure(
        Method.RETRAINED,
        old,
        () -> otherSeed.run(old, data, null, settings.releaseSteps(), "-retrained"));
    for (Transfer transfer : transfers.values()) {
      progress.printf(
          "seed %d %-9s %-26s tenant EM %.3f (%.2fx), negative flips %.3f (%d of %d), general EM"
              + " %.3f%n",
          seed,
          tenant.tenantId(),
          transfer.method(),
          transfer.tenantExactMatch(),
          transfer.ratio(),
          transfer.negativeFlips(),
          transfer.flips(),
          transfer.oldRight(),
          transfer.general());
    }
    progress.flush();
    return new TenantRun(
        seed,
        tenant.tenantId(),
        items.size(),
        oldRate,
        oldGeneral,
        Collections.unmodifiableMap(transfers));
  }

  /** The exact mean of adapters of one base (its rank: theirs times how many). */
  private static PeftAdapter mean(List<PeftAdapter> members) {
    PeftAdapter first = members.get(0);
    return new PeftAdapter(
        LoraMean.of(members.stream().map(PeftAdapter::weights).toList()),
        first.baseModelName(),
        first.baseModelDigest());
  }

  /** {@code supplier}'s value, computed on the first call only (shared by two methods). */
  private static <T> Supplier<T> once(Supplier<T> supplier) {
    List<T> value = new ArrayList<>(1);
    return () -> {
      if (value.isEmpty()) {
        value.add(supplier.get());
      }
      return value.get(0);
    };
  }

  /** The tenant's documents and feedback: what a key's retained data holds. */
  static List<TrainingExample> data(TenantKnowledge tenant) {
    List<TrainingExample> data = new ArrayList<>();
    for (SampleDocument document : tenant.documents()) {
      data.add(TrainingExample.text(document.text()));
    }
    for (QaPair pair : tenant.feedback()) {
      data.add(TrainingExample.completion(pair.prompt(), pair.completion()));
    }
    return data;
  }

  /** One training-phrasing question per fact, then every held-out phrasing. */
  static List<QaPair> items(TenantKnowledge tenant) {
    List<QaPair> items = new ArrayList<>();
    int phrasings = tenant.feedback().size() / tenant.facts().size();
    for (int f = 0; f < tenant.facts().size(); f++) {
      items.add(tenant.feedback().get(phrasings * f));
    }
    items.addAll(tenant.heldOutQuestions());
    return items;
  }

  /** The base's own exact match on its general questions, from which an adapter's drops. */
  private static double ownGeneralMatch(BaseModel base, Settings settings) {
    try (LanguageModel model = LanguageModel.load(base, ModelRuntime.device(settings.device()))) {
      return exactMatch(model, general(base, settings)).rate();
    }
  }

  private static List<QaPair> general(BaseModel base, Settings settings) {
    BundledBase bundled = BundledBase.parse(base.name());
    List<QaPair> questions = new ArrayList<>();
    bundled.generalEvaluationSet().stream()
        .limit(settings.generalQuestions())
        .forEach(
            line ->
                questions.add(
                    new QaPair(
                        line.get("question").asText(), line.get("answer").asText(), null, false)));
    return questions;
  }

  /**
   * One tenant's training runs in one seed, each written to its own scratch folder and shown on
   * {@code progress} at each quarter of its steps.
   */
  private record Training(
      Settings settings, long seed, Path scratch, String tag, PrintWriter progress) {

    PeftAdapter run(
        BaseModel base,
        List<TrainingExample> data,
        PeftAdapter startFrom,
        int steps,
        String suffix) {
      return run(base, data, startFrom, steps, suffix, request -> request);
    }

    /**
     * Trains on {@code data} plus {@code base}'s general replay, from {@code startFrom} (null: a
     * fresh adapter), the request shaped by {@code variant} (distillation, tail averaging).
     */
    PeftAdapter run(
        BaseModel base,
        List<TrainingExample> data,
        PeftAdapter startFrom,
        int steps,
        String suffix,
        UnaryOperator<LoraTrainingRequest> variant) {
      List<TrainingExample> replay =
          BundledBase.parse(base.name()).generalReplaySet().stream()
              .map(TrainingExample::text)
              .toList();
      Path output = scratch.resolve(tag + suffix);
      LoraTrainingRequest request =
          settings
              .recipe()
              .request(base, data, replay, startFrom, steps, seed, settings.threads(), output);
      LoraTrainer.run(
          variant.apply(request).on(settings.device()),
          new ProgressBar(progress, tag + suffix, Math.max(1, steps / 4)));
      return PeftAdapter.read(output);
    }
  }

  /** Measures the methods the settings name, each against the old release on one tenant's items. */
  private record Measuring(
      Settings settings,
      List<QaPair> items,
      boolean[] oldCorrect,
      Map<Method, Transfer> transfers) {

    /**
     * Trains (by {@code adapter}) and measures {@code method} on {@code base} if it is asked for.
     */
    void measure(Method method, BaseModel base, Supplier<PeftAdapter> adapter) {
      if (settings.methods().contains(method)) {
        transfers.put(
            method,
            UpgradeBenchmark.measure(method, base, adapter.get(), items, oldCorrect, settings));
      }
    }
  }

  private static Transfer measure(
      Method method,
      BaseModel base,
      PeftAdapter adapter,
      List<QaPair> items,
      boolean[] oldCorrect,
      Settings settings) {
    Device device = ModelRuntime.device(settings.device());
    try (LanguageModel model = LanguageModel.loadAdapter(base, device, adapter, false)) {
      boolean[] correct = exactMatch(model, items).correct();
      Set<Integer> flipped = new HashSet<>();
      int oldRight = 0;
      for (int i = 0; i < correct.length; i++) {
        if (oldCorrect[i]) {
          oldRight++;
          if (!correct[i]) {
            flipped.add(i);
          }
        }
      }
      double old = rate(oldCorrect);
      double now = rate(correct);
      return new Transfer(
          method.label(),
          now,
          old == 0 ? 0 : now / old,
          exactMatch(model, general(base, settings)).rate(),
          flipped,
          oldRight);
    }
  }

  private static ExactMatch exactMatch(LanguageModel model, List<QaPair> questions) {
    return ExactMatch.evaluate(
        model,
        questions.stream().map(QaPair::prompt).toList(),
        questions.stream().map(QaPair::answer).toList(),
        Generator.Options.shortAnswers());
  }

  private static double rate(boolean[] correct) {
    int hits = 0;
    for (boolean c : correct) {
      hits += c ? 1 : 0;
    }
    return correct.length == 0 ? 0 : (double) hits / correct.length;
  }

  private static Path scratchFolder() {
    try {
      Path folder = Files.createTempDirectory("perennial-bench-upgrade-");
      folder.toFile().deleteOnExit();
      return folder;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
