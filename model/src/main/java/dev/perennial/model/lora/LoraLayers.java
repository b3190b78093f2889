package dev.perennial.model.lora;

import dev.perennial.model.llama.DecoderModel;
import dev.perennial.model.llama.LinearLayer;
import dev.perennial.model.llama.ProjectionWrapper;
import dev.perennial.model.llama.TargetModule;
import java.util.LinkedHashMap;
import java.util.Map;

/** Puts LoRA layers into a decoder and finds them again. */
public final class LoraLayers {

  private LoraLayers() {}

  /** Wraps every targeted projection in a {@link LoraProjection}. */
  public static ProjectionWrapper wrapper(LoraConfig config) {
    return base -> config.targets(base.module()) ? new LoraProjection(base, config) : base;
  }

  /** The model's LoRA layers by module path ({@code model.layers.N.self_attn.q_proj}), in order. */
  public static Map<String, LoraProjection> find(DecoderModel model) {
    Map<String, LoraProjection> found = new LinkedHashMap<>();
    for (int layer = 0; layer < model.config().numHiddenLayers(); layer++) {
      for (TargetModule module : TargetModule.values()) {
        LinearLayer projection = model.projection(layer, module);
        if (projection instanceof LoraProjection) {
          found.put(module.path(layer), (LoraProjection) projection);
        }
      }
    }
    return found;
  }
}
