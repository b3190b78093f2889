package dev.perennial.model.peft;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which modules of {@code target_modules} PEFT wraps, from {@code adapter_config.json}'s {@code
 * exclude_modules}, {@code layers_to_transform} and {@code layers_pattern}, decided for a module
 * path ({@code model.layers.3.self_attn.q_proj}) as PEFT's {@code check_target_module_exists} does:
 * an excluded module (a string is a regex that must match the whole path, a list names the path or
 * a dotted suffix of it) is never wrapped; with layers to transform (an int or a non-empty list), a
 * module is wrapped only when its layer index, the digits after the first {@code .<pattern>.} (any
 * name when {@code layers_pattern} is null, empty or an empty list; each of a list's patterns in
 * turn), is one of them. Every module this selection leaves out is the plain base. A {@code
 * layers_pattern} without layers to transform selects nothing (older PEFT ignores it, newer refuses
 * the config; neither wraps another module).
 *
 * <p>A {@code target_modules} string is a regex that must match the whole path: it wraps what it
 * matches and is not excluded. It is refused with layers to transform or a layers pattern (older
 * PEFT ignores them beside a regex, newer refuses the config), as {@code all-linear} (PEFT's
 * shorthand for every linear layer, not a regex), and, by {@link #modulesNotModelled}, when it
 * matches a module of the base other than the seven projections (PEFT would adapt it or fail).
 */
final class PeftModuleSelection {

  private static final Pattern ANY_LAYER = Pattern.compile(".*?\\.[^.]*\\.(\\d+)\\.");

  private final Pattern targetRegex;
  private final Pattern excludedRegex;
  private final List<String> excludedNames;
  private final Set<Integer> layers;
  private final List<Pattern> layerPatterns;
  private final String description;

  private PeftModuleSelection(
      Pattern targetRegex,
      Pattern excludedRegex,
      List<String> excludedNames,
      Set<Integer> layers,
      List<Pattern> layerPatterns,
      String description) {
    this.targetRegex = targetRegex;
    this.excludedRegex = excludedRegex;
    this.excludedNames = excludedNames;
    this.layers = layers;
    this.layerPatterns = layerPatterns;
    this.description = description;
  }

  /**
   * Reads the three keys and a regex {@code target_modules}, adding what cannot be read to {@code
   * problems}.
   */
  static PeftModuleSelection read(JsonNode json, List<String> problems) {
    List<String> described = new ArrayList<>();
    Pattern targetRegex = null;
    JsonNode targets = json.path("target_modules");
    if (targets.isTextual() && targets.asText().equalsIgnoreCase("all-linear")) {
      problems.add(
          "target_modules " + targets + " (PEFT's every linear layer) is not supported: name them");
    } else if (targets.isTextual()) {
      targetRegex = regex("target_modules", targets.asText(), problems);
      described.add("target_modules " + targets);
    }
    Pattern excludedRegex = null;
    List<String> excludedNames = new ArrayList<>();
    JsonNode exclude = json.path("exclude_modules");
    if (exclude.isTextual() && !exclude.asText().isEmpty()) {
      excludedRegex = regex("exclude_modules", exclude.asText(), problems);
      described.add("exclude_modules " + exclude);
    } else if (exclude.isArray() && !exclude.isEmpty()) {
      strings("exclude_modules", exclude, excludedNames, problems);
      described.add("exclude_modules " + exclude);
    } else if (!isEmpty(exclude)) {
      problems.add("exclude_modules " + exclude + " is neither a regex nor a list of names");
    }
    Set<Integer> layers = null;
    JsonNode indexes = json.path("layers_to_transform");
    if (indexes.isInt()) {
      layers = Set.of(indexes.asInt());
    } else if (indexes.isArray() && !indexes.isEmpty()) {
      layers = new LinkedHashSet<>();
      for (JsonNode index : indexes) {
        if (index.isInt()) {
          layers.add(index.asInt());
        } else {
          problems.add(
              "layers_to_transform " + indexes + " holds " + index + ", not a layer index");
        }
      }
    } else if (!isEmpty(indexes)) {
      problems.add("layers_to_transform " + indexes + " is neither an index nor a list of them");
    }
    List<Pattern> layerPatterns = new ArrayList<>();
    JsonNode pattern = json.path("layers_pattern");
    List<String> patterns = new ArrayList<>();
    if (pattern.isTextual()) {
      patterns.add(pattern.asText());
    } else if (pattern.isArray()) {
      strings("layers_pattern", pattern, patterns, problems);
    } else if (!isEmpty(pattern)) {
      problems.add("layers_pattern " + pattern + " is neither a name nor a list of names");
    }
    for (String name : patterns) {
      if (!name.isEmpty()) {
        Pattern compiled = regex("layers_pattern", ".*?\\." + name + "\\.(\\d+)\\.", problems);
        if (compiled != null) {
          layerPatterns.add(compiled);
        }
      }
    }
    if (targets.isTextual() && (!isEmpty(indexes) || !isEmpty(pattern))) {
      problems.add(
          "layers_to_transform / layers_pattern beside a regex target_modules are not supported:"
              + " older PEFT ignores them, newer refuses the config");
    }
    if (layers != null) {
      described.add("layers_to_transform " + indexes);
      if (!layerPatterns.isEmpty()) {
        described.add("layers_pattern " + pattern);
      }
    }
    return new PeftModuleSelection(
        targetRegex,
        excludedRegex,
        excludedNames,
        layers,
        layerPatterns,
        String.join(", ", described));
  }

  /** Whether PEFT wraps the target module at {@code path}. */
  boolean wraps(String path) {
    if (excluded(path)) {
      return false;
    }
    if (targetRegex != null) {
      return targetRegex.matcher(path).matches();
    }
    if (layers == null) {
      return true;
    }
    Integer layer = layerIndex(path);
    return layer != null && layers.contains(layer);
  }

  /** Whether {@code target_modules} is a regex, so the file's tensors name the target modules. */
  boolean byRegex() {
    return targetRegex != null;
  }

  /**
   * The modules of a Hugging Face Llama with {@code layers} layers, other than the seven
   * projections, that a regex {@code target_modules} matches (the root module is named "").
   */
  List<String> modulesNotModelled(int layers) {
    if (targetRegex == null) {
      return List.of();
    }
    List<String> names =
        new ArrayList<>(
            List.of(
                "",
                "model",
                "model.embed_tokens",
                "model.layers",
                "model.norm",
                "model.rotary_emb",
                "lm_head"));
    for (int layer = 0; layer < layers; layer++) {
      String prefix = "model.layers." + layer;
      names.add(prefix);
      for (String child :
          List.of(
              "self_attn",
              "self_attn.rotary_emb",
              "mlp",
              "mlp.act_fn",
              "input_layernorm",
              "post_attention_layernorm")) {
        names.add(prefix + "." + child);
      }
    }
    return names.stream().filter(name -> wraps(name)).toList();
  }

  /** Whether the adapter names any of the three keys (so some modules may be the plain base). */
  boolean selects() {
    return !description.isEmpty();
  }

  /** The keys that select, as the config spells them, for messages. */
  @Override
  public String toString() {
    return description;
  }

  private boolean excluded(String path) {
    if (excludedRegex != null) {
      return excludedRegex.matcher(path).matches();
    }
    for (String name : excludedNames) {
      if (path.equals(name) || path.endsWith("." + name)) {
        return true;
      }
    }
    return false;
  }

  private Integer layerIndex(String path) {
    // re.match anchors only at the start: lookingAt. PEFT since #3318 takes the first numbered
    // segment (lazy .*?), before it the last (greedy .*); a decoder path has only one
    if (layerPatterns.isEmpty()) {
      Matcher matcher = ANY_LAYER.matcher(path);
      return matcher.lookingAt() ? Integer.valueOf(matcher.group(1)) : null;
    }
    for (Pattern pattern : layerPatterns) {
      Matcher matcher = pattern.matcher(path);
      if (matcher.lookingAt()) {
        return Integer.valueOf(matcher.group(1));
      }
    }
    return null;
  }

  private static boolean isEmpty(JsonNode node) {
    return node.isMissingNode()
        || node.isNull()
        || (node.isTextual() && node.asText().isEmpty())
        || (node.isArray() && node.isEmpty());
  }

  private static void strings(
      String key, JsonNode array, List<String> into, List<String> problems) {
    for (JsonNode item : array) {
      if (item.isTextual()) {
        into.add(item.asText());
      } else {
        problems.add(key + " " + array + " holds " + item + ", not a name");
      }
    }
  }

  private static Pattern regex(String key, String regex, List<String> problems) {
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      problems.add(key + " is not a regular expression: " + e.getDescription());
      return null;
    }
  }
}
