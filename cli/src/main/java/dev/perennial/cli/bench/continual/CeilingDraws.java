package dev.perennial.cli.bench.continual;

import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.model.world.UpdateStream;
import dev.perennial.model.world.World;
import dev.perennial.schemas.v1.ExampleKind;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How typical a feedback bench's own draw of flipped labels is: the label ceiling of its held-out
 * pairs ({@link FeedbackShards.Ceiling}) over many other draws of the same stream, split and record
 * count (feedback seeds {@code seed + 1 .. seed + draws}), without training. A ceiling far in the
 * tail says the bench's noise fell unusually on the held-out pairs' facts, which every objective's
 * held-out accuracy then shares.
 *
 * @param own the bench's own draw's held-out ceiling
 * @param draws the other draws' held-out ceilings (kept sorted)
 */
public record CeilingDraws(double own, List<Double> draws) {

  public CeilingDraws {
    draws = draws.stream().sorted().toList();
  }

  /** The ceilings of {@code settings}' stream for labels of {@code kind} at {@code noise}. */
  static CeilingDraws of(
      FeedbackBenchmark.Settings settings, ExampleKind kind, double noise, int draws) {
    if (draws < 1) {
      throw new IllegalArgumentException("at least one other draw, not " + draws);
    }
    World world = World.standard();
    UpdateStream stream = settings.stream(world);
    Path folder = ContinualBenchmark.scratchFolder();
    try {
      double own = ceiling(settings, world, stream, folder, settings.seed(), kind, noise);
      List<Double> others = new ArrayList<>();
      for (int k = 1; k <= draws; k++) {
        others.add(ceiling(settings, world, stream, folder, settings.seed() + k, kind, noise));
      }
      return new CeilingDraws(own, others);
    } finally {
      ContinualBenchmark.deleteRecursively(folder);
    }
  }

  private static double ceiling(
      FeedbackBenchmark.Settings settings,
      World world,
      UpdateStream stream,
      Path folder,
      long feedbackSeed,
      ExampleKind kind,
      double noise) {
    FeedbackShards shards =
        settings.shards(
            new LocalArtifactStore(folder.resolve("draw-" + feedbackSeed)),
            world,
            stream,
            feedbackSeed);
    FeedbackShards.Ceiling ceiling = FeedbackShards.Ceiling.NONE;
    for (int update = 1; update <= stream.updates().size(); update++) {
      ceiling = ceiling.plus(shards.ceiling(update, kind, noise));
    }
    return ceiling.heldOutAccuracy();
  }

  double mean() {
    return draws.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }

  /**
   * The {@code q}-quantile of the other draws by nearest rank: the smallest draw with at least a
   * {@code q} share of the draws at or below it (rank {@code ceil(q * n)}, at least the first).
   */
  double quantile(double q) {
    // less a hair: 0.07 * 100 is 7.000000000000001 in doubles, and its rank is 7, not 8
    int rank = (int) Math.ceil(q * draws.size() - 1e-9);
    return draws.get(Math.max(0, Math.min(draws.size(), rank) - 1));
  }

  /** The share of the other draws whose ceiling is at most the bench's own. */
  double shareAtOrBelowOwn() {
    return draws.stream().filter(c -> c <= own + 1e-9).count() / (double) draws.size();
  }

  /** Prints the distribution for every kind the variants train and every noise share above 0. */
  public static void print(FeedbackBenchmark.Settings settings, int draws, PrintWriter out) {
    List<ExampleKind> kinds =
        settings.variants().stream().map(FeedbackVariant::kind).distinct().toList();
    for (ExampleKind kind : kinds) {
      for (double noise : settings.noises()) {
        if (noise == 0) {
          continue;
        }
        CeilingDraws c = of(settings, kind, noise, draws);
        out.printf(
            Locale.ROOT,
            "Label ceiling, %s at noise %.2f, held-out pairs: this draw %.3f; %d other draws mean"
                + " %.3f, 5-50-95 %% %.3f %.3f %.3f; %.1f %% of them at or below this draw%n",
            kind,
            noise,
            c.own(),
            draws,
            c.mean(),
            c.quantile(0.05),
            c.quantile(0.5),
            c.quantile(0.95),
            100 * c.shareAtOrBelowOwn());
        out.flush();
      }
    }
  }
}
