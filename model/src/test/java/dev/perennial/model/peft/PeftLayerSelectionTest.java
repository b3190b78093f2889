package dev.perennial.model.peft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

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
import dev.perennial.model.runtime.LanguageModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
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
   * Each spelling of "LoRA on layer 1 only" (the pattern a name, none, or a list; the layers an int
   * or a list; layer 0 excluded by regex or by suffixes) computes the same logits as the same
   * adapter written without the option, its layer-0 B zero: layer 0 is the plain base.
   */
  @Test
  void anAdapterOnSomeLayersComputesThePlainBaseOnTheOthers() throws IOException {
    Map<String, HostTensor> base = TestModels.randomWeights(config, 1);
    Map<String, LoraWeights.Pair> layer1Only = new TreeMap<>(weights.modules());
    layer1Only.replaceAll(
        (path, pair) ->
            path.startsWith("model.layers.0.")
                ? new LoraWeights.Pair(
                    pair.a(), new HostTensor(pair.b().shape(), new float[pair.b().data().length]))
                : pair);
    float[] expected = logits(base, new LoraWeights(lora, layer1Only));
    assertThat(logits(base, null)).isNotEqualTo(expected);
    assertThat(logits(base, weights)).isNotEqualTo(expected);

    List<Map<String, String>> spellings =
        List.of(
            Map.of("layers_to_transform", "[1]", "layers_pattern", "\"layers\""),
            Map.of("layers_to_transform", "1", "layers_pattern", "null"),
            Map.of("layers_to_transform", "[1, 5]", "layers_pattern", "[\"h\", \"layers\"]"),
            Map.of("layers_to_transform", "[1]", "layers_pattern", "\"\""),
            Map.of("exclude_modules", "\"model\\\\.layers\\\\.0\\\\..*\""),
            Map.of(
                "exclude_modules",
                "[\"layers.0.self_attn.q_proj\", \"model.layers.0.self_attn.v_proj\"]"));
    for (int i = 0; i < spellings.size(); i++) {
      Path target = folder.resolve("spelling-" + i);
      writeForeign(target, spellings.get(i), path -> !path.startsWith("model.layers.0."));

      PeftAdapter imported =
          PeftImport.of(target, "hub:test/adapter", "tiny", "sha256:abc", config);

      assertThat(logits(base, imported.weights()))
          .as(spellings.get(i).toString())
          .containsExactly(expected, within(1e-6f));
      assertThat(imported.weights().modules()).containsOnlyKeys(weights.modules().keySet());
    }
  }

  /**
   * A pattern that names no layer of the base (GPT-2's {@code h}) leaves every module out, which
   * PEFT refuses ("Target modules ... not found"); an index that is not an int cannot be read.
   */
  @Test
  void aSelectionThatLeavesOutEveryModuleOrCannotBeReadIsRefusedByKey() throws IOException {
    writeForeign(
        folder.resolve("h"),
        Map.of("layers_to_transform", "[1]", "layers_pattern", "\"h\""),
        path -> false);
    assertThatThrownBy(
            () ->
                PeftImport.of(
                    folder.resolve("h"), "hub:test/adapter", "tiny", "sha256:abc", config))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("layers_pattern \"h\"")
        .hasMessageContaining("leaves out every target module");
    writeForeign(folder.resolve("text"), Map.of("layers_to_transform", "\"1\""), path -> true);
    assertThatThrownBy(() -> PeftAdapter.read(folder.resolve("text")))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("layers_to_transform \"1\"");
  }

  /**
   * A {@code target_modules} string is a regex PEFT matches against the whole module path: on every
   * layer it computes what the list {@code ["q_proj", "v_proj"]} computes; on layer 1 alone, what
   * that list with {@code layers_to_transform [1]} computes, layer 0 the plain base.
   */
  @Test
  void aRegexOfTargetsComputesWhatTheEquivalentListComputes() throws IOException {
    Map<String, HostTensor> base = TestModels.randomWeights(config, 1);
    writeForeign(folder.resolve("list"), Map.of(), path -> true);
    writeForeign(
        folder.resolve("regex"), Map.of("target_modules", "\".*\\\\.(q|v)_proj\""), p -> true);
    writeForeign(
        folder.resolve("list-layer-1"),
        Map.of("layers_to_transform", "[1]"),
        path -> !path.startsWith("model.layers.0."));
    writeForeign(
        folder.resolve("regex-layer-1"),
        Map.of("target_modules", "\"model\\\\.layers\\\\.1\\\\.self_attn\\\\.[qv]_proj\""),
        path -> !path.startsWith("model.layers.0."));

    float[] list = logits(base, imported("list").weights());
    float[] listLayer1 = logits(base, imported("list-layer-1").weights());
    assertThat(list).isNotEqualTo(listLayer1);
    PeftAdapter regex = imported("regex");
    assertThat(logits(base, regex.weights())).containsExactly(list, within(1e-6f));
    assertThat(regex.weights().config().targetModules())
        .containsExactlyInAnyOrder(TargetModule.Q, TargetModule.V);
    assertThat(logits(base, imported("regex-layer-1").weights()))
        .containsExactly(listLayer1, within(1e-6f));
  }

  /**
   * A regex PEFT would read otherwise is refused: one matching a module Perennial does not adapt,
   * one matching a projection whose tensors the file lacks (PEFT would initialise them), one beside
   * layers_to_transform, and PEFT's {@code all-linear} shorthand, which is not a regex.
   */
  @Test
  void aRegexOfTargetsPeftWouldReadOtherwiseIsRefused() throws IOException {
    writeForeign(folder.resolve("all"), Map.of("target_modules", "\".*\""), path -> true);
    assertThatThrownBy(() -> imported("all"))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("lm_head")
        .hasMessageContaining("model.layers.0.input_layernorm");
    writeForeign(
        folder.resolve("k"), Map.of("target_modules", "\".*\\\\.[qkv]_proj\""), path -> true);
    assertThatThrownBy(() -> imported("k"))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("model.layers.0.self_attn.k_proj")
        .hasMessageContaining("lacks");
    writeForeign(
        folder.resolve("layers"),
        Map.of("target_modules", "\".*_proj\"", "layers_to_transform", "[1]"),
        path -> true);
    assertThatThrownBy(() -> imported("layers"))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("layers_to_transform");
    writeForeign(folder.resolve("linear"), Map.of("target_modules", "\"all-linear\""), p -> true);
    assertThatThrownBy(() -> imported("linear"))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("all-linear");
  }

  private PeftAdapter imported(String name) {
    return PeftImport.of(folder.resolve(name), "hub:test/adapter", "tiny", "sha256:abc", config);
  }

  private float[] logits(Map<String, HostTensor> base, LoraWeights adapter) {
    try (LanguageModel model = TestModels.model(config, base, adapter)) {
      return TestModels.logits(model, new long[][] {{1, 72, 101, 108, 108, 111, 33}});
    }
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
