package dev.perennial.cli.bench.continual;

import static dev.perennial.cli.bench.continual.ContinualReport.f;
import static dev.perennial.cli.bench.continual.ContinualReport.signed;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.core.PerennialException;
import dev.perennial.trainer.worker.JobRecipe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What {@code perennial bench feedback} measured: every objective at every share of flipped labels,
 * side by side, checked against the goals of issue 14 (learning from feedback that can be trusted).
 *
 * @param generalQuestions questions of the general set asked (those about facts no update changes)
 * @param scoringThreads the intra-op thread count every row was scored at
 */
public record FeedbackReport(
    FeedbackBenchmark.Settings settings,
    String base,
    JobRecipe recipe,
    int generalQuestions,
    List<FeedbackRun> runs,
    double seconds,
    int scoringThreads) {

  public static final String JSON = "feedback.json";

  static final double GOAL_PREFERENCE_ACCURACY = 0.9;
  static final double GOAL_PREFERRED_EM = 0.8;
  static final double GOAL_GENERAL_DROP = 0.02;

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public FeedbackReport {
    runs = List.copyOf(runs);
  }

  /** The run of {@code variant} at {@code noise}, if it ran. */
  Optional<FeedbackRun> run(FeedbackVariant variant, double noise) {
    return runs.stream().filter(r -> r.variant() == variant && r.noise() == noise).findFirst();
  }

  /** The console table: every run side by side, then the goals. */
  public List<String> lines() {
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "perennial bench feedback: %d feedback-only update(s), seed %d, base %s, %d general"
                + " questions, %d held-out pairs, %d record(s) a trained question, label smoothing"
                + " %.2f; %.0f s",
            settings.updates(),
            settings.seed(),
            base,
            generalQuestions,
            runs.isEmpty() ? 0 : (int) (double) runs.get(0).last().suite().get("feedback.pairs"),
            settings.recordsPerQuestion(),
            settings.labelSmoothing(),
            seconds));
    lines.add(
        String.format(
            Locale.ROOT,
            "%-12s %5s %9s %6s %11s %6s %6s %6s %6s %6s %6s %7s %7s %7s %7s %6s %6s %7s",
            "variant",
            "noise",
            "flipped",
            "pref",
            "pref 95%",
            "ceil",
            "pref-p",
            "ceil-p",
            "EM",
            "EM-ho",
            "gen.EM",
            "g.drop",
            "d.chos",
            "d.rej",
            "margin",
            "drift",
            "steps",
            "train s"));
    for (FeedbackRun run : runs) {
      lines.add(
          String.format(
              Locale.ROOT,
              "%-12s %5.2f %9s %6s %11s %6s %6s %6s %6s %6s %6s %7s %7s %7s %7s %6s %6d %7.0f",
              run.variant().label(),
              run.noise(),
              run.flippedItems() + "/" + run.trainedItems(),
              f(run.preferenceAccuracy()),
              interval(run.preferenceAccuracyLower(), run.preferenceAccuracyUpper()),
              f(run.ceiling().heldOutAccuracy()),
              f(run.phrasingAccuracy()),
              f(run.ceiling().phrasingAccuracy()),
              f(run.preferredExactMatch()),
              f(run.preferredExactMatchHeldOut()),
              f(run.generalExactMatch()),
              signed(run.generalDrop()),
              signed(run.chosenLossChange()),
              signed(run.rejectedLossChange()),
              signed(run.marginMean()),
              f(run.drift()),
              run.steps(),
              run.trainingSeconds()));
    }
    lines.add(
        "pref: held-out preference accuracy (true pairs the trainer never saw, implicit reward"
            + " chosen > rejected against the reference); pref 95%: its interval as the"
            + " evaluator's feedback.accuracy gate decides on it (Wilson's score interval); ceil: the label ceiling, what a"
            + " learner reading only the training labels ranks right in expectation (a held-out"
            + " pair is right where its fact's other phrasings' records are mostly true, a coin"
            + " at a tie); pref-p (ceil-p): the same on every taught fact asked in its held-out"
            + " phrasing; EM (EM-ho): greedy answers on the preferred facts in"
            + " trained (held-out) phrasings; g.drop: the base's general EM minus the adapter's;"
            + " d.chos / d.rej: mean loss (nats) of the held-out pairs' chosen / rejected answers"
            + " minus the reference's; margin: mean implicit reward margin (beta 0.1); drift:"
            + " general-set argmax tokens unlike the reference's.");
    if (settings.noiseModel() == FeedbackNoiseModel.USERS) {
      lines.add(
          String.format(
              Locale.ROOT,
              "Noise by user: %d users, the noise share of them always wrong, each question's %d"
                  + " records from distinct users. Rater guard (known truth):",
              settings.users(),
              settings.recordsPerQuestion()));
      for (FeedbackRun run : runs) {
        FeedbackShards.GuardCheck guard = run.guard();
        lines.add(
            String.format(
                Locale.ROOT,
                "  %-12s %5.2f  %d subjects compared, %d set aside (%d of the %d noisy users),"
                    + " %d feedback examples set aside; label ceiling of the kept labels %s"
                    + " (held-out phrasing %s)",
                run.variant().label(),
                run.noise(),
                guard.compared(),
                guard.setAside(),
                guard.noisySetAside(),
                guard.noisy(),
                guard.examplesSetAside(),
                f(guard.kept().heldOutAccuracy()),
                f(guard.kept().phrasingAccuracy())));
      }
    }
    if (runs.stream().anyMatch(run -> run.guard().examplesOutvoted() > 0)) {
      lines.add("Rater guard's majority vote (known truth):");
      for (FeedbackRun run : runs) {
        FeedbackShards.GuardCheck guard = run.guard();
        lines.add(
            String.format(
                Locale.ROOT,
                "  %-12s %5.2f  %d feedback examples outvoted (the jobs' and their replays');"
                    + " flipped labels that still trained %d of %d",
                run.variant().label(),
                run.noise(),
                guard.examplesOutvoted(),
                guard.flippedTrained(),
                run.flippedItems()));
      }
    }
    lines.add("");
    lines.addAll(goals());
    return lines;
  }

  /** Issue 14's bench goals, each objective that ran at the lowest noise share, then the noise. */
  List<String> goals() {
    List<String> lines = new ArrayList<>();
    double clean = runs.stream().mapToDouble(FeedbackRun::noise).min().orElse(0);
    double noisiest = runs.stream().mapToDouble(FeedbackRun::noise).max().orElse(0);
    lines.add(String.format(Locale.ROOT, "Goals at noise %.2f:", clean));
    for (FeedbackVariant variant : settings.variants()) {
      Optional<FeedbackRun> ran = run(variant, clean);
      if (ran.isEmpty()) {
        continue;
      }
      FeedbackRun run = ran.get();
      lines.add(
          String.format(
              Locale.ROOT,
              "  %-12s preference accuracy %s (95%% %s) >= %.2f %s, preferred EM %s >= %.2f %s,"
                  + " general drop %s <= %.2f %s",
              variant.label(),
              f(run.preferenceAccuracy()),
              interval(run.preferenceAccuracyLower(), run.preferenceAccuracyUpper()),
              GOAL_PREFERENCE_ACCURACY,
              met(run.preferenceAccuracy() >= GOAL_PREFERENCE_ACCURACY),
              f(run.preferredExactMatch()),
              GOAL_PREFERRED_EM,
              met(run.preferredExactMatch() >= GOAL_PREFERRED_EM),
              signed(run.generalDrop()),
              GOAL_GENERAL_DROP,
              met(run.generalDrop() <= GOAL_GENERAL_DROP)));
    }
    Optional<FeedbackRun> sft = run(FeedbackVariant.SFT, clean);
    for (FeedbackVariant variant : List.of(FeedbackVariant.DPO, FeedbackVariant.KTO)) {
      Optional<FeedbackRun> run = run(variant, clean);
      if (sft.isPresent() && run.isPresent()) {
        double ours = run.get().preferenceAccuracy();
        double theirs = sft.get().preferenceAccuracy();
        lines.add(
            String.format(
                Locale.ROOT,
                "  %s beats SFT on chosen on preference accuracy: %s > %s %s",
                variant.label(),
                f(ours),
                f(theirs),
                met(ours > theirs)));
      }
    }
    Optional<FeedbackRun> dpoClean = run(FeedbackVariant.DPO, clean);
    Optional<FeedbackRun> dpoNoisy = run(FeedbackVariant.DPO, noisiest);
    for (FeedbackVariant variant :
        List.of(FeedbackVariant.ROBUST, FeedbackVariant.CONSERVATIVE, FeedbackVariant.SMALL_LOSS)) {
      Optional<FeedbackRun> variantClean = run(variant, clean);
      Optional<FeedbackRun> variantNoisy = run(variant, noisiest);
      if (noisiest > clean
          && dpoClean.isPresent()
          && dpoNoisy.isPresent()
          && variantClean.isPresent()
          && variantNoisy.isPresent()) {
        double dpo = degradation(dpoClean.get(), dpoNoisy.get());
        double ours = degradation(variantClean.get(), variantNoisy.get());
        lines.add(
            String.format(
                Locale.ROOT,
                "  at noise %.2f %s degrades less than DPO (preference accuracy lost): %s < %s %s;"
                    + " label ceiling %s",
                noisiest,
                variant.label(),
                signed(ours),
                signed(dpo),
                met(ours < dpo),
                f(variantNoisy.get().ceiling().heldOutAccuracy())));
      }
    }
    return lines;
  }

  /** Preference accuracy lost from the clean run to the noisy one. */
  static double degradation(FeedbackRun clean, FeedbackRun noisy) {
    return clean.preferenceAccuracy() - noisy.preferenceAccuracy();
  }

  private static String met(boolean met) {
    return met ? "met" : "MISSED";
  }

  /** One line per measured row while the benchmark runs: the figures of the table's row. */
  static String progressLine(String label, Row row, Row base, double phrasingAccuracy) {
    return String.format(
        Locale.ROOT,
        "%s: %d steps, held-out preference accuracy %s (95%% %s; held-out phrasing %s), EM on its"
            + " facts %s"
            + " (held-out phrasing %s), general EM %s (drop %s), chosen loss %s, rejected loss %s"
            + " against the reference, margin %s, drift %s, evaluated in %.1f s",
        label,
        row.training().steps(),
        f(metric(row, "feedback.accuracy")),
        interval(metric(row, RowMeasurer.ACCURACY_LOWER), metric(row, RowMeasurer.ACCURACY_UPPER)),
        f(phrasingAccuracy),
        f(row.emTrained()[row.update()]),
        f(row.emHeldOut()[row.update()]),
        f(row.generalExactMatch()),
        signed(base.generalExactMatch() - row.generalExactMatch()),
        signed(metric(row, "feedback.chosen.loss") - metric(row, "feedback.chosen.loss.reference")),
        signed(
            metric(row, "feedback.rejected.loss")
                - metric(row, "feedback.rejected.loss.reference")),
        signed(metric(row, "feedback.margin.mean")),
        f(metric(row, "feedback.drift")),
        row.evaluationSeconds());
  }

  /** An interval's bounds as {@code 0.69-1.00}. */
  private static String interval(double lower, double upper) {
    return Double.isNaN(lower) || Double.isNaN(upper)
        ? "-"
        : String.format(Locale.ROOT, "%.2f-%.2f", lower, upper);
  }

  static double metric(Row row, String name) {
    Double value = row.suite().get(name);
    return value == null ? Double.NaN : value;
  }

  /** Writes {@value #JSON} into {@code folder} (created); returns it. */
  public Path write(Path folder) {
    try {
      Files.createDirectories(folder);
      Path file = folder.resolve(JSON);
      Files.writeString(file, json(), StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new PerennialException("Cannot write the report to " + folder + ": " + e, e);
    }
  }

  String json() throws IOException {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", "perennial.bench.feedback/v1");
    ObjectNode s = root.putObject("settings");
    s.put("updates", settings.updates());
    s.put("seed", settings.seed());
    s.put("newEntitiesPerUpdate", settings.shape().newEntities());
    s.put("generalChangesPerUpdate", settings.shape().generalChanges());
    s.put("labelSmoothing", settings.labelSmoothing());
    s.put("heldOutFraction", settings.heldOutFraction());
    s.put("recordsPerQuestion", settings.recordsPerQuestion());
    s.put("noiseModel", settings.noiseModel().label());
    s.put("users", settings.users());
    ArrayNode variants = s.putArray("variants");
    settings.variants().forEach(v -> variants.add(v.label()));
    ArrayNode noises = s.putArray("noises");
    settings.noises().forEach(noises::add);
    root.put("base", base);
    root.put("generalQuestions", generalQuestions);
    root.put("seconds", seconds);
    ObjectNode r = root.putObject("recipe");
    r.put("epochs", recipe.epochs());
    r.put("learningRate", recipe.model().learningRate());
    r.put("replayFraction", recipe.model().replayFraction());
    r.put("loraRank", recipe.freshLora().rank());
    // the figures are deterministic for the recipe's seed and CPU thread count
    r.put("seed", recipe.model().seed());
    r.put("threads", recipe.model().threads());
    root.put("scoringThreads", scoringThreads);
    ArrayNode all = root.putArray("runs");
    for (FeedbackRun run : runs) {
      ObjectNode node = all.addObject();
      node.put("variant", run.variant().label());
      node.put("noise", run.noise());
      node.put("trainedItems", run.trainedItems());
      node.put("flippedItems", run.flippedItems());
      node.put("preferenceAccuracy", run.preferenceAccuracy());
      node.put("preferenceAccuracyLower", run.preferenceAccuracyLower());
      node.put("preferenceAccuracyUpper", run.preferenceAccuracyUpper());
      node.put("heldOutPairs", run.ceiling().heldOutPairs());
      node.put("labelCeiling", run.ceiling().heldOutAccuracy());
      node.put("heldOutPhrasingPreferenceAccuracy", run.phrasingAccuracy());
      node.put("heldOutPhrasingLabelCeiling", run.ceiling().phrasingAccuracy());
      node.put("preferredExactMatch", run.preferredExactMatch());
      node.put("preferredExactMatchHeldOut", run.preferredExactMatchHeldOut());
      node.put("generalExactMatch", run.generalExactMatch());
      node.put("generalDrop", run.generalDrop());
      node.put("chosenLossChange", run.chosenLossChange());
      node.put("rejectedLossChange", run.rejectedLossChange());
      node.put("marginMean", run.marginMean());
      node.put("drift", run.drift());
      node.put("raterGuardSubjectsCompared", run.guard().compared());
      node.put("raterGuardSubjectsSetAside", run.guard().setAside());
      node.put("raterGuardNoisySetAside", run.guard().noisySetAside());
      node.put("noisyUsers", run.guard().noisy());
      node.put("raterGuardExamplesSetAside", run.guard().examplesSetAside());
      node.put("raterGuardExamplesOutvoted", run.guard().examplesOutvoted());
      node.put("flippedLabelsTrained", run.guard().flippedTrained());
      node.put("keptLabelCeiling", run.guard().kept().heldOutAccuracy());
      node.put("keptHeldOutPhrasingLabelCeiling", run.guard().kept().phrasingAccuracy());
      node.put("steps", run.steps());
      node.put("trainingSeconds", run.trainingSeconds());
      ObjectNode metrics = node.putObject("lastUpdateMetrics");
      run.last().suite().forEach(metrics::put);
    }
    ArrayNode goals = root.putArray("goals");
    goals().forEach(goals::add);
    return MAPPER.writeValueAsString(root);
  }
}
