package dev.perennial.model.peft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.model.ModelException;
import dev.perennial.model.TestModels;
import dev.perennial.model.checkpoint.SafetensorsFile;
import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.llama.TargetModule;
import dev.perennial.model.lora.LoraConfig;
import dev.perennial.model.lora.LoraWeights;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4 acceptance: adapter folders follow PEFT's documented format. The fixture's {@code
 * adapter_config.json} is PEFT's own layout (as {@code save_pretrained} writes it for a Llama
 * LoRA); its safetensors file is assembled byte by byte here, independent of Perennial's writer.
 */
class PeftAdapterTest {

  private static final Pattern PEFT_TENSOR =
      Pattern.compile(
          "base_model\\.model\\.model\\.layers\\.\\d+\\.(self_attn\\.(q|k|v|o)_proj|mlp\\.(gate|up|down)_proj)"
              + "\\.lora_[AB]\\.weight");
  private static final Set<String> PEFT_CONFIG_KEYS =
      Set.of(
          "base_model_name_or_path",
          "bias",
          "fan_in_fan_out",
          "inference_mode",
          "init_lora_weights",
          "layers_pattern",
          "layers_to_transform",
          "lora_alpha",
          "lora_dropout",
          "modules_to_save",
          "peft_type",
          "r",
          "revision",
          "target_modules",
          "task_type");

  private final LlamaConfig config = TestModels.tinyLlama(true);

  @TempDir Path folder;

  @Test
  void aFolderInPeftsFormatLoads() throws IOException {
    writeFixture(folder);

    PeftAdapter adapter = PeftAdapter.read(folder);

    assertThat(adapter.baseModelName()).isEqualTo("test/tiny-llama");
    assertThat(adapter.baseModelDigest()).isNull();
    LoraConfig lora = adapter.weights().config();
    assertThat(lora.rank()).isEqualTo(2);
    assertThat(lora.alpha()).isEqualTo(16.0);
    assertThat(lora.dropout()).isEqualTo(0.05);
    assertThat(lora.targetModules()).containsExactly(TargetModule.Q, TargetModule.V);
    assertThat(adapter.weights().modules()).hasSize(4);
    LoraWeights.Pair v = adapter.weights().modules().get("model.layers.1.self_attn.v_proj");
    assertThat(v.a().shape()).containsExactly(2, 32);
    assertThat(v.b().shape()).containsExactly(16, 2);
    assertThat(v.a().data()[0]).isEqualTo(0.5f);
    adapter.weights().checkAgainst(config);
  }

  @Test
  void writtenAdaptersUsePeftsFileNamesConfigKeysTensorNamesAndShapes() throws IOException {
    LoraConfig lora = new LoraConfig(4, 8, 0.1, EnumSet.allOf(TargetModule.class));
    new PeftAdapter(TestModels.randomLora(config, lora, 3), "perennial-tiny", "sha256:abc")
        .write(folder);

    try (var files = Files.list(folder)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("adapter_config.json", "adapter_model.safetensors");
    }
    JsonNode json = new ObjectMapper().readTree(folder.resolve("adapter_config.json").toFile());
    Set<String> keys = new TreeSet<>();
    json.fieldNames().forEachRemaining(keys::add);
    assertThat(keys).containsAll(PEFT_CONFIG_KEYS).contains(PeftAdapter.BASE_DIGEST_KEY);
    assertThat(json.get("peft_type").asText()).isEqualTo("LORA");
    assertThat(json.get("task_type").asText()).isEqualTo("CAUSAL_LM");
    assertThat(json.get("r").asInt()).isEqualTo(4);
    assertThat(json.get("lora_alpha").isIntegralNumber()).isTrue();
    assertThat(json.get(PeftAdapter.BASE_DIGEST_KEY).asText()).isEqualTo("sha256:abc");
    List<String> targets = new ArrayList<>();
    json.get("target_modules").forEach(t -> targets.add(t.asText()));
    assertThat(targets)
        .containsExactly(
            "down_proj", "gate_proj", "k_proj", "o_proj", "q_proj", "up_proj", "v_proj");

    SafetensorsFile tensors = SafetensorsFile.open(folder.resolve("adapter_model.safetensors"));
    assertThat(tensors.names())
        .hasSize(2 * 2 * 7)
        .allMatch(name -> PEFT_TENSOR.matcher(name).matches());
    assertThat(
            tensors.entry("base_model.model.model.layers.0.self_attn.k_proj.lora_A.weight").shape())
        .containsExactly(4, 32);
    assertThat(
            tensors.entry("base_model.model.model.layers.0.self_attn.k_proj.lora_B.weight").shape())
        .containsExactly(16, 4);
    assertThat(tensors.entry("base_model.model.model.layers.1.mlp.down_proj.lora_A.weight").shape())
        .containsExactly(4, 64);
    assertThat(tensors.entry("base_model.model.model.layers.1.mlp.down_proj.lora_B.weight").shape())
        .containsExactly(32, 4);
    assertThat(tensors.entry("base_model.model.model.layers.1.mlp.down_proj.lora_B.weight").dtype())
        .isEqualTo("F32");
    assertThat(tensors.metadata()).containsEntry("format", "pt");

    PeftAdapter again = PeftAdapter.read(folder);
    assertThat(again.weights().peftTensors())
        .isEqualTo(TestModels.randomLora(config, lora, 3).peftTensors());
    assertThat(again.weights().config()).isEqualTo(lora);
  }

