package dev.perennial.ingest.redact;

/**
 * A text as the detectors read it: every decimal digit of any script (those outside the basic plane
 * too, such as mathematical digits) written as an ASCII digit, fullwidth forms ({@code ４１１１},
 * {@code ＠}) and the small commercial at ({@code ﹫}) as their ASCII letters and signs, every kind
 * of space (no-break, thin, ideographic) as a plain space, every kind of dash as {@code -}, and
 * invisible format characters (zero-width spaces and joiners, the word joiner, soft hyphens,
 * direction marks, tag characters) left out, since they hide a value from a reader no more than
 * from a detector. So is a combining mark on anything but a letter (U+0301 after {@code 4111}: an
 * accent or a keycap on a digit is still that digit); a letter keeps its marks. An at sign escaped
 * for a URL or HTML ({@code jane%40example.com}, {@code &#64;}, {@code &#x40;}, {@code &commat;})
 * reads as {@code @}: a link or a page shows the address all the same. A span found in the view
 * maps back to the span of the original that holds it ({@link #original}).
 */
final class TextView {

  private static final String[] ESCAPED_AT = {"%40", "&#64;", "&#064;", "&#x40;", "&commat;"};

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
    while (plain < length && text.charAt(plain) < 0x80 && escapedAt(text, plain) == 0) {
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
      int escaped = escapedAt(text, i);
      if (escaped > 0) {
        from[view.length()] = i;
        to[view.length()] = i + escaped;
        view.append('@');
        i += escaped;
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
   * The length of the at sign escaped for a URL ({@code %40}) or for HTML ({@code &#64;}, {@code
   * &#064;}, {@code &#x40;}, {@code &commat;}) at {@code i}, or 0 when there is none.
   */
  private static int escapedAt(String text, int i) {
    char c = text.charAt(i);
    if (c != '%' && c != '&') {
      return 0;
    }
    for (String escape : ESCAPED_AT) {
      if (text.regionMatches(true, i, escape, 0, escape.length())) {
        return escape.length();
      }
    }
    return 0;
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
    if (Character.getType(c) == Character.DECIMAL_DIGIT_NUMBER) {
      return (char) ('0' + Character.digit(c, 10));
    }
    if (Character.isSpaceChar(c)) {
      return ' ';
    }
    return switch (c) {
      case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', '\uFE63' -> '-';
      case '\u2024', '\u00B7' -> '.';
      case '\uFE6B' -> '@';
      default -> c;
    };
  }
}
