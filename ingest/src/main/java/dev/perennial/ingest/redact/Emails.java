package dev.perennial.ingest.redact;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * E-mail addresses, with letters of any script (IDN: {@code jürgen@müller.de}, {@code 用户@例子.广告})
 * and in the obfuscated spellings people use: {@code name [at] example [dot] com}, {@code
 * name(at)example.com}, {@code name {at} example.com}, {@code name @ example . com}, {@code name at
 * example dot com}, with the local part's dots spelled alike ({@code jane dot doe at example dot
 * com}). An obfuscated or spaced address needs a known top-level domain (any two letters, or a
 * common generic one), so {@code visit us at acme.com} and code such as {@code X @ beta.values}
 * stay; an address followed by {@code (} is a method call ({@code this@Main.finish()}).
 */
final class Emails {

  private static final String LOCAL =
      "[\\p{L}\\p{N}_%+-](?:[\\p{L}\\p{M}\\p{N}._%+-]*[\\p{L}\\p{M}\\p{N}_%+-])?";
  private static final String LABEL =
      "[\\p{L}\\p{N}](?:[\\p{L}\\p{M}\\p{N}-]{0,62}[\\p{L}\\p{M}\\p{N}])?";
  private static final String ANY_TLD = "(?:\\p{L}[\\p{L}\\p{M}]{1,23}|xn--[a-z0-9-]{2,59})";
  private static final String KNOWN_TLD =
      "(?:[a-z]{2}|com|net|org|info|biz|edu|gov|mil|int|io|app|dev|ai|co|me|tv|xyz|online|site"
          + "|tech|shop|store|cloud|email|mail|name|pro|mobi)";
  private static final String BEFORE = "(?<![\\p{L}\\p{N}._%+@-])";
  private static final String AFTER = "(?![\\p{L}\\p{M}\\p{N}_-]|\\.[\\p{L}\\p{N}]|\\()";

  private static final String OBFUSCATED_AT =
      "(?:\\s*[\\[({<]\\s*(?:at|@)\\s*[\\])}>]\\s*|\\s+@\\s*|\\s*@\\s+)";
  // a local part spelled with dots too (john [dot] doe [at] ...), but not with a spaced plain
  // dot: that would take the word ending the sentence before a spaced address
  private static final String SPELLED_LOCAL =
      LOCAL + "(?:(?:\\s*[\\[({<]\\s*(?:dot|\\.)\\s*[\\])}>]\\s*|\\s+dot\\s+)" + LOCAL + ")*";
  private static final String OBFUSCATED_DOT =
      "(?:\\s*[\\[({<]\\s*(?:dot|\\.)\\s*[\\])}>]\\s*|\\s+dot\\s+|\\s*\\.\\s*)";

  private static final List<Pattern> PATTERNS =
      List.of(
          Pattern.compile(BEFORE + LOCAL + "@(?:" + LABEL + "\\.)+" + ANY_TLD + AFTER),
          Pattern.compile(
              BEFORE
                  + SPELLED_LOCAL
                  + OBFUSCATED_AT
                  + LABEL
                  + "(?:"
                  + OBFUSCATED_DOT
                  + LABEL
                  + ")*"
                  + OBFUSCATED_DOT
                  + KNOWN_TLD
                  + AFTER,
              Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE),
          Pattern.compile(
              BEFORE
                  + LOCAL
                  + "(?:\\s+dot\\s+"
                  + LOCAL
                  + ")*\\s+at\\s+"
                  + LABEL
                  + "(?:\\s+dot\\s+"
                  + LABEL
                  + ")*\\s+dot\\s+"
                  + KNOWN_TLD
                  + AFTER,
              Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));

  private Emails() {}

  /** Whether {@code [at]}, {@code (at)}, {@code {at}} or {@code <at>} (any case, spaces) occurs. */
  private static boolean hasBracketedAt(String text) {
    int length = text.length();
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (c != '[' && c != '(' && c != '{' && c != '<') {
        continue;
      }
      int j = skipSpaces(text, i + 1);
      if (j + 1 < length
          && (text.charAt(j) == 'a' || text.charAt(j) == 'A')
          && (text.charAt(j + 1) == 't' || text.charAt(j + 1) == 'T')) {
        int k = skipSpaces(text, j + 2);
        if (k < length && "])}>".indexOf(text.charAt(k)) >= 0) {
          return true;
        }
      }
    }
    return false;
  }

  private static int skipSpaces(String text, int from) {
    int i = from;
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    return i;
  }

  /**
   * Whether {@code dot} (any case) follows a space and precedes whitespace. One walk over the
   * characters: an ASCII character is an ASCII letter in any case only as itself or its upper case.
   */
  private static boolean hasSpelledDot(String text) {
    int length = text.length();
    for (int i = 1; i + 3 < length; i++) {
      char c = text.charAt(i);
      char o = text.charAt(i + 1);
      if ((c == 'd' || c == 'D')
          && (o == 'o' || o == 'O' || o >= 0x80)
          && text.charAt(i - 1) == ' '
          && text.regionMatches(true, i, "dot", 0, 3)
          && Character.isWhitespace(text.charAt(i + 3))) {
        return true;
      }
    }
    return false;
  }

  /** Runs each pattern only on a text that has what it needs: an @, a bracketed at, a dot. */
  static void find(String text, Spans spans) {
    boolean at = text.indexOf('@') >= 0;
    boolean obfuscated = at || hasBracketedAt(text);
    boolean words = hasSpelledDot(text);
    for (int i = 0; i < PATTERNS.size(); i++) {
      boolean worth = i == 0 ? at : i == 1 ? obfuscated : words;
      if (worth) {
        Matcher matcher = PATTERNS.get(i).matcher(text);
        while (matcher.find()) {
          spans.claim(matcher.start(), matcher.end(), PiiType.EMAIL.name());
        }
      }
    }
  }
}