  @Test
  void anAdapterOfAnotherBaseIsRefusedNamingBothDigests() {
    PeftAdapter adapter =
        new PeftAdapter(
            LoraWeights.initialize(config, LoraConfig.defaults(), 1),
            "perennial-tiny",
            "sha256:aaa");

    assertThatThrownBy(() -> adapter.checkFits("other", "sha256:bbb", config))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("sha256:aaa")
        .hasMessageContaining("sha256:bbb");
    LlamaConfig deeper = LlamaConfig.llama(259, 32, 64, 3, 4, 2, 128, true);
    assertThatThrownBy(() -> adapter.checkFits("deeper", "sha256:aaa", deeper))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("base_model.model.model.layers.2.");
  }

  @Test
  void adapterFeaturesPerennialCannotApplyAreRefusedByKey() throws IOException {
    writeFixture(folder);
    String text = Files.readString(folder.resolve("adapter_config.json"));
    Files.writeString(
        folder.resolve("adapter_config.json"),
        text.replace("\"use_dora\": false", "\"use_dora\": true"));

    assertThatThrownBy(() -> PeftAdapter.read(folder))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("use_dora");
    // rsLoRA's alpha / sqrt(r), trained biases, saved modules and PEFT's all-linear shorthand:
    // each refused by its key, never read as plain LoRA
    Map<String, String> refused =
        Map.of(
            "\"use_rslora\": false", "use_rslora",
            "\"bias\": \"none\"", "bias",
            "\"modules_to_save\": null", "modules_to_save",
            "\"megatron_config\": null", "alora_invocation_tokens",
            "\"target_modules\": [\n    \"v_proj\",\n    \"q_proj\"\n  ]", "target_modules");
    Map<String, String> replacement =
        Map.of(
            "use_rslora",
            "\"use_rslora\": true",
            "bias",
            "\"bias\": \"lora_only\"",
            "modules_to_save",
            "\"modules_to_save\": [\"lm_head\"]",
            "alora_invocation_tokens",
            "\"megatron_config\": null, \"alora_invocation_tokens\": [128006, 78191]",
            "target_modules",
            "\"target_modules\": \"all-linear\"");
    refused.forEach(
        (original, key) -> {
          assertThat(text).contains(original);
          try {
            Files.writeString(
                folder.resolve("adapter_config.json"),
                text.replace(original, replacement.get(key)));
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          assertThatThrownBy(() -> PeftAdapter.read(folder))
              .as(key)
              .isInstanceOf(ModelException.class)
              .hasMessageContaining(key);
        });
  }

  /**
   * PiSSA, OLoRA, CorDA and LoftQ initialise by rewriting the base weights (W - B0 A0, or a
   * quantised residual), so their saved A and B only fit that changed base: PEFT loads them by
   * redoing the rewrite on the base it is given. Applied as W + B A to the original base, they
   * would compute something else. PEFT writes {@code init_lora_weights: true} once such an adapter
   * is converted to a plain LoRA ({@code path_initial_model_for_weight_conversion}).
   */
  @Test
  void adaptersWhoseInitialisationRewroteTheBaseWeightsAreRefusedByKey() throws IOException {
    writeFixture(folder);
    String text = Files.readString(folder.resolve("adapter_config.json"));
    assertThat(text).contains("\"init_lora_weights\": true");
    for (String init : List.of("pissa", "pissa_niter_16", "olora", "corda", "loftq")) {
      Files.writeString(
          folder.resolve("adapter_config.json"),
          text.replace("\"init_lora_weights\": true", "\"init_lora_weights\": \"" + init + "\""));
      assertThatThrownBy(() -> PeftAdapter.read(folder))
          .as(init)
          .isInstanceOf(ModelException.class)
          .hasMessageContaining("init_lora_weights")
          .hasMessageContaining(init);
    }
    // initialisations that leave the base alone (B starts at zero) read as plain LoRA
    for (String init : List.of("false", "\"gaussian\"", "\"eva\"")) {
      Files.writeString(
          folder.resolve("adapter_config.json"),
          text.replace("\"init_lora_weights\": true", "\"init_lora_weights\": " + init));
      assertThat(PeftAdapter.read(folder).weights().modules()).as(init).isNotEmpty();
    }
  }

  /**
   * PEFT's LoRA variants that compute otherwise than {@code W x + scaling * B A x} (KaSA truncates
   * the base and scales by a learned diagonal, MonteCLoRA samples A, Arrow routes between adapters,
   * BD-LoRA's factors are block-diagonal, QALoRA pools the input) are refused by key; VeLoRA
   * (another backward pass only) and MiCA (a frozen B) compute plain LoRA and read.
   */
  @Test
  void loraVariantsThatComputeOtherwiseAreRefusedByKey() throws IOException {
    writeFixture(folder);
    String text = Files.readString(folder.resolve("adapter_config.json"));
    Map<String, String> variants =
        Map.of(
            "kasa_config", "{\"r\": 2}",
            "monteclora_config", "{\"num_samples\": 4}",
            "arrow_config", "{\"top_k\": 3}",
            "use_bdlora", "{\"nblocks\": 2}",
            "use_qalora", "true");
    variants.forEach(
        (key, value) -> {
          write(
              folder.resolve("adapter_config.json"),
              text.replace("\"layers_pattern\": null", "\"" + key + "\": " + value));
          assertThatThrownBy(() -> PeftAdapter.read(folder))
              .as(key)
              .isInstanceOf(ModelException.class)
              .hasMessageContaining(key);
        });
    for (String plain :
        List.of(
            "\"velora_config\": {\"rank\": 2}",
            "\"init_lora_weights\": \"mica\"",
            "\"use_qalora\": false, \"kasa_config\": null")) {
      write(
          folder.resolve("adapter_config.json"),
          text.replace("\"layers_pattern\": null", plain)
              .replace("\"init_lora_weights\": true,", ""));
      assertThat(PeftAdapter.read(folder).weights().modules()).as(plain).hasSize(4);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * LoRA-GA initialises A and B from the gradient's SVD and subtracts {@code scaling * B0 A0} from
   * the base weights (PEFT's {@code lora_ga_init}); saved without {@code
   * path_initial_model_for_weight_conversion}, the adapter fits only that changed base, like PiSSA.
   */
  @Test
  void aLoraGaAdapterWhoseInitialisationRewroteTheBaseIsRefusedByKey() throws IOException {
    writeFixture(folder);
    String text = Files.readString(folder.resolve("adapter_config.json"));
    Files.writeString(
        folder.resolve("adapter_config.json"),
        text.replace("\"init_lora_weights\": true", "\"init_lora_weights\": \"lora_ga\""));

    assertThatThrownBy(() -> PeftAdapter.read(folder))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("init_lora_weights")
        .hasMessageContaining("lora_ga");
  }

  /**
   * PEFT wraps only the modules {@code target_modules} names and ignores saved tensors of any other
   * module, so an adapter whose file also adapts v_proj while its config names q_proj alone would
   * be applied by PEFT without the v_proj delta: refused, naming the tensor's module.
   */
  @Test
  void tensorsOfAModuleTargetModulesDoesNotNameAreRefused() throws IOException {
    writeFixture(folder);
    String text = Files.readString(folder.resolve("adapter_config.json"));
    String targets = "\"target_modules\": [\n    \"v_proj\",\n    \"q_proj\"\n  ]";
    assertThat(text).contains(targets);
    Files.writeString(
        folder.resolve("adapter_config.json"),
        text.replace(targets, "\"target_modules\": [\"q_proj\"]"));

    assertThatThrownBy(
            () -> PeftImport.of(folder, "hub:test/adapter", "tiny", "sha256:abc", config))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("model.layers.0.self_attn.v_proj")
        .hasMessageContaining("target_modules");
  }

  /**
   * PEFT matches a {@code target_modules} entry exactly: the module path equals it or ends with
   * {@code .<entry>}. {@code q} or {@code Q_PROJ} match no module, so PEFT leaves q_proj the plain
   * base and ignores its saved tensors; reading either as q_proj would apply them.
   */
  @Test
  void targetModuleEntriesPeftWouldNotMatchAreNotReadAsMatching() throws IOException {
    writeFixture(folder);
    String text = Files.readString(folder.resolve("adapter_config.json"));
    String targets = "\"target_modules\": [\n    \"v_proj\",\n    \"q_proj\"\n  ]";
    assertThat(text).contains(targets);
    for (String entry : List.of("q", "Q_PROJ", " q_proj")) {
      Files.writeString(
          folder.resolve("adapter_config.json"),
          text.replace(targets, "\"target_modules\": [\"v_proj\", \"" + entry + "\"]"));

      assertThatThrownBy(() -> PeftAdapter.read(folder))
          .as(entry)
          .isInstanceOf(ModelException.class)
          .hasMessageContaining("'" + entry + "'");
    }
  }

  /**
   * {@code layer_replication} stacks copies of base layers into a deeper model; the adapter's layer
   * numbers count the copies, so applying them to the base's own layers is refused by key.
   */
  @Test
  void anAdapterForReplicatedLayersIsRefusedByKey() throws IOException {
    writeFixture(folder);
    String text = Files.readString(folder.resolve("adapter_config.json"));
    Files.writeString(
        folder.resolve("adapter_config.json"),
        text.replace("\"layers_pattern\": null", "\"layer_replication\": [[0, 1], [0, 2]]"));

    assertThatThrownBy(() -> PeftAdapter.read(folder))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("layer_replication");
  }

  /**
   * {@code target_parameters} (PEFT 0.17) puts LoRA on a parameter through PEFT's ParamWrapper,
   * whose tensors carry the owning module's name: read as the module's LoRA they could be applied
   * another way than PEFT applies them, so the key is refused rather than ignored.
   */
  @Test
  void loraOnParametersIsRefusedByKey() throws IOException {
    writeFixture(folder);
    String text = Files.readString(folder.resolve("adapter_config.json"));
    Files.writeString(
        folder.resolve("adapter_config.json"),
        text.replace(
            "\"layers_pattern\": null", "\"target_parameters\": [\"self_attn.q_proj.weight\"]"));

    assertThatThrownBy(() -> PeftAdapter.read(folder))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("target_parameters");
  }

  /**
   * The fixture config plus a safetensors file assembled by hand for a 2-layer, hidden-32 Llama.
   */
  static void writeFixture(Path folder) throws IOException {
    try (InputStream in =
        PeftAdapterTest.class.getResourceAsStream("/peft-fixture/adapter_config.json")) {
      Files.write(folder.resolve("adapter_config.json"), in.readAllBytes());
    }
    StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
    List<float[]> data = new ArrayList<>();
    long offset = 0;
    for (int layer = 0; layer < 2; layer++) {
      for (String module : new String[] {"q_proj", "v_proj"}) {
        int out = module.equals("q_proj") ? 32 : 16;
        String prefix = "base_model.model.model.layers." + layer + ".self_attn." + module;
        float[] a = new float[2 * 32];
        a[0] = 0.5f;
        float[] b = new float[out * 2];
        b[1] = -1f;
        offset = entry(header, prefix + ".lora_A.weight", "[2,32]", offset, a.length);
        data.add(a);
        offset = entry(header, prefix + ".lora_B.weight", "[" + out + ",2]", offset, b.length);
        data.add(b);
      }
    }
    header.append('}');
    byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
    ByteBuffer bytes =
        ByteBuffer.allocate((int) (8 + json.length + offset)).order(ByteOrder.LITTLE_ENDIAN);
    bytes.putLong(json.length).put(json);
    data.forEach(
        values -> {
          for (float value : values) {
            bytes.putFloat(value);
          }
        });
    Files.write(folder.resolve("adapter_model.safetensors"), bytes.array());
  }

  private static long entry(
      StringBuilder header, String name, String shape, long offset, int elements) {
    long end = offset + 4L * elements;
    header
        .append(",\"")
        .append(name)
        .append("\":{\"dtype\":\"F32\",\"shape\":")
        .append(shape)
        .append(",\"data_offsets\":[")
        .append(offset)
        .append(',')
        .append(end)
        .append("]}");
    return end;
  }
}
