package dev.perennial.ingest.redact;

import java.util.Locale;
import java.util.Map;

/**
 * IBANs of every country that issues them, in any case and grouping ({@code DE89 3704 0044 0532
 * 0130 00}, {@code de89370400440532013000}, {@code GB82-WEST-1234-5698-7654-32}): two letters of a
 * known country, two check digits, then exactly that country's length of letters and digits with at
 * most one space, dash or dot between any two after the country code ({@code DE 89 3704 ...} too)
 * or one line break ({@link #gapEnd}), and the ISO 13616 checksum (mod 97 is 1).
 */
final class Ibans {

  /** Length of each country's IBAN (the SWIFT IBAN registry: 89 countries). */
  private static final Map<String, Integer> LENGTHS =
      Map.ofEntries(
          Map.entry("AD", 24),
          Map.entry("AE", 23),
          Map.entry("AL", 28),
          Map.entry("AT", 20),
          Map.entry("AZ", 28),
          Map.entry("BA", 20),
          Map.entry("BE", 16),
          Map.entry("BG", 22),
          Map.entry("BH", 22),
          Map.entry("BI", 27),
          Map.entry("BR", 29),
          Map.entry("BY", 28),
          Map.entry("CH", 21),
          Map.entry("CR", 22),
          Map.entry("CY", 28),
          Map.entry("CZ", 24),
          Map.entry("DE", 22),
          Map.entry("DJ", 27),
          Map.entry("DK", 18),
          Map.entry("DO", 28),
          Map.entry("EE", 20),
          Map.entry("EG", 29),
          Map.entry("ES", 24),
          Map.entry("FI", 18),
          Map.entry("FK", 18),
          Map.entry("FO", 18),
          Map.entry("FR", 27),
          Map.entry("GB", 22),
          Map.entry("GE", 22),
          Map.entry("GI", 23),
          Map.entry("GL", 18),
          Map.entry("GR", 27),
          Map.entry("GT", 28),
          Map.entry("HN", 28),
          Map.entry("HR", 21),
          Map.entry("HU", 28),
          Map.entry("IE", 22),
          Map.entry("IL", 23),
          Map.entry("IQ", 23),
          Map.entry("IS", 26),
          Map.entry("IT", 27),
          Map.entry("JO", 30),
          Map.entry("KW", 30),
          Map.entry("KZ", 20),
          Map.entry("LB", 28),
          Map.entry("LC", 32),
          Map.entry("LI", 21),
          Map.entry("LT", 20),
          Map.entry("LU", 20),
          Map.entry("LV", 21),
          Map.entry("LY", 25),
          Map.entry("MC", 27),
          Map.entry("MD", 24),
          Map.entry("ME", 22),
          Map.entry("MK", 19),
          Map.entry("MN", 20),
          Map.entry("MR", 27),
          Map.entry("MT", 31),
          Map.entry("MU", 30),
          Map.entry("NI", 28),
          Map.entry("NL", 18),
          Map.entry("NO", 15),
          Map.entry("OM", 23),
          Map.entry("PK", 24),
          Map.entry("PL", 28),
          Map.entry("PS", 29),
          Map.entry("PT", 25),
          Map.entry("QA", 29),
          Map.entry("RO", 24),
          Map.entry("RS", 22),
          Map.entry("RU", 33),
          Map.entry("SA", 24),
          Map.entry("SC", 31),
          Map.entry("SD", 18),
          Map.entry("SE", 24),
          Map.entry("SI", 19),
          Map.entry("SK", 24),
          Map.entry("SM", 27),
          Map.entry("SO", 23),
          Map.entry("ST", 25),
          Map.entry("SV", 28),
          Map.entry("TL", 23),
          Map.entry("TN", 24),
          Map.entry("TR", 26),
          Map.entry("UA", 29),
          Map.entry("VA", 22),
          Map.entry("VG", 24),
          Map.entry("XK", 20),
          Map.entry("YE", 30));

  private Ibans() {}

  /** The countries with IBANs and their lengths. */
  static Map<String, Integer> lengths() {
    return LENGTHS;
  }

  /**
   * An IBAN starts two letters before a run of at least two digits, its check digits, or before a
   * space, dash or dot and that run ({@code DE 89 3704 ...}).
   */
  static void find(String text, DigitRuns digits, Spans spans) {
    int claimedTo = 0;
    for (int run = 0; run < digits.count(); run++) {
      if (digits.end(run) - digits.start(run) < 2) {
        continue;
      }
      int start = countryBefore(text, digits.start(run));
      if (start >= 0 && start >= claimedTo) {
        int end = ibanEnd(text, start);
        if (end > 0 && spans.claim(start, end, PiiType.IBAN.name())) {
          claimedTo = end;
        }
      }
    }
  }

  /**
   * Where the two letters of a country code start that stand right before {@code checkDigits} or
   * one separator before them, at the start of a word; -1 when none does.
   */
  private static int countryBefore(String text, int checkDigits) {
    int i = checkDigits - 2;
    if (i >= 1 && isSeparator(text.charAt(checkDigits - 1))) {
      i--;
    }
    return i >= 0
            && isLetter(text.charAt(i))
            && isLetter(text.charAt(i + 1))
            && (i == 0 || !Character.isLetterOrDigit(text.charAt(i - 1)))
        ? i
        : -1;
  }

  private static boolean isSeparator(char c) {
    return c == ' ' || c == '-' || c == '.';
  }

  private static boolean isLetter(char c) {
    return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
  }

  /** Where the IBAN starting at {@code start} ends, or -1 when there is none. */
  private static int ibanEnd(String text, int start) {
    String country = text.substring(start, start + 2).toUpperCase(Locale.ROOT);
    Integer length = LENGTHS.get(country);
    if (length == null) {
      return -1;
    }
    StringBuilder iban = new StringBuilder(length);
    int i = start;
    while (i < text.length() && iban.length() < length) {
      char c = text.charAt(i);
      if (isAlphanumeric(c)) {
        iban.append(Character.toUpperCase(c));
        i++;
        continue;
      }
      int next = iban.length() >= 2 ? gapEnd(text, i) : i;
      if (next == i || next == text.length() || !isAlphanumeric(text.charAt(next))) {
        return -1;
      }
      i = next;
    }
    if (iban.length() < length || i < text.length() && isAlphanumeric(text.charAt(i))) {
      return -1;
    }
    return Checksums.iban(iban) ? i : -1;
  }

  /**
   * Where the gap between two groups that starts at {@code i} ends: after one space, dash or dot,
   * or after one line break with spaces or tabs around it ({@code 0044⏎0532}, {@code 0044 ⏎ 0532}),
   * as a wrapped paragraph or a narrow column breaks an IBAN; {@code i} when there is none. A blank
   * line ends the gap at the second break, which no group starts with.
   */
  private static int gapEnd(String text, int i) {
    int lineEnd = skipSpacesAndTabs(text, i);
    int nextLine = lineEnd;
    if (text.startsWith("\r\n", lineEnd)) {
      nextLine += 2;
    } else if (lineEnd < text.length() && "\r\n".indexOf(text.charAt(lineEnd)) >= 0) {
      nextLine++;
    }
    if (nextLine > lineEnd) {
      return skipSpacesAndTabs(text, nextLine);
    }
    return isSeparator(text.charAt(i)) ? i + 1 : i;
  }

  private static int skipSpacesAndTabs(String text, int from) {
    int i = from;
    while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  private static boolean isAlphanumeric(char c) {
    return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
  }
}
