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

  private record Detector(PiiType type, Pattern pattern, Predicate<String> accepts) {}

  // Order matters: an e-mail address may hold digits, an IBAN is also a digit run, and an
  // international phone number must be gone before the card pattern sees its digits.
  private static final List<Detector> DETECTORS =
      List.of(
          new Detector(
              PiiType.EMAIL,
              Pattern.compile(
                  "(?<![\\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@(?:[A-Za-z0-9-]+\\.)+[A-Za-z]{2,}"
                      + "(?![A-Za-z0-9-])"),
              match -> true),
          new Detector(
              PiiType.IBAN,
              Pattern.compile(
                  "(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}"
                      + "(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,4})?)"
                      + "(?![A-Za-z0-9])"),
              match -> Checksums.iban(match.replace(" ", ""))),
          new Detector(
              PiiType.IP,
              Pattern.compile(
                  "(?<![\\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}"
                      + "(?:[0-9]{1,3}(?:\\.[0-9]{1,3}){3}|[0-9A-Fa-f]{0,4})"
                      + "(?![\\w:]|\\.\\w)"),
              Checksums::ipv6),
          new Detector(
              PiiType.IP,
              Pattern.compile("(?<![\\w.])[0-9]{1,3}(?:\\.[0-9]{1,3}){3}(?![\\w]|\\.[0-9])"),
              Checksums::ipv4),
          new Detector(
              PiiType.PHONE,
              Pattern.compile("(?<![\\w+])\\+[0-9]{1,3}(?:[ .-]?\\(?[0-9]{1,4}\\)?){2,6}(?![0-9])"),
              match -> digitCount(match) >= 8 && digitCount(match) <= 15),
          new Detector(
              PiiType.CARD,
              Pattern.compile("(?<![\\w-])[0-9](?:[ -]?[0-9]){12,18}(?![\\w])"),
              PiiRedactor::isCardNumber),
          new Detector(
              PiiType.PHONE,
              Pattern.compile("(?<![\\w(])\\([0-9]{3}\\) ?[0-9]{3}[ .-][0-9]{4}(?![0-9])"),
              match -> true),
          new Detector(
              PiiType.PHONE,
              Pattern.compile("(?<![\\w-])[0-9]{3}[.-][0-9]{3}[.-][0-9]{4}(?![\\w-])"),
              match -> true),
          new Detector(
              PiiType.PHONE,
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
    String current = text;
    boolean hasDigit = containsDigit(text);
    for (Detector detector : DETECTORS) {
      if (!worthScanning(detector.type(), current, hasDigit)) {
        continue;
      }
      current = replace(current, detector, counts);
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

  private static boolean worthScanning(PiiType type, String text, boolean hasDigit) {
    return switch (type) {
      case EMAIL -> text.indexOf('@') >= 0;
      case IP -> hasDigit || text.indexOf(':') >= 0;
      case IBAN, CARD, PHONE -> hasDigit;
    };
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

  private static boolean containsDigit(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        return true;
      }
    }
    return false;
  }
}
