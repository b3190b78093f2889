package dev.perennial.model.peft;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.model.TestModels;
import dev.perennial.model.checkpoint.SafetensorsFile;
import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.llama.TargetModule;
import dev.perennial.model.lora.LoraConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A written adapter folder checked against the rules of the loaders that serve it, each rule
 * reimplemented here from the loader's own source (cited), not from Perennial's writer. PEFT 0.6 to
 * 0.13, which refuse the config's {@code perennial_base_model_digest}, are not among them (README,
 * Loading a release).
 */
class ServingLoadersTest {

  private final LlamaConfig base = TestModels.tinyLlama(true);
  private final LoraConfig lora = new LoraConfig(4, 8, 0.1, EnumSet.allOf(TargetModule.class));

  @TempDir Path folder;

  /**
   * vLLM's rules for a folder, as vllm-project/vllm reads it: {@code PEFTHelper.from_dict} needs r,
   * lora_alpha and target_modules, {@code validate_legal} refuses modules_to_save, use_dora, a bias
   * without bias_enabled and r above --max-lora-rank (at most 512), and the scaling is {@code
   * lora_alpha / r} without rsLoRA ({@code vllm/lora/peft_helper.py}); every tensor name must parse
   * by {@code parse_fine_tuned_lora_name} ({@code vllm/lora/utils.py}) to a module whose last part
   * is an expected module, for Llama q/k/v_proj (packed as qkv_proj), o_proj, gate/up_proj (packed
   * as gate_up_proj), down_proj ({@code check_unexpected_modules}, {@code
   * vllm/lora/lora_model.py}).
   */
  @Test
  void vllmReadsTheConfigAndParsesEveryTensorNameToAnExpectedModule() throws IOException {
    new PeftAdapter(TestModels.randomLora(base, lora, 3), "perennial-tiny", "sha256:abc")
        .write(folder);
    JsonNode json =
        new ObjectMapper().readTree(Files.readString(folder.resolve(PeftAdapter.CONFIG_FILE)));

    assertThat(json.has("r") && json.has("lora_alpha") && json.has("target_modules")).isTrue();
    assertThat(json.path("modules_to_save").size()).isZero();
    assertThat(json.path("use_dora").asBoolean()).isFalse();
    assertThat(json.path("use_rslora").asBoolean()).isFalse();
    assertThat(json.path("bias").asText("none")).isEqualTo("none");
    assertThat(json.get("r").asInt()).isBetween(1, 512);
    assertThat(json.get("lora_alpha").asDouble() / json.get("r").asInt()).isEqualTo(lora.scaling());

    Set<String> expected =
        Set.of(
            "q_proj",
            "k_proj",
            "v_proj",
            "o_proj",
            "gate_proj",
            "up_proj",
            "down_proj",
            "embed_tokens",
            "lm_head");
    SafetensorsFile file = SafetensorsFile.open(folder.resolve(PeftAdapter.WEIGHTS_FILE));
    Map<String, Integer> matrices = new TreeMap<>();
    for (String name : file.names()) {
      String module = vllmModuleName(name);
      assertThat(module.substring(module.lastIndexOf('.') + 1)).as(name).isIn(expected);
      matrices.merge(module, 1, Integer::sum);
      long[] shape = file.entry(name).shape();
      // lora_A [r, in], lora_B [out, r]
      assertThat(name.endsWith(".lora_A.weight") ? shape[0] : shape[1])
          .as(name)
          .isEqualTo(json.get("r").asLong());
      assertThat(file.entry(name).dtype()).isIn("F32", "F16", "BF16");
    }
    assertThat(matrices)
        .hasSize(2 * 7)
        .allSatisfy((module, count) -> assertThat(count).isEqualTo(2));
  }

  /**
   * LoRAX looks up {@code base_model.model.<module>.lora_A.weight} and {@code ...lora_B.weight} for
   * each of the model's layers ({@code LoraConfig.map_weights_for_model}), and drops a target for
   * all layers when one layer lacks it ({@code LoraWeights.load} returns None; predibase/lorax
   * {@code server/lorax_server/adapters/lora.py}): every targeted module needs both matrices in
   * every layer, and no tensor may be left unmapped.
   */
  @Test
  void loraxFindsBothMatricesOfEveryTargetInEveryLayer() throws IOException {
    LoraConfig attention = new LoraConfig(2, 4, 0, EnumSet.of(TargetModule.Q, TargetModule.V));
    new PeftAdapter(TestModels.randomLora(base, attention, 5), "perennial-tiny", "sha256:abc")
        .write(folder);
    Set<String> names =
        new TreeSet<>(SafetensorsFile.open(folder.resolve(PeftAdapter.WEIGHTS_FILE)).names());

    Set<String> mapped = new TreeSet<>();
    for (int layer = 0; layer < base.numHiddenLayers(); layer++) {
      for (String weight :
          new String[] {
            "model.layers." + layer + ".self_attn.q_proj",
            "model.layers." + layer + ".self_attn.v_proj"
          }) {
        mapped.add("base_model.model." + weight + ".lora_A.weight");
        mapped.add("base_model.model." + weight + ".lora_B.weight");
      }
    }
    assertThat(names).isEqualTo(mapped);
  }

  /** {@code parse_fine_tuned_lora_name} of vllm/lora/utils.py, without a weights mapper. */
  private static String vllmModuleName(String name) {
    int start = name.startsWith("base_model.model.") ? 2 : 0;
    String[] parts = name.split("\\.");
    int n = parts.length;
    if (parts[n - 1].equals("weight")
        && (parts[n - 2].equals("lora_A") || parts[n - 2].equals("lora_B"))) {
      return String.join(".", java.util.Arrays.copyOfRange(parts, start, n - 2));
    }
    if (parts[n - 1].equals("lora_embedding_A") || parts[n - 1].equals("lora_embedding_B")) {
      return String.join(".", java.util.Arrays.copyOfRange(parts, start, n - 1));
    }
    throw new AssertionError(name + " is unsupported LoRA weight");
  }
}
