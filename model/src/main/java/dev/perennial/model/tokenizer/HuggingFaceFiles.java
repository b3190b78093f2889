package dev.perennial.model.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.model.ModelException;
import dev.perennial.model.llama.TokenIds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tokenizer files of a Hugging Face model folder as JSON: {@code tokenizer.json} (vocabulary
 * and added tokens), and when present {@code tokenizer_config.json}, {@code
 * special_tokens_map.json}, {@code generation_config.json} and {@code chat_template.jinja}.
 */
final class HuggingFaceFiles {

  static final String TOKENIZER = "tokenizer.json";
  static final String TOKENIZER_CONFIG = "tokenizer_config.json";
  static final String SPECIAL_TOKENS_MAP = "special_tokens_map.json";
  static final String GENERATION_CONFIG = "generation_config.json";
  static final String CHAT_TEMPLATE = "chat_template.jinja";

  private static final ObjectMapper JSON = new ObjectMapper();

  final Path folder;
  final JsonNode tokenizerConfig;
  final JsonNode specialTokensMap;
  final JsonNode generationConfig;
  final String chatTemplateFile;

  /** Token text to id: added tokens and the model's vocabulary. */
  final Map<String, Integer> ids = new HashMap<>();

  /** The texts of added tokens marked special. */
  final List<String> specialTexts = new ArrayList<>();

  /** The ids of added tokens marked special. */
  final Set<Integer> specialIds = new HashSet<>();

  /** The largest id of the vocabulary and the added tokens, and a token text that has it. */
  int largestId = -1;

  String largestIdText;

  /**
   * {@code tokenizer.json} without its special added tokens: a tokenizer of it reads their texts as
   * plain text (what untrusted text is encoded with).
   */
  final String plainTokenizerJson;

  HuggingFaceFiles(Path folder) {
    this.folder = folder;
    JsonNode tokenizer = read(folder.resolve(TOKENIZER));
    tokenizerConfig = read(folder.resolve(TOKENIZER_CONFIG));
    specialTokensMap = read(folder.resolve(SPECIAL_TOKENS_MAP));
    generationConfig = read(folder.resolve(GENERATION_CONFIG));
    Path template = folder.resolve(CHAT_TEMPLATE);
    try {
      chatTemplateFile =
          Files.isRegularFile(template) ? Files.readString(template, StandardCharsets.UTF_8) : null;
    } catch (IOException e) {
      throw new ModelException("cannot read " + template + ": " + e.getMessage(), e);
    }
    JsonNode vocab = tokenizer.path("model").path("vocab");
    if (vocab.isObject()) {
      vocab.fields().forEachRemaining(e -> ids.put(e.getKey(), e.getValue().asInt()));
    } else if (vocab.isArray()) {
      // Unigram: [piece, score] pairs, id = position
      for (int i = 0; i < vocab.size(); i++) {
        ids.put(vocab.get(i).path(0).asText(), i);
      }
    }
    for (JsonNode added : tokenizer.path("added_tokens")) {
      ids.put(added.path("content").asText(), added.path("id").asInt());
      if (added.path("special").asBoolean(false)) {
        specialTexts.add(added.path("content").asText());
        specialIds.add(added.path("id").asInt());
      }
    }
    plainTokenizerJson = withoutSpecialAddedTokens(tokenizer);
    ids.forEach(
        (text, id) -> {
          if (id > largestId) {
            largestId = id;
            largestIdText = text;
          }
        });
  }

  private static String withoutSpecialAddedTokens(JsonNode tokenizer) {
    if (!tokenizer.isObject()) {
      return null;
    }
    ObjectNode plain = ((ObjectNode) tokenizer).deepCopy();
    ArrayNode kept = JSON.createArrayNode();
    for (JsonNode added : tokenizer.path("added_tokens")) {
      if (!added.path("special").asBoolean(false)) {
        kept.add(added);
      }
    }
    plain.set("added_tokens", kept);
    try {
      return JSON.writeValueAsString(plain);
    } catch (JsonProcessingException e) {
      throw new ModelException("cannot write a tokenizer without special tokens: " + e, e);
    }
  }

  /** A file's JSON, or a missing node when the file is absent. */
  private static JsonNode read(Path file) {
    if (!Files.isRegularFile(file)) {
      return MissingNode.getInstance();
    }
    try {
      return JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ModelException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The text of a special token named in {@code tokenizer_config.json} (or, failing that, {@code
   * special_tokens_map.json}): a string or an AddedToken object; null when neither names it.
   */
  String specialToken(String name) {
    String text = specialToken(TOKENIZER_CONFIG, tokenizerConfig, name);
    return text != null ? text : specialToken(SPECIAL_TOKENS_MAP, specialTokensMap, name);
  }

  private String specialToken(String file, JsonNode source, String name) {
    JsonNode node = source.get(name);
    if (node == null || node.isNull()) {
      return null;
    }
    JsonNode text = node.isObject() ? node.get("content") : node;
    if (text == null || !text.isTextual()) {
      // transformers refuses a special token that is neither a string nor an AddedToken
      throw new ModelException(
          folder.resolve(file) + " " + name + " is " + node + ", not a token's text");
    }
    return text.asText();
  }

  /** Whether {@code tokenizer_config.json} names the special token at all (null counts). */
  boolean namesSpecialToken(String name) {
    return tokenizerConfig.has(name) || specialTokensMap.has(name);
  }

  /** The id of a token text; a text the tokenizer lacks is refused, naming where it came from. */
  int idOf(String text, String namedBy) {
    Integer id = ids.get(text);
    if (id == null) {
      throw new ModelException(
          namedBy
              + " names the token '"
              + text
              + "', which "
              + folder.resolve(TOKENIZER)
              + " lacks");
    }
    return id;
  }

  /**
   * Ids of a number-or-list key of {@code generation_config.json}; an entry that is not an integer
   * (null in a list, a token's text) is refused, not read as id 0.
   */
  List<Integer> generationIds(String key) {
    List<JsonNode> notIds = new ArrayList<>();
    List<Integer> ids = TokenIds.read(generationConfig.get(key), notIds);
    if (!notIds.isEmpty()) {
      throw new ModelException(
          folder.resolve(GENERATION_CONFIG)
              + " "
              + key
              + " holds "
              + notIds.get(0)
              + ", which is not a token id");
    }
    return ids;
  }

  /**
   * The chat template text: {@code chat_template.jinja}, or the {@code chat_template} of {@code
   * tokenizer_config.json} (a string, or a list of named templates whose {@code default} is used);
   * null when the model has none. Two different templates in the two places are refused.
   */
  String chatTemplate() {
    JsonNode node = tokenizerConfig.get("chat_template");
    String configured = null;
    if (node != null && node.isTextual()) {
      configured = node.asText();
    } else if (node != null && node.isArray()) {
      List<String> names = new ArrayList<>();
      for (JsonNode entry : node) {
        names.add(entry.path("name").asText());
        if ("default".equals(entry.path("name").asText())) {
          configured = entry.path("template").asText();
        }
      }
      if (configured == null) {
        throw new ModelException(
            folder.resolve(TOKENIZER_CONFIG)
                + " has named chat templates "
                + names
                + " but none named default");
      }
    }
    if (chatTemplateFile != null && configured != null && !chatTemplateFile.equals(configured)) {
      throw new ModelException(
          folder
              + " has two different chat templates, in "
              + CHAT_TEMPLATE
              + " and in "
              + TOKENIZER_CONFIG
              + "; remove the one that is not meant");
    }
    return chatTemplateFile != null ? chatTemplateFile : configured;
  }
}
