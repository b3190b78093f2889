package dev.perennial.model.peft;

import dev.perennial.model.ModelException;
import dev.perennial.model.checkpoint.Digests;
import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.lora.LoraWeights;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The explicit import of a LoRA adapter trained elsewhere (PEFT's layout, no Perennial digest in
 * its config) as an adapter of one of Perennial's bases. Nothing is imported implicitly: loading
 * and continuing an adapter still require the digest of the base it was trained on.
 *
 * <p>The import refuses what Perennial cannot apply (as {@link PeftAdapter#read} does, by key), an
 * adapter that records another Perennial base's digest, tensors whose shapes do not fit the base
 * (naming the tensor), and non-finite weights. It does not refuse a different {@code
 * base_model_name_or_path}: hub names and local folder names of one model differ; the name is kept
 * in the origin for whoever reviews the import.
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
    PeftAdapter foreign = PeftAdapter.read(folder);
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
    LoraWeights weights = foreign.weights();
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

  private static boolean finite(float[] values) {
    for (float value : values) {
      if (!Float.isFinite(value)) {
        return false;
      }
    }
    return true;
  }
}
