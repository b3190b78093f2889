package dev.perennial.ingest.redact;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * E-mail addresses, with letters of any script (IDN: {@code jürgen@müller.de}, {@code 用户@例子.广告})
 * and in the obfuscated spellings people use: {@code name [at] example [dot] com}, the bracketed
 * dot spelled in German or French too ({@code info(at)firma(punkt)de}, {@code (point)}), {@code
 * name(at)example.com}, {@code etunimi.sukunimi(a)yritys.fi}, {@code name {at} example.com}, {@code
 * name @ example . com}, {@code name at example dot com}, with the local part's dots spelled alike
 * ({@code jane dot doe at example dot com}, or mixed: {@code jane dot doe at example.com}), between
 * dashes or underscores ({@code jane -at- example -dot- com}, {@code jane_at_example_dot_com},
 * every dot so), and a plain at sign with ideographic full stops for dots ({@code
 * jane@example。com}, {@code ｡}), or a space before a plain dot ({@code jane@example . com}, {@code
 * jane at example . com}, and {@code jane at example . it} where the address ends), the at sign
 * spelled as its word in French, Spanish, Italian, German, Dutch or Swedish ({@code jean.dupont
 * arobase exemple point fr}, {@code mario.rossi chiocciola esempio punto it}); an address that is
 * the password and host of a URL takes its user along ({@code
 * https://jane:secret@host.example.com}), and so does a URL's host without a dot or an IP address
 * ({@code https://jane:pw@localhost}). An address literal is one with its local part ({@code
 * jane@[192.168.1.23]}, {@code jane@[IPv6:2001:db8::1]}). An obfuscated or spaced address needs a
 * known top-level domain (any two letters, a common generic one, punycode, or an internationalised
 * one: {@link IdnTopLevelDomains}), one spelled with {@code at} a dot spelled or bracketed or the
 * at in capitals after a lower-case letter ({@code jane AT acme.com}), so {@code visit us at
 * acme.com} and code such as {@code X @ beta.values} stay; an address followed by {@code (} is a
 * method call ({@code this@Main.finish()}).
 */
final class Emails {

  // java.util.regex takes stack frames each time a group repeats, so a long text of dotted words
  // (x@a.a.a..., a dot a dot ...) overflowed a stream thread's stack. The patterns take at most 32
  // labels before the top-level domain and 32 words of a spelled local part: DNS allows 127 labels,
  // but no mail domain in use has more than a handful.
  private static final int MAX_LABELS = 32; // before the top-level domain
  private static final int MAX_LOCAL_WORDS = 32; // jane dot doe: two
  private static final int MAX_USER = 256; // the user of a URL before its password

  // an apostrophe only inside (conor.o'brien): around the address it is a quote
  private static final String LOCAL =
      "[\\p{L}\\p{N}_%+-](?:[\\p{L}\\p{M}\\p{N}._%+'\u2019-]*[\\p{L}\\p{M}\\p{N}_%+-])?";
  private static final String LABEL =
      "[\\p{L}\\p{N}](?:[\\p{L}\\p{M}\\p{N}-]{0,62}[\\p{L}\\p{M}\\p{N}])?";
  // punycode first: a dash may follow a top-level domain (AFTER), so letters first would end
  // xn--p1ai after xn
  private static final String ANY_TLD = "(?:(?i:xn--[a-z0-9-]{2,59})|\\p{L}[\\p{L}\\p{M}]{1,23})";
  // punycode first, as in ANY_TLD: [a-z]{2} would end xn--p1ai after xn
  private static final String KNOWN_TLD =
      "(?:(?i:xn--[a-z0-9-]{2,59})|[a-z]{2}|com|net|org|info|biz|edu|gov|mil|int|io|app|dev|ai|co"
          + "|me|tv|xyz|online|site|tech|shop|store|cloud|email|mail|name|pro|mobi|"
          + String.join("|", IdnTopLevelDomains.NAMES)
          + ")";
  // not inside a word either: after a letter and an apostrophe (o'brien) or a letter's mark, a
  // start read the rest of a long run of them looking for an at sign, and so did the next start
  private static final String BEFORE =
      "(?<![\\p{L}\\p{M}\\p{N}._%+@-])(?<![\\p{L}\\p{M}\\p{N}]['\u2019])";
  // a dash may follow: prose writes an em or en dash without spaces (jane@example.com—I answer),
  // and TextView reads every dash as '-'
  private static final String AFTER = "(?![\\p{L}\\p{M}\\p{N}_]|\\.[\\p{L}\\p{N}]|\\()";

  // a bracketed a between local part and domain too (etunimi.sukunimi(a)yritys.fi, as Finnish
  // and other Nordic sites write it); spaced (spaces in group 1 or 2: jane (a) example.com) only in
  // a text with no list letter b, as a list's (a) goes on with (b) (claimObfuscated)
  private static final String OBFUSCATED_AT =
      "(?:\\s*[\\[({<]\\s*(?:at|@)\\s*[\\])}>]\\s*|(\\s*)[\\[(]a[\\])](\\s*)|\\s+@\\s*|\\s*@\\s+)";
  // in brackets a dot may be spelled in German or French too (info(at)firma(punkt)de, as German
  // imprints write it, jane (at) example (point) com); like (dot), only between the parts of an
  // address that ends in a known top-level domain
  private static final String BRACKETED_DOT =
      "\\s*[\\[({<]\\s*(?:dot|punkt|point|\\.)\\s*[\\])}>]\\s*";
  // what hasBracketed looks for: an at sign spelled; a dot spelled, or plain ([.])
  private static final List<String> AT_WORDS = List.of("at", "a");
  private static final List<String> DOT_WORDS = List.of("dot", "punkt", "point", ".");
  // the words for the at sign in French, Spanish and Portuguese, Italian, German, Dutch, Swedish
  // and Danish; each names only the sign (arroba is also an old weight, with no domain after it)
  private static final List<String> AT_SIGN_WORDS =
      List.of("arobase", "arroba", "chiocciola", "klammeraffe", "apenstaartje", "snabel-a");
  private static final String OBFUSCATED_DOT = "(?:" + BRACKETED_DOT + "|\\s+dot\\s+|\\s*\\.\\s*)";
  // a plain dot with a space before it (jane@example . com, jane@example .com), which hides an
  // address from a harvester; a full stop between spaces ends a sentence of text tokenised for a
  // model, so not before a capitalised word (jane@home . It was late). After a plain at sign a
  // two-letter word is a top-level domain (jane@example . it): an at sign between two words says
  // the text is an address
  private static final String SPACED_DOT = "[ \\t]+\\.[ \\t]*(?-i:(?!\\p{Lu}\\p{Ll}))";
  // with the at sign a word (jane at example . com), nor before a two-letter word that starts a
  // sentence (at home . it was late), though some are top-level domains (it, is, me): where
  // anything follows it after a space on its line, as tokenised prose goes on (it was, us ?); an
  // address ends at a sign, a line break or the text's end (jane at example . it, thanks)
  private static final String SPACED_DOT_BEFORE_NO_SHORT_WORD =
      SPACED_DOT
          // am an as at be by do go he hi if in is it me my no of oh ok on or so to up us we, by
          // their first letter: one read for each letter that starts none
          + "(?!(?:a[mnst]|b[ey]|[dg]o|h[ei]|i[fnst]|m[ey]|no|o[fhknr]|[st]o|u[ps]|we)"
          + "(?![\\p{L}\\p{M}\\p{N}])[ \\t]+\\S)";
  // after a plain at sign: a plain dot, an obfuscated one, a spaced one, or a dot that ends a line
  // (a wrapped paragraph breaks an address there); not a dot and a space, which ends a sentence
  // or the ideographic full stop (full width or half) a CJK input method types for a dot; it ends a
  // sentence too, so a known top-level domain must follow it (jane@example。com。谢谢 ends at com)
  private static final String DEFANGED_DOT =
      "(?:"
          + BRACKETED_DOT
          + "|\\s+dot\\s+|\\.[ \\t]*\\R\\s*|\\.|[\u3002\uFF61]|"
          + SPACED_DOT
          + ")";
  // the words between the dashes hold none, and are taken whole (possessive): with a dash inside a
  // label, a run of a-at-b-dot-a-at-b-dot-... had every split of it tried, exponentially many
  private static final String DASHED_WORD = "[\\p{L}\\p{N}][\\p{L}\\p{M}\\p{N}]{0,62}+";
  private static final String DASHED_DOT = "\\s*[-_]dot[-_]\\s*";
  private static final String SPELLED_DOT = "(?:\\s+dot\\s+|" + BRACKETED_DOT + ")";
  // a local part spelled with dots too (john [dot] doe [at] ...), but not with a spaced plain
  // dot: that would take the word ending the sentence before a spaced address
  private static final String SPELLED_LOCAL = words(LOCAL, SPELLED_DOT, MAX_LOCAL_WORDS);
  // a spelled or a plain dot: an address spelled with "at" needs one dot spelled or spaced
  // somewhere (claimSpelled), the others may be plain (jane dot doe at example.com)
  private static final String SPELLED_OR_PLAIN_DOT =
      "(?:" + SPELLED_DOT + "|\\.|" + SPACED_DOT_BEFORE_NO_SHORT_WORD + ")";
  // a pronoun or an article beside "at" names a place, not a person (meet us at example . com, look
  // at it . net ...)
  private static final String PLACE_WORD = "(?:us|me|you|him|her|them|it|we|i|the|a|an|this|that)";
  private static final Pattern PLACE_AT =
      Pattern.compile(
          "(?:" + PLACE_WORD + "\\s+at\\s|\\S+\\s+at\\s+" + PLACE_WORD + "(?![\\p{L}\\p{N}]))",
          Pattern.CASE_INSENSITIVE);

  /** {@code jane@example.com}, letters of any script. */
  private static final Pattern PLAIN =
      Pattern.compile(
          BEFORE + LOCAL + "@(?:" + LABEL + "\\.){1," + MAX_LABELS + "}" + ANY_TLD + AFTER);

  /**
   * A plain at sign and the dots obfuscated ({@code jane@example[.]com}, {@code jane@example dot
   * com}) or broken at a line end.
   */
  private static final Pattern DEFANGED = address(BEFORE, LOCAL, "@", LABEL, DEFANGED_DOT);

  /**
   * The at sign bracketed or spaced, the dots any way ({@code jane [at] example [dot] com}). Groups
   * 1 and 2 are the spaces before and after a bracketed {@code a}.
   */
  private static final Pattern OBFUSCATED =
      address(BEFORE, SPELLED_LOCAL, OBFUSCATED_AT, LABEL, OBFUSCATED_DOT);

  /**
   * The at sign a word, the dots words or bracketed ({@code jane at example dot com}), some of them
   * plain ({@code jane dot doe at example.com}); a match with no dot spelled or bracketed is none
   * ({@code visit us at example.com}) unless its at is in capitals: {@link #claimSpelled}. Group 1
   * is the at.
   */
  private static final Pattern SPELLED =
      address(BEFORE, SPELLED_LOCAL, "\\s+(at)\\s+", LABEL, SPELLED_OR_PLAIN_DOT);

  /**
   * The at sign spelled as the word for it in a European language, which means nothing else ({@link
   * #AT_SIGN_WORDS}: {@code jean.dupont arobase exemple point fr}), the dots plain, bracketed or
   * spelled in one of them ({@code point}, {@code punto}, {@code punkt}, ...). Read only where such
   * a word stands ({@link #claimWorded}), with transparent bounds, as {@link #ADDRESS_LITERAL} is.
   */
  private static final Pattern WORDED =
      address(
          BEFORE,
          LOCAL,
          "\\s+(?:" + String.join("|", AT_SIGN_WORDS) + ")\\s+",
          LABEL,
          "(?:\\s+(?:dot|point|punto|ponto|punkt|punt)\\s+|" + BRACKETED_DOT + "|\\.)");

  /**
   * The at sign and every dot after it spelled between dashes or underscores ({@code jane -at-
   * example -dot- com}, {@code jane_at_example_dot_com}); the dots plain would be a hyphenated name
   * ({@code eat-at-joes.com}).
   */
  private static final Pattern DASHED =
      address(BEFORE + "(?<!_)", DASHED_WORD, "\\s*[-_]at[-_]\\s*", DASHED_WORD, DASHED_DOT);

  /**
   * The user and password of a URL whose host is no domain the other patterns read: a name without
   * a dot ({@code https://jane:pw@localhost}), an IPv4 or a bracketed IPv6 address. Only right
   * after {@code ://}, where the part before an at sign is a user.
   */
  private static final Pattern URL_USER =
      Pattern.compile(
          "(?<=://)[^\\s/?#@\\[\\]<>\"]{1,"
              + MAX_USER
              + "}@(?:"
              + LABEL
              + "|[0-9.]{7,15}|\\[[0-9A-Fa-f:.]{2,45}\\])(?![\\p{L}\\p{M}\\p{N}.@-])");

  /**
   * An address literal (RFC 5321): a local part and, in brackets, an IPv4 address or {@code IPv6:}
   * and an IPv6 address ({@code jane@[192.168.1.23]}, {@code jane@[IPv6:2001:db8::1]}). Read only
   * where {@code @[} stands ({@link #claimAddressLiterals}), with transparent bounds, so {@link
   * #BEFORE} sees the text before the local part.
   */
  private static final Pattern ADDRESS_LITERAL =
      Pattern.compile(
          BEFORE
              + LOCAL
              + "@\\[(?<host>[0-9]{1,3}(?:\\.[0-9]{1,3}){3}"
              + "|(?i:IPv6:)(?<v6>[0-9A-Fa-f:.]{2,45}))\\]");

  /**
   * The shape every spelling but the plain one shares: a local part, an at sign, at most {@value
   * #MAX_LABELS} labels joined by a dot and a known top-level domain after a dot, each spelled its
   * own way.
   */
  private static Pattern address(String before, String local, String at, String label, String dot) {
    return Pattern.compile(
        before + local + at + words(label, dot, MAX_LABELS) + dot + KNOWN_TLD + AFTER,
        Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
  }

  /** At least one and at most {@code max} {@code word}s, {@code separator} between them. */
  private static String words(String word, String separator, int max) {
    return word + "(?:" + separator + word + "){0," + (max - 1) + "}";
  }

  private Emails() {}

  /** The patterns, in the order {@link #find} runs them (for tests). */
  static List<Pattern> patterns() {
    return List.of(DEFANGED, PLAIN, URL_USER, OBFUSCATED, SPELLED, DASHED);
  }

  /**
   * Whether one of {@code words} in brackets occurs ({@code [at]}, {@code (dot)}, {@code {punkt}},
   * {@code <dot>}, {@code [.]}; any case, spaces).
   */
  private static boolean hasBracketed(String text, List<String> words) {
    int length = text.length();
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (c != '[' && c != '(' && c != '{' && c != '<') {
        continue;
      }
      int j = skipSpaces(text, i + 1);
      for (String word : words) {
        if (text.regionMatches(true, j, word, 0, word.length())) {
          int k = skipSpaces(text, j + word.length());
          if (k < length && "])}>".indexOf(text.charAt(k)) >= 0) {
            return true;
          }
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
   * Whether {@code dot} (any case) stands between whitespace (a space, a tab). One walk over the
   * characters: an ASCII character is an ASCII letter in any case only as itself or its upper case.
   */
  private static boolean hasSpelledDot(String text) {
    int length = text.length();
    for (int i = 1; i + 3 < length; i++) {
      char c = text.charAt(i);
      char o = text.charAt(i + 1);
      if ((c == 'd' || c == 'D')
          && (o == 'o' || o == 'O' || o >= 0x80)
          && Character.isWhitespace(text.charAt(i - 1))
          && text.regionMatches(true, i, "dot", 0, 3)
          && Character.isWhitespace(text.charAt(i + 3))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Runs each pattern only on a text that has what it needs: an @, a bracketed at, a spelled or
   * bracketed dot, a line break.
   */
  static void find(String text, Spans spans) {
    boolean at = text.indexOf('@') >= 0;
    boolean spelledDot = hasSpelledDot(text);
    boolean spacedDot = hasSpacedDot(text);
    if (at
        && (spelledDot
            || spacedDot
            || text.indexOf('\n') >= 0
            || text.indexOf('\r') >= 0
            || text.indexOf('\u3002') >= 0
            || text.indexOf('\uFF61') >= 0
            || hasBracketed(text, DOT_WORDS))) {
      // the defanged form first: its start alone (jane.doe@mail.example[.]co[.]uk) is plain
      claim(DEFANGED, text, spans);
    }
    if (at) {
      claimAddressLiterals(text, spans);
      claim(PLAIN, text, spans);
    }
    if (at && text.contains("://")) {
      claim(URL_USER, text, spans);
    }
    if (at || hasBracketed(text, AT_WORDS)) {
      claimObfuscated(text, spans);
    }
    // the at a word between spaces, a dot spelled, bracketed or spaced
    if (spelledDot
        || hasSpacedAt(text, false) && (spacedDot || hasBracketed(text, DOT_WORDS))
        || hasSpacedAt(text, true)) {
      claimSpelled(text, spans);
    }
    if (hasDashed(text, "at") && hasDashed(text, "dot")) {
      claim(DASHED, text, spans);
    }
    claimWorded(text, spans);
  }

  /**
   * What {@link #find} reads only where a sign or a word stands, back from there: address literals
   * at {@code @[} and addresses at an at sign's word (for tests, as {@link #patterns}: the text may
   * count its reads).
   */
  static void findAnchored(CharSequence text, Spans spans) {
    claimAddressLiterals(text, spans);
    claimWorded(text, spans);
  }

  /**
   * Claims each {@link #WORDED} address. At each of {@link #AT_SIGN_WORDS} between whitespace, the
   * local part is read from the start of the run of local-part characters before the whitespace in
   * front of the word: each character is read back at most once for each word after it, and a
   * word's run ends at the word before it.
   */
  private static void claimWorded(CharSequence text, Spans spans) {
    Matcher matcher = null;
    int length = text.length();
    for (int i = 1; i < length; i++) {
      if (!Character.isWhitespace(text.charAt(i - 1)) || atSignWordAt(text, i) < 0) {
        continue;
      }
      int end = i - 1;
      while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) {
        end--;
      }
      int start = localPartStart(text, end);
      if (start == end) {
        continue;
      }
      matcher = matcher == null ? WORDED.matcher(text).useTransparentBounds(true) : matcher;
      if (matcher.region(start, length).lookingAt()) {
        spans.claim(start, matcher.end(), PiiType.EMAIL.name());
      }
    }
  }

  /** The length of the at sign's word at {@code i} with whitespace after it, or -1. */
  private static int atSignWordAt(CharSequence text, int i) {
    for (String word : AT_SIGN_WORDS) {
      int end = i + word.length();
      if (end < text.length()
          && regionMatchesIgnoreCase(text, i, word)
          && Character.isWhitespace(text.charAt(end))) {
        return word.length();
      }
    }
    return -1;
  }

  private static boolean regionMatchesIgnoreCase(CharSequence text, int at, String word) {
    for (int j = 0; j < word.length(); j++) {
      char c = text.charAt(at + j);
      if (c != word.charAt(j) && Character.toLowerCase(c) != word.charAt(j)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Where the local part ending at {@code end} starts: the start of the run of local-part
   * characters before it, less a quote or a dot in front ({@code 'jane@[10.0.0.1]'}); {@code end}
   * when there is none.
   */
  private static int localPartStart(CharSequence text, int end) {
    int start = end;
    while (start > 0 && isLocalPartCharacter(text.charAt(start - 1))) {
      start--;
    }
    while (start < end && !isLocalPartStart(text.charAt(start))) {
      start++;
    }
    return start;
  }

  /**
   * Claims each {@link #ADDRESS_LITERAL} whose host is an IP address. The local part is read from
   * the start of the run of local-part characters before each {@code @[}: no run reaches past an at
   * sign, so each character is read back at most once.
   */
  private static void claimAddressLiterals(CharSequence text, Spans spans) {
    Matcher matcher = ADDRESS_LITERAL.matcher(text).useTransparentBounds(true);
    for (int at = 1; at + 1 < text.length(); at++) {
      if (text.charAt(at) != '@' || text.charAt(at + 1) != '[') {
        continue;
      }
      int start = localPartStart(text, at);
      if (start == at || !matcher.region(start, text.length()).lookingAt()) {
        continue;
      }
      String v6 = matcher.group("v6");
      if (v6 == null ? Checksums.ipv4(matcher.group("host")) : Checksums.ipv6(v6)) {
        spans.claim(start, matcher.end(), PiiType.EMAIL.name());
      }
    }
  }

  /** Whether a local part may start with {@code c} ({@link #LOCAL}). */
  private static boolean isLocalPartStart(char c) {
    return Character.isLetterOrDigit(c) || "_%+-".indexOf(c) >= 0;
  }

  /** Whether {@code c} may stand in a local part ({@link #LOCAL}). */
  private static boolean isLocalPartCharacter(char c) {
    return Character.isLetterOrDigit(c)
        || Character.getType(c) == Character.NON_SPACING_MARK
        || Character.getType(c) == Character.COMBINING_SPACING_MARK
        || Character.getType(c) == Character.ENCLOSING_MARK
        || "._%+'\u2019-".indexOf(c) >= 0;
  }

  /** Whether {@code word} (any case) stands between dashes or underscores ({@code -at-}). */
  private static boolean hasDashed(String text, String word) {
    int last = text.length() - word.length() - 1;
    for (int i = 0; i < last; i++) {
      if (isDash(text.charAt(i))
          && text.regionMatches(true, i + 1, word, 0, word.length())
          && isDash(text.charAt(i + 1 + word.length()))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isDash(char c) {
    return c == '-' || c == '_';
  }

  /**
   * Whether {@code at} stands between two whitespace characters: in any case, or in capitals only.
   */
  private static boolean hasSpacedAt(String text, boolean capitals) {
    for (int i = 0; i + 3 < text.length(); i++) {
      char a = text.charAt(i + 1);
      char t = text.charAt(i + 2);
      if ((a == 'A' || a == 'a' && !capitals)
          && (t == 'T' || t == 't' && !capitals)
          && Character.isWhitespace(text.charAt(i))
          && Character.isWhitespace(text.charAt(i + 3))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Claims each match of {@link #SPELLED} that has a dot spelled or bracketed, or spaced or its at
   * in capitals and no pronoun or article beside its at ({@code meet us at example . com} is a
   * place).
   */
  private static void claimSpelled(String text, Spans spans) {
    Matcher matcher = SPELLED.matcher(text);
    while (matcher.find()) {
      String match = text.substring(matcher.start(), matcher.end());
      if (hasSpelledDot(match)
          || hasBracketed(match, DOT_WORDS)
          || (hasSpacedDot(match) || isCapitalAt(text, matcher))
              && !PLACE_AT.matcher(match).lookingAt()) {
        spans.claim(matcher.start(), matcher.end(), PiiType.EMAIL.name());
      }
    }
  }

  /**
   * Whether the at of a {@link #SPELLED} match is {@code AT} after a local part with a lower-case
   * letter ({@code jane AT example.com}): capitals set it apart from the words around it, as
   * brackets do. In text all in capitals it is a word ({@code CALL AT ACME.COM}).
   */
  private static boolean isCapitalAt(String text, Matcher matcher) {
    if (!matcher.group(1).equals("AT")) {
      return false;
    }
    for (int i = matcher.start(); i < matcher.start(1); i++) {
      if (Character.isLowerCase(text.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /** Whether a dot follows a space or a tab ({@code example . com}). */
  private static boolean hasSpacedDot(String text) {
    return text.contains(" .") || text.contains("\t.");
  }

  /**
   * Claims each match of {@link #OBFUSCATED}; one whose at is a bracketed {@code a} with a space
   * beside it ({@code jane (a) example.com}) only where no {@code (b)} or {@code [b]} in the text
   * makes it a list's letter ({@code Choose (a) option.com or (b) other.com}) and no capitalised
   * word before it leads in a list of one ({@code Options (a) example.com}).
   */
  private static void claimObfuscated(String text, Spans spans) {
    Matcher matcher = OBFUSCATED.matcher(text);
    boolean list = hasListLetterB(text);
    while (matcher.find()) {
      boolean spacedA =
          matcher.start(1) >= 0
              && (matcher.end(1) > matcher.start(1) || matcher.end(2) > matcher.start(2));
      if (spacedA && (list || isCapitalisedWord(text, matcher.start(), matcher.start(1)))) {
        continue;
      }
      spans.claim(userStart(text, matcher.start()), matcher.end(), PiiType.EMAIL.name());
    }
  }

  /**
   * Whether text[start, end) is one word of letters, capitalised ({@code Options}): before a spaced
   * {@code (a)} it leads in a list ({@code Options (a) example.com}), where a local part is written
   * in lower case or holds a dot ({@code Etunimi.Sukunimi (a) yritys.fi}).
   */
  private static boolean isCapitalisedWord(String text, int start, int end) {
    if (!Character.isUpperCase(text.charAt(start))) {
      return false;
    }
    for (int i = start + 1; i < end; i++) {
      if (!Character.isLowerCase(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code (b)} or {@code [b]} (any case) stands in {@code text}. */
  private static boolean hasListLetterB(String text) {
    for (int i = 0; i + 2 < text.length(); i++) {
      char open = text.charAt(i);
      char b = text.charAt(i + 1);
      char close = text.charAt(i + 2);
      if ((b == 'b' || b == 'B') && (open == '(' && close == ')' || open == '[' && close == ']')) {
        return true;
      }
    }
    return false;
  }

  private static void claim(Pattern pattern, String text, Spans spans) {
    Matcher matcher = pattern.matcher(text);
    while (matcher.find()) {
      spans.claim(userStart(text, matcher.start()), matcher.end(), PiiType.EMAIL.name());
    }
  }

  /**
   * Where the user of a URL starts when an address found at {@code start} is its password and host
   * ({@code https://jane:secret@host}: the address is {@code secret@host}, the user {@code jane}),
   * else {@code start}. Only right after {@code //}: a colon elsewhere joins an address to a word
   * before it ({@code To:jane@...}).
   */
  private static int userStart(String text, int start) {
    if (start == 0 || text.charAt(start - 1) != ':') {
      return start;
    }
    int i = start - 1;
    int limit = Math.max(0, i - MAX_USER);
    while (i > limit
        && "/?#@:[]".indexOf(text.charAt(i - 1)) < 0
        && !Character.isWhitespace(text.charAt(i - 1))) {
      i--;
    }
    return i >= 2 && i < start - 1 && text.startsWith("//", i - 2) ? i : start;
  }
}
