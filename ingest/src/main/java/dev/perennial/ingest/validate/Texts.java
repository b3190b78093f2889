package dev.perennial.ingest.validate;

/** Measures and checks text as it travels in UTF-8. */
public final class Texts {

  /** What a decoder puts in place of bytes that are not UTF-8. */
  private static final char REPLACEMENT_CHARACTER = '\uFFFD';

  private Texts() {}

  /** The length of {@code text} in bytes of UTF-8, without encoding it. */
  public static long utf8Length(CharSequence text) {
    long bytes = 0;
    int length = text.length();
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < length
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /**
   * Whether {@code text} came from valid UTF-8: Avro decodes invalid bytes to U+FFFD, and a string
   * with an unpaired surrogate has no UTF-8 form. A literal U+FFFD in the app's text cannot be told
   * apart from a decoding error, so it counts as invalid too.
   */
  public static boolean isWellFormedUtf8(CharSequence text) {
    int length = text.length();
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (c == REPLACEMENT_CHARACTER) {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= length || !Character.isLowSurrogate(text.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code text} holds an ISO control character (a line break or tab included). */
  public static boolean hasControlCharacter(CharSequence text) {
    for (int i = 0; i < text.length(); i++) {
      if (Character.isISOControl(text.charAt(i))) {
        return true;
      }
    }
    return false;
  }
}
