package dev.perennial.ingest.redact;

import java.text.Normalizer;

/**
 * A text as the detectors read it: every decimal digit of any script (those outside the basic plane
 * too, such as mathematical digits) written as an ASCII digit, fullwidth forms ({@code ４１１１},
 * {@code ＠}) and the small commercial at ({@code ﹫}) as their ASCII letters and signs, every kind
 * of space (no-break, thin, ideographic) as a plain space, every kind of dash as {@code -}, and
 * invisible format characters (zero-width spaces and joiners, the word joiner, soft hyphens,
 * direction marks, tag characters) left out, since they hide a value from a reader no more than
 * from a detector. So is a combining mark on anything but a letter (U+0301 after {@code 4111}: an
 * accent or a keycap on a digit is still that digit); a letter keeps its marks. The small form
 * variants of CJK compatibility ({@code ﹒}, {@code ﹫}, {@code ﹢}, {@code ﹙}) read as the ASCII
 * signs they are drawn as. An at sign escaped for a URL ({@code jane%40example.com}, the dots too:
 * {@code %2E}), with a backslash (Markdown, Perl strings: {@code jane\@example.com}) or as an HTML
 * character reference ({@code &#64;}, {@code &#0064;}, {@code &#x40;}, {@code &#64} without its
 * semicolon, which browsers read too, {@code &commat;}) reads as {@code @}, and a dot escaped as a
 * reference ({@code &#46;}, {@code &#x2E;}, {@code &period;}) as {@code .}: a link or a page shows
 * the address all the same. A span found in the view maps back to the span of the original that
 * holds it ({@link #original}).
 */
final class TextView {

  /** An escaped sign: the sign and the length of its escape. */
  private record Escape(char sign, int length) {}

  private final String text;
  // where each character of the view came from: [from[i], to[i]) of the original; null when the
  // view has the original's offsets
  private final int[] from;
  private final int[] to;

  private TextView(String text, int[] from, int[] to) {
    this.text = text;
    this.from = from;
    this.to = to;
  }

  /** The view of {@code text}. */
  static TextView of(String text) {
    int length = text.length();
    int plain = 0;
    while (plain < length && text.charAt(plain) < 0x80 && escapeAt(text, plain) == null) {
      plain++;
    }
    if (plain == length) {
      return new TextView(text, null, null);
    }
    StringBuilder view = new StringBuilder(length).append(text, 0, plain);
    int[] from = new int[length];
    int[] to = new int[length];
    for (int i = 0; i < plain; i++) {
      from[i] = i;
      to[i] = i + 1;
    }
    for (int i = plain; i < length; ) {
      Escape escape = escapeAt(text, i);
      if (escape != null) {
        from[view.length()] = i;
        to[view.length()] = i + escape.length();
        view.append(escape.sign());
        i += escape.length();
        continue;
      }
      int codePoint = text.codePointAt(i);
      int width = Character.charCount(codePoint);
      int type = Character.getType(codePoint);
      if (type != Character.FORMAT && !(isMark(type) && !afterLetter(view))) {
        char[] folded =
            width == 2 && type == Character.DECIMAL_DIGIT_NUMBER
                ? new char[] {(char) ('0' + Character.digit(codePoint, 10))}
                : width == 2 ? Character.toChars(codePoint) : new char[] {fold(text.charAt(i))};
        for (char c : folded) {
          from[view.length()] = i;
          to[view.length()] = i + width;
          view.append(c);
        }
      }
      i += width;
    }
    return new TextView(view.toString(), from, to);
  }

  /**
   * The at sign or dot escaped at {@code i}: {@code %40} or {@code %2E}, {@code \@}, a named
   * reference ({@code &commat;}, {@code &period;}, any case) or a numeric one, decimal or
   * hexadecimal, with any number of leading zeros and with or without its semicolon; null when
   * there is none.
   */
  private static Escape escapeAt(String text, int i) {
    char c = text.charAt(i);
    if (c == '%') {
      return text.startsWith("%40", i)
          ? new Escape('@', 3)
          : text.regionMatches(true, i, "%2E", 0, 3) ? new Escape('.', 3) : null;
    }
    if (c == '\\') {
      return text.startsWith("@", i + 1) ? new Escape('@', 2) : null;
    }
    if (c != '&') {
      return null;
    }
    if (text.regionMatches(true, i, "&commat;", 0, 8)) {
      return new Escape('@', 8);
    }
    if (text.regionMatches(true, i, "&period;", 0, 8)) {
      return new Escape('.', 8);
    }
    return numericReference(text, i);
  }

  /** {@code &#64;}, {@code &#x2E}, ... at {@code i} if it is an at sign or a dot, else null. */
  private static Escape numericReference(String text, int i) {
    int j = i + 2;
    if (j > text.length() || text.charAt(i + 1) != '#') {
      return null;
    }
    int radix = 10;
    if (j < text.length() && (text.charAt(j) == 'x' || text.charAt(j) == 'X')) {
      radix = 16;
      j++;
    }
    int digitsStart = j;
    int value = 0;
    // every digit is read once, by the one reference it belongs to; a value past Unicode's end
    // stops counting, as it names no sign
    while (j < text.length() && Character.digit(text.charAt(j), radix) >= 0) {
      if (value <= Character.MAX_CODE_POINT) {
        value = value * radix + Character.digit(text.charAt(j), radix);
      }
      j++;
    }
    if (j == digitsStart || value != '@' && value != '.') {
      return null;
    }
    if (j < text.length() && text.charAt(j) == ';') {
      j++;
    }
    return new Escape((char) value, j - i);
  }

  /** A combining mark (an accent, an enclosing keycap, a variation selector). */
  private static boolean isMark(int type) {
    return type == Character.NON_SPACING_MARK
        || type == Character.ENCLOSING_MARK
        || type == Character.COMBINING_SPACING_MARK;
  }

  /** Whether the view so far ends in a letter, which a combining mark belongs to. */
  private static boolean afterLetter(StringBuilder view) {
    return view.length() > 0 && Character.isLetter(view.codePointBefore(view.length()));
  }

  /** The text the detectors read. */
  String text() {
    return text;
  }

  /** The span of the original text that holds {@code span} of the view. */
  Spans.Span original(Spans.Span span) {
    if (from == null) {
      return span;
    }
    return new Spans.Span(from[span.start()], to[span.end() - 1], span.type());
  }

  private static char fold(char c) {
    if (c >= '\uFF01' && c <= '\uFF5E') {
      return (char) (c - 0xFEE0); // fullwidth ASCII
    }
    if (c >= '\uFE50' && c <= '\uFE6B') {
      return smallForm(c);
    }
    if (Character.getType(c) == Character.DECIMAL_DIGIT_NUMBER) {
      return (char) ('0' + Character.digit(c, 10));
    }
    if (Character.isSpaceChar(c)) {
      return ' ';
    }
    return switch (c) {
      case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212' -> '-';
      case '\u2024', '\u00B7' -> '.';
      default -> c;
    };
  }

  /**
   * A small form variant (U+FE50..U+FE6B) as the ASCII sign it is drawn as ({@code ﹒} a dot, {@code
   * ﹫} an at sign), or itself when it stands for no ASCII sign (the small ideographic comma, the
   * tortoise shell brackets).
   */
  private static char smallForm(char c) {
    String compatible = Normalizer.normalize(String.valueOf(c), Normalizer.Form.NFKC);
    return compatible.length() == 1 && compatible.charAt(0) < 0x80 ? compatible.charAt(0) : c;
  }
}
