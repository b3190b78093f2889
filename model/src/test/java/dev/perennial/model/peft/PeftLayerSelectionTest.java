package dev.perennial.model.peft;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.model.ModelException;
import dev.perennial.model.TestModels;
import dev.perennial.model.checkpoint.HostTensor;
import dev.perennial.model.checkpoint.SafetensorsWriter;
import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.llama.TargetModule;
import dev.perennial.model.lora.LoraConfig;
import dev.perennial.model.lora.LoraWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PEFT's {@code layers_to_transform} (with {@code layers_pattern}) and {@code exclude_modules}
 * choose which of the target modules carry LoRA; PEFT's {@code check_target_module_exists} leaves
 * every other module the plain base and ignores saved tensors for it.
 */
class PeftLayerSelectionTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final LlamaConfig config = TestModels.tinyLlama(true);
  private final LoraConfig lora =
      new LoraConfig(2, 4, 0, EnumSet.of(TargetModule.Q, TargetModule.V));
  private final LoraWeights weights = TestModels.randomLora(config, lora, 5);

  @TempDir Path folder;

  /**
   * PEFT wraps only layer 1 here and ignores the saved layer-0 tensors (they load as unexpected
   * keys): applying them would compute another model than PEFT's.
   */
  @Test
  void tensorsOfALayerLayersToTransformLeavesOutAreRefusedNamingTheOption() throws IOException {
    writeForeign(folder, Map.of("layers_to_transform", "[1]"), path -> true);

    assertThatThrownBy(
            () -> PeftImport.of(folder, "hub:test/adapter", "tiny", "sha256:abc", config))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("model.layers.0.self_attn.q_proj")
        .hasMessageContaining("layers_to_transform");
  }

  @Test
  void tensorsOfAModuleExcludeModulesNamesAreRefusedNamingTheOption() throws IOException {
    writeForeign(folder, Map.of("exclude_modules", "[\"layers.0.self_attn.v_proj\"]"), p -> true);

    assertThatThrownBy(
            () -> PeftImport.of(folder, "hub:test/adapter", "tiny", "sha256:abc", config))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("model.layers.0.self_attn.v_proj")
        .hasMessageContaining("exclude_modules");
  }

  /**
   * Writes {@link #weights} in PEFT's layout as a foreign adapter (no Perennial digest), the config
   * keys set to the given JSON texts, holding the tensors of the modules {@code saved} accepts.
   */
  private void writeForeign(Path target, Map<String, String> keys, Predicate<String> saved)
      throws IOException {
    writeForeign(target, weights, keys, saved);
  }

  static void writeForeign(
      Path target, LoraWeights weights, Map<String, String> keys, Predicate<String> saved)
      throws IOException {
    new PeftAdapter(weights, "test/tiny-llama", null).write(target);
    Path configFile = target.resolve(PeftAdapter.CONFIG_FILE);
    ObjectNode json = (ObjectNode) JSON.readTree(configFile.toFile());
    for (Map.Entry<String, String> key : keys.entrySet()) {
      json.set(key.getKey(), JSON.readTree(key.getValue()));
    }
    Files.writeString(configFile, JSON.writeValueAsString(json));
    Map<String, HostTensor> tensors = new TreeMap<>();
    weights
        .peftTensors()
        .forEach(
            (name, tensor) -> {
              String path =
                  name.substring(LoraWeights.PEFT_PREFIX.length(), name.lastIndexOf(".lora_"));
              if (saved.test(path)) {
                tensors.put(name, tensor);
              }
            });
    SafetensorsWriter.write(
        target.resolve(PeftAdapter.WEIGHTS_FILE), tensors, Map.of("format", "pt"));
  }
}
