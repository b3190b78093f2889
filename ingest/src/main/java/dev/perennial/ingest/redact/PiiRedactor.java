package dev.perennial.ingest.redact;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces personal data in free text by typed placeholders and counts what it replaced: e-mail
 * addresses ({@code <EMAIL>}), IBANs with a valid checksum ({@code <IBAN>}), payment card numbers
 * that pass the Luhn check ({@code <CARD>}), IPv4 and IPv6 addresses ({@code <IP>}) and phone
 * numbers ({@code <PHONE>}).
 *
 * <p>Patterns are deliberately conservative where digits are concerned, because the text also
 * carries facts the adapters must learn (prices, years, codes such as {@code 0421-7730}): a digit
 * run becomes {@code <CARD>} only with a valid Luhn checksum, {@code <IBAN>} only with a valid ISO
 * 13616 checksum, and {@code <PHONE>} only in a phone-number shape (international {@code +} prefix,
 * North American {@code (555) 123-4567}, or a national number that starts with 0 and has 9 to 13
 * digits). Dotted quads are taken for IPv4 addresses, version numbers such as {@code 1.2.3.4}
 * included. Thread-safe.
 */
public final class PiiRedactor {

  private static final int MIN_CARD_DIGITS = 13;
  private static final int MAX_CARD_DIGITS = 19;

  private record Detector(
      PiiType type,
      Predicate<TextStats> worthScanning,
      Pattern pattern,
      Predicate<String> accepts) {}

  /**
   * What one pass over a text finds, so a pattern only runs where it can match: a regex that fails
   * at every position of a kilobyte costs far more than counting characters once.
   */
  private record TextStats(
      int longestDigitRun,
      boolean hexColonHex,
      boolean at,
      boolean plus,
      boolean digitDotDigit,
      boolean ibanStart) {

    static TextStats of(String text) {
      int longestDigitRun = 0;
      int run = 0;
      int sinceDigit = Integer.MAX_VALUE;
      boolean hexColonHex = false;
      boolean at = false;
      boolean plus = false;
      boolean digitDotDigit = false;
      boolean ibanStart = false;
      int length = text.length();
      for (int i = 0; i < length; i++) {
        char c = text.charAt(i);
        if (isDigit(c)) {
          // Digits at most two separators apart may belong to one number: "(555) 123".
          run = sinceDigit <= 3 ? run + 1 : 1;
          longestDigitRun = Math.max(longestDigitRun, run);
          sinceDigit = 1;
          continue;
        }
        switch (c) {
          case ' ', '-', '/', '(', ')' ->
              sinceDigit = sinceDigit == Integer.MAX_VALUE ? sinceDigit : sinceDigit + 1;
          case '.' -> {
            sinceDigit = sinceDigit == Integer.MAX_VALUE ? sinceDigit : sinceDigit + 1;
            digitDotDigit |=
                i > 0
                    && i + 1 < length
                    && isDigit(text.charAt(i - 1))
                    && isDigit(text.charAt(i + 1));
          }
          case ':' -> {
            sinceDigit = Integer.MAX_VALUE;
            hexColonHex |=
                i > 0
                    && i + 1 < length
                    && isHexOrColon(text.charAt(i - 1))
                    && isHexOrColon(text.charAt(i + 1));
          }
          case '@' -> {
            sinceDigit = Integer.MAX_VALUE;
            at = true;
          }
          case '+' -> {
            sinceDigit = Integer.MAX_VALUE;
            plus = true;
          }
          default -> {
            sinceDigit = Integer.MAX_VALUE;
            if (!ibanStart && isUpper(c) && i + 3 < length) {
              ibanStart =
                  isUpper(text.charAt(i + 1))
                      && isDigit(text.charAt(i + 2))
                      && isDigit(text.charAt(i + 3));
            }
          }
        }
      }
      return new TextStats(longestDigitRun, hexColonHex, at, plus, digitDotDigit, ibanStart);
    }

    private static boolean isUpper(char c) {
      return c >= 'A' && c <= 'Z';
    }

    private static boolean isDigit(char c) {
      return c >= '0' && c <= '9';
    }

    private static boolean isHexOrColon(char c) {
      return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':';
    }
  }

