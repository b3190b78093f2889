package dev.perennial.model.llama;

import dev.perennial.model.ModelException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The seven linear projections of a decoder layer, by their Hugging Face / PEFT module names. */
public enum TargetModule {
  Q("q_proj", "self_attn"),
  K("k_proj", "self_attn"),
  V("v_proj", "self_attn"),
  O("o_proj", "self_attn"),
  GATE("gate_proj", "mlp"),
  UP("up_proj", "mlp"),
  DOWN("down_proj", "mlp");

  private final String moduleName;
  private final String parent;

  TargetModule(String moduleName, String parent) {
    this.moduleName = moduleName;
    this.parent = parent;
  }

  /** The PEFT {@code target_modules} entry, e.g. {@code q_proj}. */
  public String moduleName() {
    return moduleName;
  }

  /**
   * The module path inside the Hugging Face model, e.g. {@code model.layers.3.self_attn.q_proj}.
   */
  public String path(int layer) {
    return "model.layers." + layer + "." + parent + "." + moduleName;
  }

  /** Parses {@code q}, {@code q_proj}, {@code gate}, {@code gate_proj}, ... (any case). */
  public static TargetModule parse(String value) {
    String key = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    for (TargetModule module : values()) {
      if (module.moduleName.equals(key) || module.name().toLowerCase(Locale.ROOT).equals(key)) {
        return module;
      }
    }
    throw new ModelException(
        "unknown target module '"
            + value
            + "': expected one of "
            + Arrays.stream(values())
                .map(TargetModule::moduleName)
                .collect(Collectors.joining(", ")));
  }

  /**
   * The module a PEFT {@code target_modules} entry names, matched as PEFT matches it: exactly, as
   * {@code q_proj} (no short name, no other case, no surrounding spaces).
   */
  public static TargetModule ofPeftEntry(String entry) {
    for (TargetModule module : values()) {
      if (module.moduleName.equals(entry)) {
        return module;
      }
    }
    throw new ModelException(
        "target_modules entry '"
            + entry
            + "' is not one of "
            + Arrays.stream(values())
                .map(TargetModule::moduleName)
                .collect(Collectors.joining(", "))
            + " (PEFT matches an entry exactly)");
  }

  /** Parses a list such as {@code q,k,v,o} or {@code q_proj, v_proj}. */
  public static Set<TargetModule> parseList(String values) {
    Set<TargetModule> modules = EnumSet.noneOf(TargetModule.class);
    for (String part : values.split(",")) {
      if (!part.isBlank()) {
        modules.add(parse(part));
      }
    }
    if (modules.isEmpty()) {
      throw new ModelException("target modules list '" + values + "' names no module");
    }
    return modules;
  }
}
