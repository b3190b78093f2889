package dev.perennial.model.bench;

import ai.djl.Device;
import dev.perennial.model.lora.LoraConfig;
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
import dev.perennial.model.train.StepListener;
import dev.perennial.model.train.TokenDistillation;
import dev.perennial.model.train.TrainingExample;
import dev.perennial.model.train.TrainingRecipe;
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
import java.util.List;
import java.util.function.Function;

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
 *       KL distillation, {@link TokenDistillation});
 *   <li>distilled into a fresh adapter on {@code perennial-tiny-deep} (another shape): the old base
 *       with the release answers the tenant's prompts, the student learns those answers and the
 *       data.
 * </ul>
 *
 * Each is measured against the old release on the old base on the same items: exact match on the
 * tenant's facts (one training-phrasing question per fact and every held-out phrasing), the
 * negative-flip rate (items the old release answered right that the rebased one gets wrong) and
 * general exact match on the new base's own general set.
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
   * @param generalQuestions how many of the new base's general questions measure retention
   */
  public record Settings(
      int tenants,
      int tenantScale,
      List<Long> seeds,
      int releaseSteps,
      int fineTuneSteps,
      double klWeight,
      int generalQuestions,
      int threads,
      DeviceChoice device) {

    /** Two tenants of three times the standard size, two seeds. */
    public static Settings defaults() {
      return new Settings(2, 3, List.of(1L, 2L), 120, 60, 1.0, 48, 1, DeviceChoice.CPU);
    }
  }

  /**
   * One rebased adapter's figures against the old release.
   *
   * @param flips items the old release answered right that this adapter gets wrong
   * @param oldRight items the old release answered right
   */
  public record Transfer(
      String method,
      double tenantExactMatch,
      double ratio,
      double negativeFlips,
      double general,
      int flips,
      int oldRight) {}

  /** One tenant in one seed. */
  public record TenantRun(
      long seed,
      String tenant,
      int items,
      double oldExactMatch,
      double oldGeneral,
      Transfer carriedAsIs,
      Transfer carriedFineTuned,
      Transfer carriedTaught,
      Transfer carriedKl,
      Transfer distilled) {}

  /** Every run, and how they add up. */
  public record Report(
      List<TenantRun> runs, String carryOverCompatibility, String deepCompatibility) {

    /** Mean over runs of a transfer's figure. */
    public double mean(Function<TenantRun, Transfer> which, Function<Transfer, Double> figure) {
      return runs.stream().mapToDouble(run -> figure.apply(which.apply(run))).average().orElse(0);
    }

    /** Pooled negative-flip rate: every run's flips over every run's old right answers. */
    public double pooledFlipRate(Function<TenantRun, Transfer> which) {
      int flips = runs.stream().mapToInt(run -> which.apply(run).flips()).sum();
      int right = runs.stream().mapToInt(run -> which.apply(run).oldRight()).sum();
      return right == 0 ? 0 : (double) flips / right;
    }

    /** Pooled ratio: the sum of rebased exact matches over the sum of the old ones. */
    public double pooledRatio(Function<TenantRun, Transfer> which) {
      double old = runs.stream().mapToDouble(TenantRun::oldExactMatch).sum();
      double rebased = runs.stream().mapToDouble(run -> which.apply(run).tenantExactMatch()).sum();
      return old == 0 ? 0 : rebased / old;
    }
  }

  private static final String[] TENANTS = {"acme", "globex", "initech", "umbrella", "hooli"};

  private UpgradeBenchmark() {}

  public static Report run(Settings settings, PrintWriter progress) {
    ModelRuntime.setThreads(settings.threads());
    BaseModel old = BundledBase.PERENNIAL_TINY.open();
    BaseModel next = BundledBase.PERENNIAL_TINY_2.open();
    BaseModel deep = BundledBase.PERENNIAL_TINY_DEEP.open();
    Compatibility nextCompatibility = Compatibility.between(old, next);
    Compatibility deepCompatibility = Compatibility.between(old, deep);
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

    PeftAdapter release =
        train(
            old,
            data,
            null,
            settings.releaseSteps(),
            seed,
            scratch.resolve(tag + "-old"),
            settings);
    boolean[] oldCorrect;
    double oldGeneral;
    List<TrainingExample> taught;
    try (LanguageModel model = LanguageModel.loadAdapter(old, device, release, false)) {
      oldCorrect = exactMatch(model, items).correct();
      oldGeneral = exactMatch(model, general(old, settings)).rate();
      taught = Rebasing.teacherExamples(model, data, Generator.Options.shortAnswers());
    }
    double oldRate = rate(oldCorrect);
    progress.printf(
        "seed %d %-9s release on %s: tenant EM %.3f on %d items, general EM %.3f%n",
        seed, tenant.tenantId(), old.name(), oldRate, items.size(), oldGeneral);
    progress.flush();

    PeftAdapter carried = Rebasing.carryOver(release, old, next);
    Transfer asIs = measure("carried over", next, carried, items, oldCorrect, settings, device);
    PeftAdapter fineTuned =
        train(
            next,
            data,
            carried,
            settings.fineTuneSteps(),
            seed,
            scratch.resolve(tag + "-carried"),
            settings);
    Transfer tuned =
        measure("carried over + fine-tuned", next, fineTuned, items, oldCorrect, settings, device);
    List<TrainingExample> distillation = new ArrayList<>(data);
    distillation.addAll(taught);
    PeftAdapter taughtAdapter =
        train(
            next,
            distillation,
            carried,
            settings.fineTuneSteps(),
            seed,
            scratch.resolve(tag + "-taught"),
            settings);
    Transfer carriedTaught =
        measure(
            "carried + tuned on teacher", next, taughtAdapter, items, oldCorrect, settings, device);

    PeftAdapter klAdapter =
        train(
            next,
            data,
            carried,
            settings.fineTuneSteps(),
            seed,
            scratch.resolve(tag + "-kl"),
            settings,
            new TokenDistillation(old, release, settings.klWeight()));
    Transfer carriedKl =
        measure("carried + tuned, token KL", next, klAdapter, items, oldCorrect, settings, device);

    PeftAdapter distilled =
        train(
            deep,
            distillation,
            null,
            settings.releaseSteps(),
            seed,
            scratch.resolve(tag + "-distilled"),
            settings);
    Transfer student = measure("distilled", deep, distilled, items, oldCorrect, settings, device);
    for (Transfer transfer : List.of(asIs, tuned, carriedTaught, carriedKl, student)) {
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
        asIs,
        tuned,
        carriedTaught,
        carriedKl,
        student);
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

  private static PeftAdapter train(
      BaseModel base,
      List<TrainingExample> data,
      PeftAdapter startFrom,
      int steps,
      long seed,
      Path output,
      Settings settings) {
    return train(base, data, startFrom, steps, seed, output, settings, null);
  }

  private static PeftAdapter train(
      BaseModel base,
      List<TrainingExample> data,
      PeftAdapter startFrom,
      int steps,
      long seed,
      Path output,
      Settings settings,
      TokenDistillation teacher) {
    TrainingRecipe recipe =
        new TrainingRecipe(
            steps, 16, 1, 3e-3, 8, 0.1, 0.0, 1.0, 256, 0.25, seed, settings.threads());
    List<TrainingExample> replay =
        BundledBase.parse(base.name()).generalReplaySet().stream()
            .map(TrainingExample::text)
            .toList();
    LoraTrainingRequest request =
        startFrom == null
            ? LoraTrainingRequest.fresh(base, data, replay, LoraConfig.defaults(), recipe, output)
            : LoraTrainingRequest.continuing(base, data, replay, startFrom, recipe, output);
    if (teacher != null) {
      request = request.distilledFrom(teacher);
    }
    LoraTrainer.run(request.on(settings.device()), StepListener.NONE);
    return PeftAdapter.read(output);
  }

  private static Transfer measure(
      String method,
      BaseModel base,
      PeftAdapter adapter,
      List<QaPair> items,
      boolean[] oldCorrect,
      Settings settings,
      Device device) {
    try (LanguageModel model = LanguageModel.loadAdapter(base, device, adapter, false)) {
      boolean[] correct = exactMatch(model, items).correct();
      int flips = 0;
      int oldRight = 0;
      for (int i = 0; i < correct.length; i++) {
        if (oldCorrect[i]) {
          oldRight++;
          flips += correct[i] ? 0 : 1;
        }
      }
      double old = rate(oldCorrect);
      double now = rate(correct);
      return new Transfer(
          method,
          now,
          old == 0 ? 0 : now / old,
          oldRight == 0 ? 0 : (double) flips / oldRight,
          exactMatch(model, general(base, settings)).rate(),
          flips,
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
