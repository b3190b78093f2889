package dev.perennial.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Hugging Face tokenizer folders for tests: a byte-level BPE {@code tokenizer.json} in the shape
 * GPT-2, Qwen2 and Llama 3 ship (bytes 0-255 as ids 0-255, five merges spelling " Paris", then
 * three special tokens), with or without a BOS its post-processor puts in front.
 */
public final class TestTokenizers {

  /** Ids of the merged tokens and the special tokens. */
  public static final int PARIS = 260;

  public static final int END_OF_TEXT = 261;
  public static final int IM_START = 262;
  public static final int IM_END = 263;
  public static final int VOCAB_SIZE = 264;

  private static final ObjectMapper JSON = new ObjectMapper();

  private TestTokenizers() {}

  /**
   * Writes {@code tokenizer.json}.
   *
   * @param bosInFront the special token the post-processor puts in front of a sequence, or null
   *     (Qwen2: nothing)
   */
  public static void writeByteLevelBpe(Path folder, String bosInFront) {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    String[] specials = {"<|endoftext|>", "<|im_start|>", "<|im_end|>"};
    for (int i = 0; i < specials.length; i++) {
      ObjectNode token = added.addObject();
      token.put("id", END_OF_TEXT + i);
      token.put("content", specials[i]);
      token.put("single_word", false);
      token.put("lstrip", false);
      token.put("rstrip", false);
      token.put("normalized", false);
      token.put("special", true);
    }
    root.putNull("normalizer");
    ObjectNode pre = root.putObject("pre_tokenizer");
    pre.put("type", "ByteLevel");
    pre.put("add_prefix_space", false);
    pre.put("trim_offsets", true);
    pre.put("use_regex", true);
    if (bosInFront == null) {
      ObjectNode post = root.putObject("post_processor");
      post.put("type", "ByteLevel");
      post.put("add_prefix_space", false);
      post.put("trim_offsets", false);
      post.put("use_regex", true);
    } else {
      ObjectNode post = root.putObject("post_processor");
      post.put("type", "TemplateProcessing");
      ArrayNode single = post.putArray("single");
      single.addObject().putObject("SpecialToken").put("id", bosInFront).put("type_id", 0);
      single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
      ArrayNode pair = post.putArray("pair");
      pair.addObject().putObject("SpecialToken").put("id", bosInFront).put("type_id", 0);
      pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
      pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
      ObjectNode special = post.putObject("special_tokens").putObject(bosInFront);
      special.put("id", bosInFront);
      special.putArray("ids").add(idOf(bosInFront));
      special.putArray("tokens").add(bosInFront);
    }
    ObjectNode decoder = root.putObject("decoder");
    decoder.put("type", "ByteLevel");
    decoder.put("add_prefix_space", true);
    decoder.put("trim_offsets", true);
    decoder.put("use_regex", true);
    ObjectNode model = root.putObject("model");
    model.put("type", "BPE");
    model.putNull("dropout");
    model.putNull("unk_token");
    model.putNull("continuing_subword_prefix");
    model.putNull("end_of_word_suffix");
    model.put("fuse_unk", false);
    model.put("byte_fallback", false);
    model.put("ignore_merges", false);
    ObjectNode vocab = model.putObject("vocab");
    List<String> byteChars = byteLevelAlphabet();
    for (int b = 0; b < 256; b++) {
      vocab.put(byteChars.get(b), b);
    }
    String[][] merges = {{"Ġ", "P"}, {"a", "r"}, {"i", "s"}, {"ĠP", "ar"}, {"ĠPar", "is"}};
    ArrayNode mergeList = model.putArray("merges");
    for (int i = 0; i < merges.length; i++) {
      vocab.put(merges[i][0] + merges[i][1], 256 + i);
      mergeList.add(merges[i][0] + " " + merges[i][1]);
    }
    write(folder.resolve("tokenizer.json"), root.toString());
  }

  private static int idOf(String special) {
    return switch (special) {
      case "<|endoftext|>" -> END_OF_TEXT;
      case "<|im_start|>" -> IM_START;
      case "<|im_end|>" -> IM_END;
      default -> throw new IllegalArgumentException(special);
    };
  }

  /** GPT-2's bytes_to_unicode: the printable character standing for each byte. */
  private static List<String> byteLevelAlphabet() {
    List<Integer> bytes = new ArrayList<>();
    for (int b = '!'; b <= '~'; b++) {
      bytes.add(b);
    }
    for (int b = 0xA1; b <= 0xAC; b++) {
      bytes.add(b);
    }
    for (int b = 0xAE; b <= 0xFF; b++) {
      bytes.add(b);
    }
    String[] chars = new String[256];
    for (int b : bytes) {
      chars[b] = String.valueOf((char) b);
    }
    int next = 0;
    for (int b = 0; b < 256; b++) {
      if (chars[b] == null) {
        chars[b] = String.valueOf((char) (256 + next++));
      }
    }
    return List.of(chars);
  }

  /** A bundled test resource as text. */
  public static String resource(String path) {
    try (InputStream in = TestTokenizers.class.getResourceAsStream(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A bundled test resource folder on disk. */
  public static Path resourceFolder(String path) {
    try {
      return Path.of(TestTokenizers.class.getResource(path).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  public static void write(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
