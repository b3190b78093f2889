package dev.perennial.model.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.model.ModelException;
import dev.perennial.model.llama.LlamaConfig;
import dev.perennial.model.runtime.DjlOffline;
import dev.perennial.model.tokenizer.chat.ChatTemplate;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Hugging Face tokenizer folder through DJL's tokenizers artifact (whose jar carries the native
 * library for linux-x86_64, so it loads offline), with the special tokens and chat template the
 * folder's files name. How each is decided, as transformers decides it:
 *
 * <ul>
 *   <li>BOS: {@code add_bos_token} of {@code tokenizer_config.json} when it is set (the token is
 *       its {@code bos_token}); otherwise whatever {@code tokenizer.json}'s post-processor puts in
 *       front of a sequence (Llama 3's {@code <|begin_of_text|>}; nothing for Qwen2, whose config's
 *       {@code bos_token_id} is never prepended);
 *   <li>the end of a training sequence: {@code eos_token} of {@code tokenizer_config.json} (or
 *       {@code special_tokens_map.json}), else the first {@code eos_token_id} of {@code
 *       generation_config.json}, else of {@code config.json};
 *   <li>what stops generation: that token and every id of both files' {@code eos_token_id} lists;
 *   <li>padding: {@code pad_token}, else {@code generation_config.json}'s {@code pad_token_id},
 *       else the end token;
 *   <li>the chat template: {@code chat_template.jinja} or {@code tokenizer_config.json}'s {@code
 *       chat_template}.
 * </ul>
 *
 * A token text a file names but the vocabulary lacks, or an id outside the model's vocabulary, is
 * refused by name. Untrusted text ({@link #encodeText}) is encoded by a second tokenizer of the
 * same {@code tokenizer.json} without its special added tokens, so a literal {@code <|eot_id|>} or
 * {@code </s>} in it stays text.
 */
public final class HuggingFaceTextTokenizer implements TextTokenizer, AutoCloseable {

  private static final Map<String, String> ENCODE_ONLY =
      Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false");

  private final HuggingFaceTokenizer tokenizer;
  // the same without special added tokens: untrusted text's special-token texts stay text
  private final HuggingFaceTokenizer plain;
  private final Set<Integer> specialIds;
  private final int bosId;
  private final int eosId;
  private final Set<Integer> stopIds;
  private final int padId;
  private final ChatTemplate chatTemplate;
  private final List<String> specialTexts;

  private HuggingFaceTextTokenizer(
      HuggingFaceTokenizer tokenizer,
      HuggingFaceTokenizer plain,
      Set<Integer> specialIds,
      int bosId,
      int eosId,
      Set<Integer> stopIds,
      int padId,
      ChatTemplate chatTemplate,
      List<String> specialTexts) {
    this.tokenizer = tokenizer;
    this.plain = plain;
    this.specialIds = Set.copyOf(specialIds);
    this.bosId = bosId;
    this.eosId = eosId;
    this.stopIds = Collections.unmodifiableSet(stopIds);
    this.padId = padId;
    this.chatTemplate = chatTemplate;
    this.specialTexts = List.copyOf(specialTexts);
  }

  /** Loads the tokenizer of a model folder ({@code tokenizer.json} and its companions). */
  public static HuggingFaceTextTokenizer load(Path folder, LlamaConfig config) {
    DjlOffline.enforce();
    HuggingFaceFiles files = new HuggingFaceFiles(folder);
    checkIdsHaveEmbeddingRows(files, config);
    HuggingFaceTokenizer tokenizer = open(folder.resolve(HuggingFaceFiles.TOKENIZER));
    HuggingFaceTokenizer plain = null;
    try {
      plain = openPlain(files);
      int bos = bos(files, tokenizer);
      String eosText = files.specialToken("eos_token");
      int eos;
      if (eosText != null) {
        eos = files.idOf(eosText, HuggingFaceFiles.TOKENIZER_CONFIG + " eos_token");
      } else if (!files.generationIds("eos_token_id").isEmpty()) {
        eos = files.generationIds("eos_token_id").get(0);
      } else if (config.eosTokenId() >= 0) {
        eos = config.eosTokenId();
      } else {
        throw new ModelException(
            folder
                + " names no end-of-sequence token (eos_token in "
                + HuggingFaceFiles.TOKENIZER_CONFIG
                + ", eos_token_id in "
                + HuggingFaceFiles.GENERATION_CONFIG
                + " or config.json), which training and generation need");
      }
      Set<Integer> stops = new LinkedHashSet<>();
      stops.add(eos);
      stops.addAll(files.generationIds("eos_token_id"));
      stops.addAll(config.eosTokenIds());
      String padText = files.specialToken("pad_token");
      int pad =
          padText != null
              ? files.idOf(padText, HuggingFaceFiles.TOKENIZER_CONFIG + " pad_token")
              : files.generationIds("pad_token_id").stream().findFirst().orElse(eos);
      List<Integer> all = new ArrayList<>(stops);
      all.add(pad);
      if (bos >= 0) {
        all.add(bos);
      }
      for (int id : all) {
        if (id < 0 || id >= config.vocabSize()) {
          throw new ModelException(
              folder
                  + ": special token id "
                  + id
                  + " is outside the vocabulary of "
                  + config.vocabSize());
        }
      }
      return new HuggingFaceTextTokenizer(
          tokenizer,
          plain,
          files.specialIds,
          bos,
          eos,
          stops,
          pad,
          chatTemplate(files),
          files.specialTexts);
    } catch (RuntimeException e) {
      tokenizer.close();
      if (plain != null) {
        plain.close();
      }
      throw e;
    }
  }

  /**
   * Every id the tokenizer can produce needs a row of the embedding, whose row count is {@code
   * vocab_size} (the weights are refused unless it is): an id without one would fail only at the
   * first text holding it, in the engine's lookup. More rows than ids (a padded embedding) is fine.
   */
  private static void checkIdsHaveEmbeddingRows(HuggingFaceFiles files, LlamaConfig config) {
    if (files.largestId >= config.vocabSize()) {
      throw new ModelException(
          files.folder.resolve(HuggingFaceFiles.TOKENIZER)
              + " has the token '"
              + files.largestIdText
              + "' with id "
              + files.largestId
              + ", but the model's embedding has "
              + config.vocabSize()
              + " rows (vocab_size in config.json), so no id from "
              + config.vocabSize()
              + " on can be read");
    }
  }

  private static HuggingFaceTokenizer openPlain(HuggingFaceFiles files) {
    Path source = files.folder.resolve(HuggingFaceFiles.TOKENIZER);
    if (files.plainTokenizerJson == null) {
      throw new ModelException(source + " holds no JSON object");
    }
    try (InputStream json =
        new ByteArrayInputStream(files.plainTokenizerJson.getBytes(StandardCharsets.UTF_8))) {
      return HuggingFaceTokenizer.newInstance(json, ENCODE_ONLY);
    } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
      throw new ModelException(
          "cannot load " + source + " without its special tokens: " + e.getMessage(), e);
    }
  }

  private static HuggingFaceTokenizer open(Path tokenizerJson) {
    try {
      return HuggingFaceTokenizer.newInstance(tokenizerJson, ENCODE_ONLY);
    } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
      throw new ModelException(
          "cannot load the Hugging Face tokenizer "
              + tokenizerJson
              + " through DJL's tokenizers native library: "
              + e.getMessage(),
          e);
    }
  }

  /** The BOS id, or -1 when sequences start with none. */
  private static int bos(HuggingFaceFiles files, HuggingFaceTokenizer tokenizer) {
    int added = addedInFront(tokenizer, files);
    JsonNode addBos = files.tokenizerConfig.get("add_bos_token");
    if (addBos == null || addBos.isNull()) {
      return added;
    }
    if (!addBos.isBoolean()) {
      throw new ModelException(
          files.folder.resolve(HuggingFaceFiles.TOKENIZER_CONFIG)
              + " add_bos_token is "
              + addBos
              + ", not true or false");
    }
    if (!files.tokenizerConfig.get("add_bos_token").asBoolean()) {
      return -1;
    }
    String text = files.specialToken("bos_token");
    if (text != null) {
      return files.idOf(text, HuggingFaceFiles.TOKENIZER_CONFIG + " bos_token");
    }
    if (added >= 0) {
      return added;
    }
    throw new ModelException(
        files.folder.resolve(HuggingFaceFiles.TOKENIZER_CONFIG)
            + " sets add_bos_token but names no bos_token");
  }

  /** The special token the tokenizer's post-processor puts in front of a sequence, or -1. */
  private static int addedInFront(HuggingFaceTokenizer tokenizer, HuggingFaceFiles files) {
    Encoding encoding = tokenizer.encode("a", true, false);
    long[] ids = encoding.getIds();
    long[] special = encoding.getSpecialTokenMask();
    int leading = 0;
    while (leading < ids.length && special[leading] == 1) {
      leading++;
    }
    if (leading > 1) {
      throw new ModelException(
          files.folder.resolve(HuggingFaceFiles.TOKENIZER)
              + " puts "
              + leading
              + " special tokens in front of every sequence; only a single BOS is supported");
    }
    return leading == 1 ? Math.toIntExact(ids[0]) : -1;
  }

  private static ChatTemplate chatTemplate(HuggingFaceFiles files) {
    String source = files.chatTemplate();
    if (source == null) {
      return null;
    }
    Map<String, String> specials = new LinkedHashMap<>();
    for (String name : List.of("bos_token", "eos_token", "unk_token", "pad_token")) {
      String text = files.specialToken(name);
      if (text != null) {
        specials.put(name, text);
      }
    }
    try {
      return ChatTemplate.parse(source, specials);
    } catch (ModelException e) {
      throw new ModelException(files.folder + ": " + e.getMessage(), e);
    }
  }

  @Override
  public int[] encode(String text) {
    return encodeWithEnds(text).ids();
  }

  @Override
  public Encoded encodeWithEnds(String text) {
    return encode(tokenizer, text);
  }

  /**
   * Encodes with the tokenizer that has no special added tokens; an id of a special token that
   * still comes out (a vocabulary piece a Unigram model may pick) is refused by name.
   */
  @Override
  public Encoded encodeText(String text) {
    Encoded encoded = encode(plain, text);
    for (int id : encoded.ids()) {
      if (specialIds.contains(id)) {
        throw new ModelException(
            "the text encodes to the special token id "
                + id
                + " even without the tokenizer's special tokens; refused, so that no text forges"
                + " a control token");
      }
    }
    return encoded;
  }

  private static Encoded encode(HuggingFaceTokenizer tokenizer, String text) {
    Encoding encoding = tokenizer.encode(text, false, false);
    long[] ids = encoding.getIds();
    CharSpan[] spans = encoding.getCharTokenSpans();
    int[] result = new int[ids.length];
    int[] ends = new int[ids.length];
    // spans count Unicode code points; a Java index counts UTF-16 units
    int[] charIndex = codePointToCharIndex(text);
    int previous = 0;
    for (int i = 0; i < ids.length; i++) {
      result[i] = Math.toIntExact(ids[i]);
      CharSpan span = spans == null || i >= spans.length ? null : spans[i];
      int end = span == null ? previous : charIndex[Math.min(span.getEnd(), charIndex.length - 1)];
      ends[i] = Math.max(end, previous);
      previous = ends[i];
    }
    return new Encoded(result, ends);
  }

  private static int[] codePointToCharIndex(String text) {
    int[] index = new int[text.codePointCount(0, text.length()) + 1];
    int codePoint = 0;
    for (int at = 0; at < text.length(); at += Character.charCount(text.codePointAt(at))) {
      index[codePoint++] = at;
    }
    index[codePoint] = text.length();
    return index;
  }

  @Override
  public String decode(int[] ids) {
    long[] longs = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      longs[i] = ids[i];
    }
    return tokenizer.decode(longs, true);
  }

  @Override
  public int bosId() {
    return bosId;
  }

  @Override
  public int eosId() {
    return eosId;
  }

  @Override
  public Set<Integer> stopIds() {
    return stopIds;
  }

  @Override
  public int padId() {
    return padId;
  }

  @Override
  public ChatTemplate chatTemplate() {
    return chatTemplate;
  }

  @Override
  public List<String> specialTokenTexts() {
    return specialTexts;
  }

  @Override
  public void close() {
    tokenizer.close();
    plain.close();
  }
}
