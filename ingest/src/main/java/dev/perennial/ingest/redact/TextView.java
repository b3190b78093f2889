package dev.perennial.ingest.redact;

/**
 * A text as the detectors read it: the same length and offsets as the original, with every decimal
 * digit of any script written as an ASCII digit, fullwidth forms ({@code ４１１１}, {@code ＠}) as their
 * ASCII letters and signs, every kind of space (no-break, thin, ideographic) as a plain space and
 * every kind of dash as {@code -}. A span found here is the same span of the original.
 */
final class TextView {

  private TextView() {}

  /** The folded text; the same instance when nothing needed folding. */
  static String fold(String text) {
    char[] chars = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        continue;
      }
      char folded = fold(c);
      if (folded != c) {
        if (chars == null) {
          chars = text.toCharArray();
        }
        chars[i] = folded;
      }
    }
    return chars == null ? text : new String(chars);
  }

  private static char fold(char c) {
    if (c >= '\uFF01' && c <= '\uFF5E') {
      return (char) (c - 0xFEE0); // fullwidth ASCII
    }
    if (Character.getType(c) == Character.DECIMAL_DIGIT_NUMBER) {
      return (char) ('0' + Character.digit(c, 10));
    }
    if (Character.isSpaceChar(c)) {
      return ' ';
    }
    return switch (c) {
      case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', '\uFE63' -> '-';
      case '\u2024', '\u00B7' -> '.';
      default -> c;
    };
  }
}
