package dev.perennial.model.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * UTF-8 bytes as tokens: ids 0-255 are the byte values, then {@code <pad>} 256, {@code <bos>} 257
 * and {@code <eos>} 258. The bundled {@code perennial-tiny} base uses it; no vocabulary file is
 * needed.
 */
public final class ByteTokenizer implements TextTokenizer {

  public static final int PAD = 256;
  public static final int BOS = 257;
  public static final int EOS = 258;
  public static final int VOCAB_SIZE = 259;

  @Override
  public int[] encode(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int[] ids = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      ids[i] = bytes[i] & 0xFF;
    }
    return ids;
  }

  /** Every byte of a character ends where the character ends. */
  @Override
  public Encoded encodeText(String text) {
    return encodeWithEnds(text); // bytes only: no special token has a text
  }

  @Override
  public Encoded encodeWithEnds(String text) {
    int[] ids = encode(text);
    int[] ends = new int[ids.length];
    int token = 0;
    for (int at = 0; at < text.length(); ) {
      int codePoint = text.codePointAt(at);
      int next = at + Character.charCount(codePoint);
      int bytes = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8).length;
      for (int b = 0; b < bytes; b++) {
        ends[token++] = next;
      }
      at = next;
    }
    return new Encoded(ids, ends);
  }

  @Override
  public String decode(int[] ids) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(ids.length);
    for (int id : ids) {
      if (id >= 0 && id < 256) {
        bytes.write(id);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Override
  public int bosId() {
    return BOS;
  }

  @Override
  public int eosId() {
    return EOS;
  }

  @Override
  public Set<Integer> stopIds() {
    return Set.of(EOS);
  }

  @Override
  public int padId() {
    return PAD;
  }
}
