package dev.perennial.ingest.redact;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * E-mail addresses, with letters of any script (IDN: {@code jürgen@müller.de}, {@code 用户@例子.广告})
 * and in the obfuscated spellings people use: {@code name [at] example [dot] com}, {@code
 * name(at)example.com}, {@code name {at} example.com}, {@code name @ example . com}, {@code name at
 * example dot com}. An obfuscated or spaced address needs a known top-level domain (any two
 * letters, or a common generic one), so {@code visit us at acme.com} and code such as {@code X @
 * beta.values} stay; an address followed by {@code (} is a method call ({@code
 * this@Main.finish()}).
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
  private static final String OBFUSCATED_DOT =
      "(?:\\s*[\\[({<]\\s*(?:dot|\\.)\\s*[\\])}>]\\s*|\\s+dot\\s+|\\s*\\.\\s*)";

  private static final List<Pattern> PATTERNS =
      List.of(
          Pattern.compile(BEFORE + LOCAL + "@(?:" + LABEL + "\\.)+" + ANY_TLD + AFTER),
          Pattern.compile(
              BEFORE
                  + LOCAL
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
                  + "\\s+at\\s+"
                  + LABEL
                  + "(?:\\s+dot\\s+"
                  + LABEL
                  + ")*\\s+dot\\s+"
                  + KNOWN_TLD
                  + AFTER,
              Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));

  private static final Pattern WORTH_A_LOOK =
      Pattern.compile("@|(?<!\\p{L})at(?!\\p{L})", Pattern.CASE_INSENSITIVE);

  private Emails() {}

  static void find(String text, Spans spans) {
    if (!WORTH_A_LOOK.matcher(text).find()) {
      return;
    }
    for (Pattern pattern : PATTERNS) {
      Matcher matcher = pattern.matcher(text);
      while (matcher.find()) {
        spans.claim(matcher.start(), matcher.end(), PiiType.EMAIL.name());
      }
    }
  }
}
