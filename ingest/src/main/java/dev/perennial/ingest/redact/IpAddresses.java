package dev.perennial.ingest.redact;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * IPv6 addresses in any text form RFC 4291 allows (compressed, upper case, with a dotted IPv4
 * tail), and IPv4 dotted quads whose parts are 0 to 255, their dots plain or bracketed ({@code
 * 192[.]168[.]1[.]23}, {@code (.)}). A dotted quad that follows a word that makes it a version or a
 * section number ({@code v}, {@code version}, {@code release}, {@code build}, {@code §}, {@code
 * section}), with or without a colon, an equals sign, a quote or a parenthesis between ({@code
 * Version: 1.2.3.4}, {@code version="1.2.3.4"}), stays; any other four-part version number is taken
 * for an address. An IPv6 address in brackets ({@code http://[fe80::1]/}) or after a word and a
 * colon ({@code [IPv6:2001:db8::1]}, {@code host:fe80::1}) is one; times ({@code 10:30:00}), MAC
 * addresses, slices ({@code a[::2]}), scoped names ({@code std::vector}) and {@code ::} alone stay.
 */
final class IpAddresses {

  // What may not come right before an address is checked in code: a leading look-behind would run
  // at every position of the text.
  private static final Pattern IPV6 =
      Pattern.compile(
          "(?:[0-9A-Fa-f]{0,4}:){2,7}"
              + "(?:[0-9]{1,3}(?:\\.[0-9]{1,3}){3}|[0-9A-Fa-f]{0,4})"
              + "(?![\\w:]|\\.\\w)");
  // a dot plain or bracketed ("defanged": 192[.]168[.]1[.]23, as incident reports write it)
  private static final String DOT = "(?:\\.|\\[\\.\\]|\\(\\.\\))";
  private static final Pattern IPV4 =
      Pattern.compile("[0-9]{1,3}(?:" + DOT + "[0-9]{1,3}){3}(?![\\w]|" + DOT + "[0-9])");
  private static final Pattern VERSION_WORD =
      Pattern.compile(
          "(?i)(?:\\bv|\\bver\\.?|\\bversion|\\brelease|\\bbuild|\\bfirmware|§|\\bsection|"
              + "\\bchapter|\\bclause)[\\s:=#(\"'-]*$");
  private static final int CONTEXT = 16;

  private IpAddresses() {}

  static void find(String text, DigitRuns digits, Spans spans) {
    if (hasHexColonHex(text)) {
      Matcher v6 = IPV6.matcher(text);
      int from = 0;
      while (v6.find(from)) {
        from = v6.end() > v6.start() ? v6.end() : v6.start() + 1;
        if (!startsAfter(text, v6.start(), ":.[")
            && !afterWordAndColon(text, v6.start())
            && !isBracketedLiteral(text, v6)) {
          // a match that starts mid-word: try again one character later
          from = v6.start() + 1;
          continue;
        }
        // :: alone, the unspecified address, names no host: Haskell's "has type", C++'s a ? b :: c
        if (!v6.group().equals("::") && Checksums.ipv6(v6.group())) {
          spans.claim(v6.start(), v6.end(), PiiType.IP.name());
        }
      }
    }
    if (hasDottedDigits(text, digits)) {
      Matcher v4 = IPV4.matcher(text);
      int from = 0;
      while (v4.find(from)) {
        from = v4.end();
        if (!startsAfter(text, v4.start(), ".")) {
          from = v4.start() + 1;
          continue;
        }
        if (Checksums.ipv4(plainDots(v4.group())) && !afterVersionWord(text, v4.start())) {
          spans.claim(v4.start(), v4.end(), PiiType.IP.name());
        }
      }
    }
  }

  /** Whether the character before {@code start} is no word character and none of {@code signs}. */
  private static boolean startsAfter(String text, int start, String signs) {
    if (start == 0) {
      return true;
    }
    char before = text.charAt(start - 1);
    return !(Character.isLetterOrDigit(before) || before == '_' || signs.indexOf(before) >= 0);
  }

  /**
   * Whether {@code start} follows a word and a colon, the word no group of an address ({@code
   * IPv6:2001:db8::1}, the address literal of mail headers; {@code host:fe80::1}): a match after a
   * colon that follows a group of one to four hex digits may start inside an address.
   */
  private static boolean afterWordAndColon(String text, int start) {
    int colon = start - 1;
    if (colon < 1 || text.charAt(colon) != ':') {
      return false;
    }
    int i = colon;
    while (i > 0 && Character.isLetterOrDigit(text.charAt(i - 1))) {
      i--;
      if (colon - i > 4 || !isHexOrColon(text.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the match is an address in brackets as URLs and logs write it ({@code
   * http://[fe80::1]/}, {@code [2001:db8::1]:8080}), not a slice ({@code a[::2]}): no word right
   * before the bracket, and the closing bracket right after.
   */
  private static boolean isBracketedLiteral(String text, Matcher match) {
    int open = match.start() - 1;
    return text.charAt(open) == '['
        && startsAfter(text, open, "")
        && match.end() < text.length()
        && text.charAt(match.end()) == ']';
  }

  /** Whether a colon stands between hex digits or colons somewhere (an IPv6 address may). */
  private static boolean hasHexColonHex(String text) {
    for (int i = text.indexOf(':'); i >= 0; i = text.indexOf(':', i + 1)) {
      if (i > 0
          && i + 1 < text.length()
          && isHexOrColon(text.charAt(i - 1))
          && isHexOrColon(text.charAt(i + 1))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether four runs of digits follow each other with a single dot, plain or bracketed, between
   * each: d.d.d.d, d[.]d[.]d[.]d.
   */
  private static boolean hasDottedDigits(String text, DigitRuns digits) {
    int chained = 1;
    for (int run = 1; run < digits.count(); run++) {
      int dot = digits.end(run - 1);
      int gap = digits.start(run) - dot;
      if (gap == 1 && text.charAt(dot) == '.' || gap == 3 && isBracketedDot(text, dot)) {
        if (++chained == 4) {
          return true;
        }
      } else {
        chained = 1;
      }
    }
    return false;
  }

  private static boolean isBracketedDot(String text, int at) {
    return text.startsWith("[.]", at) || text.startsWith("(.)", at);
  }

  /** A dotted quad with its bracketed dots written plain. */
  private static String plainDots(String address) {
    return address.replace("[.]", ".").replace("(.)", ".");
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isHexOrColon(char c) {
    return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':';
  }

  private static boolean afterVersionWord(String text, int start) {
    return VERSION_WORD.matcher(text.substring(Math.max(0, start - CONTEXT), start)).find();
  }
}
