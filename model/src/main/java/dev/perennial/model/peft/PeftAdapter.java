package dev.perennial.model.peft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.perennial.model.ModelException;
import dev.perennial.model.checkpoint.HostTensor;
import dev.perennial.model.checkpoint.SafetensorsFile;
import dev.perennial.model.checkpoint.SafetensorsWriter;
import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.llama.TargetModule;
import dev.perennial.model.lora.LoraConfig;
import dev.perennial.model.lora.LoraWeights;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * An adapter folder in PEFT's layout, which vLLM, LoRAX and PEFT itself load as is: {@value
 * #CONFIG_FILE} (peft_type LORA, r, lora_alpha, lora_dropout, target_modules, task_type CAUSAL_LM,
 * base_model_name_or_path, plus Perennial's {@value #BASE_DIGEST_KEY}) and {@value #WEIGHTS_FILE}
 * with tensors named {@code base_model.model.model.layers.N.self_attn.q_proj.lora_A.weight} ([r,
 * in]) and {@code ...lora_B.weight} ([out, r]).
 *
 * @param baseModelName {@code base_model_name_or_path}
 * @param baseModelDigest the digest of the base the adapter was trained on ({@code sha256:...})
 * @param origin where an adapter trained elsewhere came from ({@value #ORIGIN_KEY}), or null
 */
public record PeftAdapter(
    LoraWeights weights, String baseModelName, String baseModelDigest, AdapterOrigin origin) {

  /** An adapter Perennial trained (no foreign origin). */
  public PeftAdapter(LoraWeights weights, String baseModelName, String baseModelDigest) {
    this(weights, baseModelName, baseModelDigest, null);
  }

  public static final String CONFIG_FILE = "adapter_config.json";
  public static final String WEIGHTS_FILE = "adapter_model.safetensors";

  /** Perennial's extra key in {@value #CONFIG_FILE}: the base model's digest. */
  public static final String BASE_DIGEST_KEY = "perennial_base_model_digest";

  /** Perennial's extra key in {@value #CONFIG_FILE} for an imported adapter: its origin. */
  public static final String ORIGIN_KEY = "perennial_imported_from";

  private static final List<String> BASE_REWRITING_INITS =
      List.of("pissa", "olora", "corda", "loftq", "lora_ga");

  /**
   * PEFT's LoRA variants configured by an object whose forward is not {@code W x + scaling * B A
   * x}: KaSA (truncated base, a learned diagonal), MonteCLoRA (sampled A), Arrow (routing between
   * adapters), BD-LoRA (block-diagonal factors). VeLoRA changes only the backward pass.
   */
  private static final List<String> COMPUTING_VARIANTS =
      List.of("kasa_config", "monteclora_config", "arrow_config", "use_bdlora");

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  /** Writes both files (the same bytes for the same adapter). */
  public void write(Path folder) {
    try {
      Files.createDirectories(folder);
      Files.writeString(folder.resolve(CONFIG_FILE), configJson() + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ModelException("cannot write adapter folder " + folder + ": " + e.getMessage(), e);
    }
    SafetensorsWriter.write(
        folder.resolve(WEIGHTS_FILE),
        weights.peftTensors(),
        baseModelDigest == null
            ? Map.of("format", "pt")
            : Map.of("format", "pt", BASE_DIGEST_KEY, baseModelDigest));
  }

  /** The {@value #CONFIG_FILE} text, keys sorted as PEFT writes them. */
  public String configJson() {
    LoraConfig config = weights.config();
    Map<String, Object> json = new TreeMap<>();
    json.put("alpha_pattern", Map.of());
    json.put("auto_mapping", null);
    json.put("base_model_name_or_path", baseModelName);
    json.put("bias", "none");
    json.put("fan_in_fan_out", false);
    json.put("inference_mode", true);
    json.put("init_lora_weights", true);
    json.put("layers_pattern", null);
    json.put("layers_to_transform", null);
    json.put(
        "lora_alpha",
        config.alpha() == Math.rint(config.alpha())
            ? (Object) (long) config.alpha()
            : config.alpha());
    json.put("lora_dropout", config.dropout());
    json.put("modules_to_save", null);
    json.put("peft_type", "LORA");
    json.put("r", config.rank());
    json.put("rank_pattern", Map.of());
    json.put("revision", null);
    json.put("target_modules", targetModuleNames());
    json.put("task_type", "CAUSAL_LM");
    json.put("use_dora", false);
    json.put("use_rslora", false);
    if (baseModelDigest != null) {
      json.put(BASE_DIGEST_KEY, baseModelDigest);
    }
    if (origin != null) {
      json.put(ORIGIN_KEY, origin.toMap());
    }
    try {
      return JSON.writeValueAsString(json);
    } catch (IOException e) {
      throw new ModelException("cannot render adapter config", e);
    }
  }

  /**
   * Reads an adapter folder. What Perennial cannot apply (another peft_type, DoRA, rsLoRA,
   * activated LoRA, rank or alpha patterns, trained biases, modules to save, an initialisation that
   * rewrote the base weights, replicated layers, LoRA on parameters, QALoRA, KaSA, MonteCLoRA,
   * Arrow, BD-LoRA) is an error naming the key; so are tensors of a module that {@code
   * exclude_modules} or {@code layers_to_transform} leaves out (PEFT ignores them). The adapter
   * holds only the modules its file holds: {@link PeftImport} makes the ones its selection leaves
   * out the plain base.
   */
  public static PeftAdapter read(Path folder) {
    return readSelecting(folder).adapter();
  }

  /** An adapter as read, with the modules its config selects. */
  record Selected(PeftAdapter adapter, PeftModuleSelection selection) {}

  static Selected readSelecting(Path folder) {
    Path configFile = folder.resolve(CONFIG_FILE);
    Path weightsFile = folder.resolve(WEIGHTS_FILE);
    if (!Files.isRegularFile(configFile) || !Files.isRegularFile(weightsFile)) {
      throw new ModelException(
          "adapter folder " + folder + " needs both " + CONFIG_FILE + " and " + WEIGHTS_FILE);
    }
    JsonNode json;
    try {
      json = JSON.readTree(Files.readString(configFile));
    } catch (IOException e) {
      throw new ModelException("cannot read " + configFile + ": " + e.getMessage(), e);
    }
    List<String> problems = new ArrayList<>();
    if (!"LORA".equals(json.path("peft_type").asText())) {
      problems.add("peft_type is " + json.path("peft_type") + ", only LORA is supported");
    }
    unsupported(json, "use_dora", problems);
    unsupported(json, "use_rslora", problems);
    unsupported(json, "use_qalora", problems);
    for (String variant : COMPUTING_VARIANTS) {
      JsonNode config = json.path(variant);
      if (!config.isMissingNode() && !config.isNull()) {
        problems.add(
            variant + " " + config + " is not supported: that LoRA variant computes otherwise");
      }
    }
    if (json.hasNonNull("bias") && !"none".equals(json.get("bias").asText())) {
      problems.add("bias is " + json.get("bias") + ", only none is supported");
    }
    if (json.path("rank_pattern").size() > 0 || json.path("alpha_pattern").size() > 0) {
      problems.add("rank_pattern / alpha_pattern are not supported");
    }
    if (json.path("modules_to_save").size() > 0) {
      problems.add("modules_to_save are not supported");
    }
    baseRewritingInit(json.get("init_lora_weights")).ifPresent(problems::add);
    if (json.path("layer_replication").size() > 0) {
      problems.add(
          "layer_replication "
              + json.get("layer_replication")
              + " is not supported: the adapter's layers are copies of the base's");
    }
    // activated LoRA: plain LoRA tensors, applied only after the invocation tokens
    if (json.path("alora_invocation_tokens").size() > 0) {
      problems.add("alora_invocation_tokens (activated LoRA) are not supported");
    }
    JsonNode parameters = json.path("target_parameters");
    if (!parameters.isMissingNode()
        && !parameters.isNull()
        && !(parameters.isContainerNode() && parameters.isEmpty())) {
      problems.add(
          "target_parameters "
              + json.get("target_parameters")
              + " (LoRA on parameters, PEFT's ParamWrapper) is not supported");
    }
    Set<TargetModule> targets = EnumSet.noneOf(TargetModule.class);
    JsonNode modules = json.get("target_modules");
    // a regex (a string) is read by PeftModuleSelection; the file's tensors name its targets
    if (modules == null || !(modules.isArray() || modules.isTextual())) {
      problems.add("target_modules must be a list of module names or a regex");
    } else if (modules.isArray()) {
      for (JsonNode module : modules) {
        try {
          targets.add(TargetModule.ofPeftEntry(module.asText()));
        } catch (ModelException e) {
          problems.add(e.getMessage());
        }
      }
    }
    PeftModuleSelection selection = PeftModuleSelection.read(json, problems);
    if (!json.has("r") || !json.has("lora_alpha")) {
      problems.add("r and lora_alpha are required");
    }
    if (!problems.isEmpty()) {
      throw new ModelException("adapter " + configFile + ": " + String.join("; ", problems));
    }
    SafetensorsFile file = SafetensorsFile.open(weightsFile);
    if (selection.byRegex()) {
      targets = adaptedModules(file.names());
      if (targets.isEmpty()) {
        throw new ModelException(
            "adapter " + folder + ": " + selection + ", yet the file adapts none of the modules");
      }
    }
    LoraConfig config =
        new LoraConfig(
            json.get("r").asInt(),
            json.get("lora_alpha").asDouble(),
            json.path("lora_dropout").asDouble(0),
            targets);
    Map<String, HostTensor> tensors = new TreeMap<>();
    for (String name : file.names()) {
      tensors.put(name, file.read(name));
    }
    LoraWeights weights = LoraWeights.fromPeftTensors(config, tensors);
    List<String> leftOut =
        weights.modules().keySet().stream().filter(path -> !selection.wraps(path)).toList();
    if (!leftOut.isEmpty()) {
      throw new ModelException(
          "adapter "
              + folder
              + ": "
              + selection
              + " leaves out "
              + leftOut
              + ", whose tensors PEFT would not apply");
    }
    for (LoraWeights.Pair pair : weights.modules().values()) {
      if (pair.a().shape().length != 2 || pair.a().shape()[0] != config.rank()) {
        throw new ModelException(
            "adapter "
                + folder
                + ": lora_A has shape "
                + pair.a().shapeText()
                + ", r is "
                + config.rank());
      }
    }
    String digest =
        json.hasNonNull(BASE_DIGEST_KEY)
            ? json.get(BASE_DIGEST_KEY).asText()
            : file.metadata().get(BASE_DIGEST_KEY);
    AdapterOrigin origin =
        json.hasNonNull(ORIGIN_KEY) ? AdapterOrigin.fromJson(json.get(ORIGIN_KEY)) : null;
    return new Selected(
        new PeftAdapter(weights, json.path("base_model_name_or_path").asText(null), digest, origin),
        selection);
  }

  /** The projections whose LoRA tensors the file holds, on any layer. */
  private static Set<TargetModule> adaptedModules(Collection<String> tensorNames) {
    Set<TargetModule> modules = EnumSet.noneOf(TargetModule.class);
    for (String name : tensorNames) {
      for (TargetModule module : TargetModule.values()) {
        if (name.endsWith("." + module.moduleName() + ".lora_A.weight")
            || name.endsWith("." + module.moduleName() + ".lora_B.weight")) {
          modules.add(module);
        }
      }
    }
    return modules;
  }

  /**
   * PiSSA, OLoRA, CorDA, LoftQ and LoRA-GA initialise by rewriting the base weights, so their A and
   * B fit only that rewritten base (PEFT redoes the rewrite on load, except LoRA-GA's, which needs
   * the gradients); converted to plain LoRA, PEFT writes {@code init_lora_weights: true}. Booleans,
   * gaussian, eva, orthogonal and mica leave the base alone (B A starts at zero).
   */
  private static Optional<String> baseRewritingInit(JsonNode init) {
    if (init == null || !init.isTextual()) {
      return Optional.empty();
    }
    String value = init.asText().toLowerCase(Locale.ROOT);
    for (String prefix : BASE_REWRITING_INITS) {
      if (value.startsWith(prefix)) {
        return Optional.of(
            "init_lora_weights "
                + init
                + " rewrites the base weights, so the adapter fits only that rewritten base;"
                + " convert it to plain LoRA with PEFT's save_pretrained(...,"
                + " path_initial_model_for_weight_conversion=...)");
      }
    }
    return Optional.empty();
  }

  private static void unsupported(JsonNode json, String key, List<String> problems) {
    if (json.path(key).asBoolean(false)) {
      problems.add(key + " is true, which is not supported");
    }
  }

  /**
   * Refuses an adapter trained on another base: the digest must match and every tensor must have
   * the shape the base implies.
   */
  public void checkFits(String baseName, String baseDigest, LlamaConfig baseConfig) {
    if (baseModelDigest == null) {
      throw new ModelException(
          "adapter for "
              + baseModelName
              + " records no "
              + BASE_DIGEST_KEY
              + ", so it cannot be checked against base "
              + baseName
              + " ("
              + baseDigest
              + ")");
    }
    if (!baseModelDigest.equals(baseDigest)) {
      throw new ModelException(
          "adapter was trained on base "
              + baseModelName
              + " with digest "
              + baseModelDigest
              + ", but the loaded base "
              + baseName
              + " has digest "
              + baseDigest);
    }
    weights.checkAgainst(baseConfig);
  }

  /** The target module names in PEFT's spelling, sorted. */
  public List<String> targetModuleNames() {
    return weights.config().targetModules().stream()
        .map(TargetModule::moduleName)
        .sorted()
        .toList();
  }
}
