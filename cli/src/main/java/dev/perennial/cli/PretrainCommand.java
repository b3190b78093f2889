package dev.perennial.cli;

import dev.perennial.model.runtime.DeviceChoice;
import dev.perennial.model.tiny.PretrainResult;
import dev.perennial.model.tiny.PretrainSettings;
import dev.perennial.model.tiny.Pretrainer;
import dev.perennial.model.tiny.TinyModel;
import dev.perennial.model.train.ProgressBar;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code perennial pretrain}: makes the bundled base {@code perennial-tiny} again from its seeds.
 * On CPU with the recorded thread count the digest equals the bundled one.
 */
@Command(
    name = "pretrain",
    mixinStandardHelpOptions = true,
    description = {
      "Pretrains the bundled base perennial-tiny from its seeds on the synthetic world's general"
          + " corpus and writes a model folder (config.json, model.safetensors, tokenizer, general"
          + " evaluation and replay sets, pretraining.json).",
      "With the default settings on CPU the weights' digest equals the bundled model's (about 20"
          + " minutes on two cores)."
    })
public final class PretrainCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--output",
      paramLabel = "DIR",
      defaultValue = "perennial-tiny",
      description = "Model folder to write (default: ${DEFAULT-VALUE}).")
  Path output;

  @Option(
      names = "--steps",
      paramLabel = "N",
      description = "Optimizer steps instead of the recorded ones (a different model).")
  Integer steps;

  @Option(
      names = "--device",
      paramLabel = "DEVICE",
      defaultValue = "cpu",
      description = "cpu, gpu or auto (default: ${DEFAULT-VALUE}; only CPU reproduces the digest).")
  String device;

  @Option(names = "--no-eval", description = "Skip the general exact-match evaluation at the end.")
  boolean skipEvaluation;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PretrainSettings settings = TinyModel.settings();
    if (steps != null) {
      settings = settings.withSteps(steps);
    }
    DeviceChoice choice = DeviceChoice.parse(device);
    out.printf(
        Locale.ROOT,
        "Pretraining %s: %d steps of %d x %d tokens, %d threads, into %s%n",
        TinyModel.NAME,
        settings.recipe().steps(),
        settings.rows(),
        settings.recipe().maxSequenceLength(),
        settings.recipe().threads(),
        output.toAbsolutePath());
    out.flush();
    PretrainResult result =
        Pretrainer.run(
            settings, output, choice, !skipEvaluation, new ProgressBar(out, "pretrain", 10));
    out.printf(Locale.ROOT, "parameters         %,d%n", result.parameters());
    out.printf(
        Locale.ROOT, "tokens             %,d (%d epochs)%n", result.tokens(), result.epochs());
    out.printf(Locale.ROOT, "training time      %.1f min%n", result.seconds() / 60);
    out.printf(
        Locale.ROOT, "final loss         %.4f (mean of the last 50 steps)%n", result.finalLoss());
    if (!skipEvaluation) {
      out.printf(Locale.ROOT, "general exact match %.1f%%%n", 100 * result.generalExactMatch());
    }
    out.printf("digest             %s%n", result.digest());
    String bundled = bundledDigest();
    if (steps == null && bundled != null) {
      out.println(
          result.digest().equals(bundled)
              ? "matches the bundled " + TinyModel.NAME
              : "differs from the bundled " + TinyModel.NAME + " (" + bundled + ")");
    }
    out.flush();
    return 0;
  }

  private static String bundledDigest() {
    try {
      return TinyModel.digest();
    } catch (RuntimeException e) {
      return null;
    }
  }
}
