package dev.perennial.model.peft;

import dev.perennial.model.ModelException;
import dev.perennial.model.checkpoint.Digests;
import dev.perennial.model.checkpoint.HostTensor;
import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.llama.TargetModule;
import dev.perennial.model.lora.LoraConfig;
import dev.perennial.model.lora.LoraWeights;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The explicit import of a LoRA adapter trained elsewhere (PEFT's layout, no Perennial digest in
 * its config) as an adapter of one of Perennial's bases. Nothing is imported implicitly: loading
 * and continuing an adapter still require the digest of the base it was trained on.
 *
 * <p>The import refuses what Perennial cannot apply (as {@link PeftAdapter#read} does, by key), an
 * adapter that records another Perennial base's digest, tensors whose shapes do not fit the base
 * (naming the tensor), and non-finite weights. The modules that {@code exclude_modules}, {@code
 * layers_to_transform} or a regex {@code target_modules} leave out are imported as the plain base.
 * It does not refuse a different {@code base_model_name_or_path}: hub names and local folder names
 * of one model differ; the name is kept in the origin for whoever reviews the import.
 */
public final class PeftImport {

  private PeftImport() {}

  /**
   * Reads an adapter folder and returns it as an adapter of the given base, with its origin.
   *
   * @param source how the operator named what they imported (a folder, a hub id)
   */
  public static PeftAdapter of(
      Path folder, String source, String baseName, String baseDigest, LlamaConfig baseConfig) {
    PeftAdapter.Selected read = PeftAdapter.readSelecting(folder);
    PeftAdapter foreign = read.adapter();
    if (foreign.baseModelDigest() != null && !foreign.baseModelDigest().equals(baseDigest)) {
      throw new ModelException(
          "adapter "
              + folder
              + " was trained by Perennial on the base with digest "
              + foreign.baseModelDigest()
              + ", not on "
              + baseName
              + " ("
              + baseDigest
              + ")");
    }
    LoraWeights weights =
        plainBaseWhereLeftOut(folder, foreign.weights(), read.selection(), baseConfig);
    weights.checkAgainst(baseConfig);
    weights
        .modules()
        .forEach(
            (module, pair) -> {
              if (!finite(pair.a().data()) || !finite(pair.b().data())) {
                throw new ModelException(
                    "adapter " + folder + ": " + module + " holds non-finite weights");
              }
            });
    Map<String, String> digests = new TreeMap<>();
    for (String file : new String[] {PeftAdapter.CONFIG_FILE, PeftAdapter.WEIGHTS_FILE}) {
      digests.put(file, Digests.sha256Hex(folder.resolve(file)));
    }
    AdapterOrigin origin = new AdapterOrigin(source, foreign.baseModelName(), digests);
    return new PeftAdapter(weights, baseName, baseDigest, origin);
  }

  /**
   * The weights with a zero A and B on every target module the selection leaves out: those modules
   * compute the plain base, as under PEFT, and training steps leave them so (both gradients of a
   * zero pair are zero). A selection that leaves out every module is refused, as PEFT refuses it.
   */
  private static LoraWeights plainBaseWhereLeftOut(
      Path folder, LoraWeights weights, PeftModuleSelection selection, LlamaConfig base) {
    if (!selection.selects()) {
      return weights;
    }
    LoraConfig config = weights.config();
    List<String> notModelled = selection.modulesNotModelled(base.numHiddenLayers());
    if (!notModelled.isEmpty()) {
      throw new ModelException(
          "adapter "
              + folder
              + ": "
              + selection
              + " matches "
              + notModelled
              + ", which Perennial does not adapt (PEFT would adapt them or fail)");
    }
    for (int layer = 0; layer < base.numHiddenLayers(); layer++) {
      for (TargetModule module : TargetModule.values()) {
        if (selection.byRegex() && !config.targets(module) && selection.wraps(module.path(layer))) {
          throw new ModelException(
              "adapter "
                  + folder
                  + ": "
                  + selection
                  + " matches "
                  + module.path(layer)
                  + ", whose tensors the file lacks (PEFT would initialise them)");
        }
      }
    }
    Map<String, LoraWeights.Pair> modules = new TreeMap<>(weights.modules());
    boolean wrapsAny = false;
    for (int layer = 0; layer < base.numHiddenLayers(); layer++) {
      for (TargetModule module : config.targetModules()) {
        String path = module.path(layer);
        if (selection.wraps(path)) {
          wrapsAny = true;
        } else {
          int[] dims = LoraWeights.dimensions(base, module);
          modules.put(
              path,
              new LoraWeights.Pair(zeros(config.rank(), dims[0]), zeros(dims[1], config.rank())));
        }
      }
    }
    if (!wrapsAny) {
      throw new ModelException(
          "adapter " + folder + ": " + selection + " leaves out every target module of the base");
    }
    return new LoraWeights(config, modules);
  }

  private static HostTensor zeros(int rows, int columns) {
    return new HostTensor(new long[] {rows, columns}, new float[rows * columns]);
  }

  private static boolean finite(float[] values) {
    for (float value : values) {
      if (!Float.isFinite(value)) {
        return false;
      }
    }
    return true;
  }
}
