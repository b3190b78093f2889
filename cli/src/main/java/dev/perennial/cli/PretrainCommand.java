package dev.perennial.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.model.runtime.DeviceChoice;
import dev.perennial.model.runtime.EngineSetup;
import dev.perennial.model.tiny.BundledBase;
import dev.perennial.model.tiny.PretrainResult;
import dev.perennial.model.tiny.PretrainSettings;
import dev.perennial.model.tiny.Pretrainer;
import dev.perennial.model.train.ProgressBar;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code perennial pretrain}: makes a bundled base ({@code perennial-tiny} or one of its
 * successors) again from its seeds. On CPU with the recorded thread count the digest equals the
 * bundled one.
 */
@Command(
    name = "pretrain",
    mixinStandardHelpOptions = true,
    description = {
      "Pretrains a bundled base (perennial-tiny, or its successors perennial-tiny-2 and"
          + " perennial-tiny-deep) from its seeds on the synthetic world's general corpus and"
          + " writes a model folder (config.json, model.safetensors, tokenizer, general evaluation"
          + " and replay sets, pretraining.json).",
      "With the default settings on CPU the weights' digest equals the bundled model's (about 10"
          + " minutes on two cores for perennial-tiny)."
    })
public final class PretrainCommand extends ConsoleCommand {

  @Option(
      names = "--base",
      paramLabel = "NAME",
      defaultValue = "perennial-tiny",
      description =
          "Which bundled base: perennial-tiny, perennial-tiny-2 (pretrained further on the"
              + " world's next epoch) or perennial-tiny-deep (another shape); default:"
              + " ${DEFAULT-VALUE}.")
  String base;

  @Option(
      names = "--output",
      paramLabel = "DIR",
      description = "Model folder to write (default: the base's name).")
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
  int run(PrintWriter out) {
    BundledBase bundled = BundledBase.parse(base);
    PretrainSettings settings = bundled.settings();
    Path folder = output == null ? Path.of(bundled.modelName()) : output;
    if (steps != null) {
      settings = settings.withSteps(steps);
    }
    DeviceChoice choice = DeviceChoice.parse(device);
    out.printf(
        Locale.ROOT,
        "Pretraining %s: %d steps of %d x %d tokens, %d threads, into %s%n",
        bundled.modelName(),
        settings.recipe().steps(),
        settings.rows(),
        settings.recipe().maxSequenceLength(),
        settings.recipe().threads(),
        folder.toAbsolutePath());
    String kernels = EngineSetup.current().atenCpuCapability();
    if (steps == null && !kernels.equals(BundledBase.ATEN_CPU_CAPABILITY)) {
      out.printf(
          Locale.ROOT,
          "note: this process runs ATen's %s kernels; perennial-tiny-2's bundled weights were"
              + " computed with its %s ones, and other kernels give other bits (the perennial"
              + " script sets ATEN_CPU_CAPABILITY=%s for pretrain unless it is set; model/README.md,"
              + " perennial-tiny)%n",
          kernels,
          BundledBase.ATEN_CPU_CAPABILITY,
          BundledBase.ATEN_CPU_CAPABILITY);
    }
    out.flush();
    PretrainResult result =
        Pretrainer.run(
            settings, folder, choice, !skipEvaluation, new ProgressBar(out, "pretrain", 10));
    out.printf(Locale.ROOT, "parameters         %,d%n", result.parameters());
    out.printf(
        Locale.ROOT, "tokens             %,d (%d epochs)%n", result.tokens(), result.epochs());
    out.printf(Locale.ROOT, "training time      %.1f min%n", result.seconds() / 60);
    out.printf(
        Locale.ROOT, "final loss         %.4f (mean of the last 50 steps)%n", result.finalLoss());
    if (!skipEvaluation) {
      out.printf(Locale.ROOT, "general exact match %.1f%%%n", 100 * result.generalExactMatch());
    }
    EngineSetup engine = result.engine();
    out.printf(
        Locale.ROOT,
        "engine             PyTorch %s (%s), DJL %s, %d intra-op / %d inter-op threads, ATen %s"
            + " kernels%n",
        engine.pytorchVersion(),
        engine.nativeLibrary(),
        engine.djlVersion(),
        engine.intraOpThreads(),
        engine.interOpThreads(),
        engine.atenCpuCapability());
    out.printf(
        Locale.ROOT,
        "cpu                %s, %s (%s)%n",
        engine.cpuVendor(),
        engine.cpuModel(),
        String.join(" ", engine.cpuFlags()));
    engine.environment().entrySet().stream()
        .filter(variable -> variable.getValue() != null)
        .forEach(
            variable ->
                out.printf(
                    Locale.ROOT,
                    "environment        %s=%s%n",
                    variable.getKey(),
                    variable.getValue()));
    out.printf("digest             %s%n", result.digest());
    String recorded = bundledDigest(bundled);
    if (steps == null && recorded != null) {
      if (result.digest().equals(recorded)) {
        out.println("matches the bundled " + bundled.modelName());
      } else {
        out.println("differs from the bundled " + bundled.modelName() + " (" + recorded + ")");
        out.println(bundledEngine(bundled, result));
      }
    }
    return 0;
  }

  /** What the bundled record says of the engine and CPU it was made with, against this run's. */
  private static String bundledEngine(BundledBase bundled, PretrainResult result) {
    JsonNode engine = bundled.record().path("engine");
    if (!engine.isObject()) {
      return "the bundled record does not say on which engine and CPU it was made (see"
          + " model/README.md, perennial-tiny, for the settings measured)";
    }
    JsonNode here = Pretrainer.engineRecord(result.engine());
    List<String> differences = new ArrayList<>();
    engine
        .fieldNames()
        .forEachRemaining(
            field -> {
              if (!engine.get(field).equals(here.path(field))) {
                differences.add(
                    field + " " + engine.get(field) + " there, " + here.path(field) + " here");
              }
            });
    return differences.isEmpty()
        ? "the bundled record's engine and CPU are this run's: the difference is not explained by"
            + " what is recorded"
        : "the bundled record's engine and CPU differ: " + String.join("; ", differences);
  }

  private static String bundledDigest(BundledBase bundled) {
    try {
      return bundled.digest();
    } catch (RuntimeException e) {
      return null;
    }
  }
}
