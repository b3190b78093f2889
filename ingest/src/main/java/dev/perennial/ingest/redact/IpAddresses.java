package dev.perennial.ingest.redact;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * IPv6 addresses in any text form RFC 4291 allows (compressed, upper case, with a dotted IPv4
 * tail), and IPv4 dotted quads whose parts are 0 to 255. A dotted quad that follows a word that
 * makes it a version or a section number ({@code v}, {@code version}, {@code release}, {@code
 * build}, {@code §}, {@code section}) stays; any other four-part version number is taken for an
 * address. Times ({@code 10:30:00}), MAC addresses, slices ({@code a[::2]}) and scoped names
 * ({@code std::vector}) stay.
 */
final class IpAddresses {

  private static final Pattern IPV6 =
      Pattern.compile(
          "(?<![\\w:.\\[])(?:[0-9A-Fa-f]{0,4}:){2,7}"
              + "(?:[0-9]{1,3}(?:\\.[0-9]{1,3}){3}|[0-9A-Fa-f]{0,4})"
              + "(?![\\w:]|\\.\\w)");
  private static final Pattern IPV4 =
      Pattern.compile("(?<![\\w.])[0-9]{1,3}(?:\\.[0-9]{1,3}){3}(?![\\w]|\\.[0-9])");
  private static final Pattern VERSION_WORD =
      Pattern.compile(
          "(?i)(?:\\bv|\\bver\\.?|\\bversion|\\brelease|\\bbuild|\\bfirmware|§|\\bsection|"
              + "\\bchapter|\\bclause)\\s*$");
  private static final int CONTEXT = 16;

  private IpAddresses() {}

  static void find(String text, Spans spans) {
    if (text.indexOf(':') >= 0) {
      Matcher v6 = IPV6.matcher(text);
      while (v6.find()) {
        if (Checksums.ipv6(v6.group())) {
          spans.claim(v6.start(), v6.end(), PiiType.IP.name());
        }
      }
    }
    Matcher v4 = IPV4.matcher(text);
    while (v4.find()) {
      if (Checksums.ipv4(v4.group()) && !afterVersionWord(text, v4.start())) {
        spans.claim(v4.start(), v4.end(), PiiType.IP.name());
      }
    }
  }

  private static boolean afterVersionWord(String text, int start) {
    return VERSION_WORD.matcher(text.substring(Math.max(0, start - CONTEXT), start)).find();
  }
}