  // Order matters: an e-mail address may hold digits, an IBAN is also a digit run, and an
  // international phone number must be gone before the card pattern sees its digits.
  private static final List<Detector> DETECTORS =
      List.of(
          new Detector(
              PiiType.EMAIL,
              stats -> stats.at(),
              Pattern.compile(
                  "(?<![\\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@(?:[A-Za-z0-9-]+\\.)+[A-Za-z]{2,}"
                      + "(?![A-Za-z0-9-])"),
              match -> true),
          new Detector(
              PiiType.IBAN,
              stats -> stats.ibanStart(),
              Pattern.compile(
                  "(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}"
                      + "(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,4})?)"
                      + "(?![A-Za-z0-9])"),
              match -> Checksums.iban(match.replace(" ", ""))),
          new Detector(
              PiiType.IP,
              stats -> stats.hexColonHex(),
              Pattern.compile(
                  "(?<![\\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}"
                      + "(?:[0-9]{1,3}(?:\\.[0-9]{1,3}){3}|[0-9A-Fa-f]{0,4})"
                      + "(?![\\w:]|\\.\\w)"),
              Checksums::ipv6),
          new Detector(
              PiiType.IP,
              stats -> stats.digitDotDigit(),
              Pattern.compile("(?<![\\w.])[0-9]{1,3}(?:\\.[0-9]{1,3}){3}(?![\\w]|\\.[0-9])"),
              Checksums::ipv4),
          new Detector(
              PiiType.PHONE,
              stats -> stats.plus() && stats.longestDigitRun() >= 8,
              Pattern.compile("(?<![\\w+])\\+[0-9]{1,3}(?:[ .-]?\\(?[0-9]{1,4}\\)?){2,6}(?![0-9])"),
              match -> digitCount(match) >= 8 && digitCount(match) <= 15),
          new Detector(
              PiiType.CARD,
              stats -> stats.longestDigitRun() >= MIN_CARD_DIGITS,
              Pattern.compile("(?<![\\w-])[0-9](?:[ -]?[0-9]){12,18}(?![\\w])"),
              PiiRedactor::isCardNumber),
          new Detector(
              PiiType.PHONE,
              stats -> stats.longestDigitRun() >= 10,
              Pattern.compile("(?<![\\w(])\\([0-9]{3}\\) ?[0-9]{3}[ .-][0-9]{4}(?![0-9])"),
              match -> true),
          new Detector(
              PiiType.PHONE,
              stats -> stats.longestDigitRun() >= 10,
              Pattern.compile("(?<![\\w-])[0-9]{3}[.-][0-9]{3}[.-][0-9]{4}(?![\\w-])"),
              match -> true),
          new Detector(
              PiiType.PHONE,
              stats -> stats.longestDigitRun() >= 9,
              Pattern.compile(
                  "(?<![\\w-])0[0-9]{1,4}[ /-]?[0-9]{2,4}(?:[ -]?[0-9]{2,4}){1,3}(?![\\w-])"),
              match -> digitCount(match) >= 9 && digitCount(match) <= 13));

  /** The redacted text and how many spans of each type were replaced. */
  public record Redaction(String text, Map<PiiType, Integer> counts) {

    public Redaction {
      counts = Map.copyOf(counts);
    }

    public boolean changed() {
      return !counts.isEmpty();
    }
  }

  /** {@code text} with every detected span replaced by its placeholder; null stays null. */
  public Redaction redact(String text) {
    if (text == null) {
      return new Redaction(null, Map.of());
    }
    Map<PiiType, Integer> counts = new EnumMap<>(PiiType.class);
    // Placeholders hold none of the characters counted, so the original's stats stay an upper
    // bound while spans are replaced.
    TextStats stats = TextStats.of(text);
    String current = text;
    for (Detector detector : DETECTORS) {
      if (detector.worthScanning().test(stats)) {
        current = replace(current, detector, counts);
      }
    }
    return new Redaction(current, counts);
  }

  private static String replace(String text, Detector detector, Map<PiiType, Integer> counts) {
    Matcher matcher = detector.pattern().matcher(text);
    StringBuilder out = null;
    int copied = 0;
    while (matcher.find()) {
      if (!detector.accepts().test(matcher.group())) {
        continue;
      }
      if (out == null) {
        out = new StringBuilder(text.length());
      }
      out.append(text, copied, matcher.start()).append(detector.type().placeholder());
      copied = matcher.end();
      counts.merge(detector.type(), 1, Integer::sum);
    }
    if (out == null) {
      return text;
    }
    return out.append(text, copied, text.length()).toString();
  }

  private static boolean isCardNumber(String match) {
    StringBuilder digits = new StringBuilder(match.length());
    for (int i = 0; i < match.length(); i++) {
      char c = match.charAt(i);
      if (c >= '0' && c <= '9') {
        digits.append(c);
      }
    }
    return digits.length() >= MIN_CARD_DIGITS
        && digits.length() <= MAX_CARD_DIGITS
        && Checksums.luhn(digits);
  }

  private static int digitCount(String text) {
    int count = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        count++;
      }
    }
    return count;
  }
}
