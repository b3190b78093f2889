package dev.perennial.ingest.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;

/**
 * A labelled corpus of personal data in the spellings people use, and of look-alikes that are not
 * personal data, generated from a seed: every {@link #spellings() spelling} (e-mail addresses
 * plain, obfuscated and internationalised; phone numbers of sixteen countries in E.164, {@code 00}
 * and national forms; cards of seven networks in any grouping, width and separator; IBANs of 41
 * countries in any case and grouping; IPv4 and IPv6) and every {@link #lookalikes() look-alike}
 * (dates, times, prices, order and tracking numbers, versions, ISBNs, code, hashes, MAC addresses,
 * coordinates, quantities) placed in sentences. Each sample names the span of its value.
 */
public final class PiiCorpus {

  /**
   * One sentence.
   *
   * @param type the type of the personal data it holds, or null for a look-alike
   * @param spelling the spelling class (or look-alike class) it was made from
   * @param start where the value starts in {@code text}; -1 for a look-alike
   * @param end where the value ends in {@code text}; -1 for a look-alike
   */
  public record Sample(String text, String type, String spelling, int start, int end) {

    public boolean isPersonalData() {
      return type != null;
    }

    public String value() {
      return isPersonalData() ? text.substring(start, end) : null;
    }
  }

  /**
   * A way personal data of a type is written; the value may mark where the personal data starts and
   * ends within what is written ({@link #FROM}, {@link #TO}: {@code mailto:}, an extension).
   */
  record Spelling(String type, String name, Function<Random, String> value) {}

  static final char FROM = '\u0001';
  static final char TO = '\u0002';

  /** A kind of text that looks like personal data but is not. */
  record Lookalike(String name, Function<Random, String> text) {}

  private static final String EMAIL = "EMAIL";
  private static final String PHONE = "PHONE";
  private static final String CARD = "CARD";
  private static final String IBAN = "IBAN";
  private static final String IP = "IP";

  private static final List<String> FRAMES =
      List.of(
          "%s",
          "Contact: %s.",
          "Please use %s for anything urgent.",
          "It was %s, as far as I remember.",
          "(%s)",
          "Old one: %s; new one follows.",
          "She wrote it down as \"%s\" on the form.",
          "Noted %s in the ticket yesterday");

  private static final List<String> PHONE_FRAMES =
      List.of(
          "Call me at %s.",
          "Phone: %s",
          "my mobile is %s, evenings only",
          "Tel. %s",
          "You can reach the office on %s tomorrow.",
          "WhatsApp %s");

  private static final List<String> CARD_FRAMES =
      List.of("Card: %s exp 12/27", "charged to %s yesterday", "card number %s, CVV on the back");

  private static final List<String> IBAN_FRAMES =
      List.of("Pay to %s by Friday.", "IBAN: %s", "the refund goes to %s");

  private static final List<String> EMAIL_FRAMES =
      List.of("Write to %s, thanks.", "mail me: %s", "my address is %s");

  private static final List<String> IP_FRAMES =
      List.of("Login from %s at 10:42.", "client %s was blocked", "ssh admin@%s fails");

  private static final List<String> LOOKALIKE_FRAMES =
      List.of(
          "%s",
          "Note: %s.",
          "As discussed, %s and nothing else.",
          "(%s)",
          "We saw %s in the report yesterday");

  private PiiCorpus() {}

  /**
   * {@code perSpelling} samples of every spelling and every look-alike class, from {@code seed}.
   */
  public static List<Sample> generate(int perSpelling, long seed) {
    Random random = new Random(seed);
    List<Sample> samples = new ArrayList<>();
    for (Spelling spelling : spellings()) {
      List<String> frames = framesFor(spelling.type());
      for (int i = 0; i < perSpelling; i++) {
        String written = spelling.value().apply(random);
        String value = written.replace(String.valueOf(FROM), "").replace(String.valueOf(TO), "");
        int from = Math.max(0, written.indexOf(FROM));
        int to =
            written.indexOf(TO) < 0
                ? value.length()
                : written.indexOf(TO) - (written.indexOf(FROM) < 0 ? 0 : 1);
        String frame = frames.get(random.nextInt(frames.size()));
        int at = frame.indexOf("%s");
        samples.add(
            new Sample(
                frame.replace("%s", value), spelling.type(), spelling.name(), at + from, at + to));
      }
    }
    for (Lookalike lookalike : lookalikes()) {
      for (int i = 0; i < perSpelling; i++) {
        String frame = LOOKALIKE_FRAMES.get(random.nextInt(LOOKALIKE_FRAMES.size()));
        samples.add(
            new Sample(
                frame.replace("%s", lookalike.text().apply(random)),
                null,
                lookalike.name(),
                -1,
                -1));
      }
    }
    return samples;
  }

  private static List<String> framesFor(String type) {
    List<String> frames = new ArrayList<>(FRAMES);
    frames.addAll(
        switch (type) {
          case PHONE -> PHONE_FRAMES;
          case CARD -> CARD_FRAMES;
          case IBAN -> IBAN_FRAMES;
          case EMAIL -> EMAIL_FRAMES;
          default -> IP_FRAMES;
        });
    return frames;
  }

  // ---- personal data

  static List<Spelling> spellings() {
    List<Spelling> all = new ArrayList<>();
    all.addAll(emails());
    all.addAll(phones());
    all.addAll(cards());
    all.addAll(ibans());
    all.addAll(ips());
    // last, so that the samples of the spellings above stay as they were
    all.addAll(escapedAndBrokenSpellings());
    all.addAll(wrappedAndLocalSpellings());
    all.addAll(europeanSpellings());
    all.addAll(unprefixedSpellings());
    return all;
  }

  private static final List<String> FIRST =
      List.of("jane", "max", "li", "ana", "olu", "sven", "priya", "tomasz", "maria", "kenji");
  private static final List<String> LAST =
      List.of("doe", "mueller", "wang", "silva", "okafor", "berg", "sharma", "nowak", "rossi");
  private static final List<String> DOMAINS =
      List.of(
          "example.com",
          "mail.example.org",
          "example.co.uk",
          "example-shop.de",
          "uni.example.edu",
          "example.io",
          "example.fr");

  private static List<Spelling> emails() {
    return List.of(
        new Spelling(EMAIL, "email plain", r -> local(r) + "@" + pick(r, DOMAINS)),
        new Spelling(
            EMAIL,
            "email plus-tag",
            r -> local(r) + "+news" + r.nextInt(99) + "@" + pick(r, DOMAINS)),
        new Spelling(
            EMAIL,
            "email upper case",
            r -> (local(r) + "@" + pick(r, DOMAINS)).toUpperCase(Locale.ROOT)),
        new Spelling(EMAIL, "email [at] [dot]", r -> local(r) + " [at] " + dotted(r, " [dot] ")),
        new Spelling(EMAIL, "email (at) (dot)", r -> local(r) + "(at)" + dotted(r, "(dot)")),
        new Spelling(EMAIL, "email {at}", r -> local(r) + " {at} " + pick(r, DOMAINS)),
        new Spelling(EMAIL, "email [at] plain dots", r -> local(r) + "[at]" + pick(r, DOMAINS)),
        new Spelling(EMAIL, "email at ... dot words", r -> local(r) + " at " + dotted(r, " dot ")),
        new Spelling(EMAIL, "email spaced @", r -> local(r) + " @ " + pick(r, DOMAINS)),
        new Spelling(EMAIL, "email fullwidth @", r -> local(r) + "\uFF20" + pick(r, DOMAINS)),
        new Spelling(
            EMAIL, "email small commercial at", r -> local(r) + "\uFE6B" + pick(r, DOMAINS)),
        new Spelling(
            EMAIL,
            "email local part dot words",
            r -> pick(r, FIRST) + " dot " + pick(r, LAST) + " at " + dotted(r, " dot ")),
        new Spelling(
            EMAIL,
            "email local part [dot]",
            r -> pick(r, FIRST) + " [dot] " + pick(r, LAST) + " [at] " + dotted(r, " [dot] ")),
        new Spelling(
            EMAIL,
            "email invisible character",
            r -> invisible(r, local(r) + "@" + pick(r, DOMAINS))),
        new Spelling(
            EMAIL,
            "email IDN (Latin)",
            r ->
                pick(r, List.of("jürgen", "zoë", "françois", "søren"))
                    + "@"
                    + pick(r, List.of("müller.de", "exämple.com", "bücher.example"))),
        new Spelling(
            EMAIL,
            "email IDN (other scripts)",
            r ->
                pick(
                    r,
                    List.of(
                        "用户@例子.广告",
                        "δοκιμή@παράδειγμα.δοκιμή",
                        "почта@пример.рф",
                        "ユーザー@例え.jp",
                        "उपयोगकर्ता@उदाहरण.भारत"))),
        new Spelling(
            EMAIL,
            "email deep subdomain",
            r ->
                pick(r, FIRST)
                    + "."
                    + (char) ('a' + r.nextInt(26))
                    + "."
                    + pick(r, LAST)
                    + "@eu.mail.corp.example.co.uk"),
        new Spelling(
            EMAIL, "email mailto: link", r -> "mailto:" + FROM + local(r) + "@" + pick(r, DOMAINS)),
        new Spelling(
            EMAIL,
            "email in angle brackets",
            r -> "<" + FROM + local(r) + "@" + pick(r, DOMAINS) + TO + ">"),
        new Spelling(
            EMAIL,
            "email punycode domain",
            r -> local(r) + "@xn--mller-kva." + pick(r, List.of("de", "com", "xn--p1ai"))));
  }

  private static String local(Random r) {
    String first = pick(r, FIRST);
    String last = pick(r, LAST);
    return switch (r.nextInt(4)) {
      case 0 -> first + "." + last;
      case 1 -> first + "_" + last + r.nextInt(100);
      case 2 -> first.charAt(0) + last;
      default -> first + last.charAt(0) + (1970 + r.nextInt(40));
    };
  }

  private static String dotted(Random r, String dot) {
    return pick(r, List.of("example", "mail" + dot + "example", "shop-example"))
        + dot
        + pick(r, List.of("com", "org", "de", "co" + dot + "uk", "io"));
  }

  /** National and international formats: N a digit 2-9, X any digit, everything else literal. */
  private static List<Spelling> phones() {
    List<Spelling> all = new ArrayList<>();
    phone(all, "US/CA E.164", "+1NXXNXXXXXX");
    phone(all, "US/CA +1 spaced", "+1 NXX NXX XXXX");
    phone(all, "US/CA (NXX) NXX-XXXX", "(NXX) NXX-XXXX");
    phone(all, "US/CA NXX-NXX-XXXX", "NXX-NXX-XXXX");
    phone(all, "US/CA NXX.NXX.XXXX", "NXX.NXX.XXXX");
    phone(all, "US/CA 1-NXX-NXX-XXXX", "1-NXX-NXX-XXXX");
    phone(all, "US/CA +1 (NXX) NXX-XXXX", "+1 (NXX) NXX-XXXX");
    phone(all, "UK +44 (0)20", "+44 (0)20 7946 XXXX");
    phone(all, "UK +44 mobile", "+44 7NXX XXXXXX");
    phone(all, "UK 020 national", "020 7946 XXXX");
    all.add(
        new Spelling(
            PHONE, "phone UK invisible separators", r -> fill(r, "020\u200B7946\u2060XXXX")));
    phone(all, "UK 07 mobile national", "07NXX XXXXXX");
    phone(all, "UK 0044", "0044 20 7946 XXXX");
    phone(all, "DE +49", "+49 30 NXXXXXXX");
    phone(all, "DE 00 49", "00 49 89 NXXXXXX");
    phone(all, "DE 030/ national", "030/NXXXXXX");
    phone(all, "DE 0171 mobile", "0171 NXXXXXX");
    phone(all, "DE (030) national", "(030) NXXXXXX");
    phone(all, "FR +33", "+33 1 XX XX XX XX");
    phone(all, "FR 01 national", "01 XX XX XX XX");
    phone(all, "FR 06. mobile dotted", "06.XX.XX.XX.XX");
    phone(all, "FR 0033", "0033 6 XX XX XX XX");
    phone(all, "NL +31", "+31 20 NXX XXXX");
    phone(all, "NL 020- national", "020-NXXXXXX");
    phone(all, "NL 06- mobile", "06-NXXXXXXX");
    phone(all, "ES +34", "+34 6XX XXX XXX");
    phone(all, "ES 6XX XXX XXX national", "6XX XXX XXX");
    phone(all, "ES 9XX XX XX XX national", "9NX XX XX XX");
    phone(all, "IT +39", "+39 06 XXXX XXXX");
    phone(all, "IT 06 national", "06 XXXX XXXX");
    phone(all, "IT 3XX mobile", "3NX XXX XXXX");
    phone(all, "JP +81", "+81 3-XXXX-XXXX");
    phone(all, "JP 03- national", "03-XXXX-XXXX");
    phone(all, "JP 090- mobile", "090-XXXX-XXXX");
    phone(all, "IN +91", "+91 9XXXX XXXXX");
    phone(all, "IN 0 national", "09XXXX XXXXX");
    phone(all, "IN mobile", "9XXXX XXXXX");
    phone(all, "AU +61", "+61 2 XXXX XXXX");
    phone(all, "AU (02) national", "(02) XXXX XXXX");
    phone(all, "AU 04 mobile", "04XX XXX XXX");
    phone(all, "BR +55", "+55 11 9XXXX-XXXX");
    phone(all, "BR (11) mobile", "(11) 9XXXX-XXXX");
    phone(all, "BR (11) landline", "(11) 3XXX-XXXX");
    phone(all, "CN +86", "+86 138 XXXX XXXX");
    phone(all, "CN 1XX mobile", "13X XXXX XXXX");
    phone(all, "CN 010 national", "010 XXXX XXXX");
    phone(all, "MX +52", "+52 55 XXXX XXXX");
    phone(all, "MX national", "55 XXXX XXXX");
    phone(all, "CH +41", "+41 44 NXX XX XX");
    phone(all, "CH 044 national", "044 NXX XX XX");
    phone(all, "SE +46", "+46 8 NXX XXX XX");
    phone(all, "SE 08- national", "08-NXX XXX XX");
    phone(all, "SE 070- mobile", "070-NXX XX XX");
    phone(all, "E.164 compact (any country)", "+4915NXXXXXXXX");
    all.add(
        new Spelling(
            PHONE,
            "phone +CC random grouping",
            r -> {
              String cc =
                  pick(r, List.of("1", "44", "49", "33", "34", "39", "81", "91", "61", "55"));
              return "+" + cc + randomGroups(r, "N" + "X".repeat(8 + r.nextInt(2)), true);
            }));
    all.add(
        new Spelling(
            PHONE,
            "phone (+CC) prefix",
            r -> "(+" + pick(r, List.of("44", "49", "41", "46")) + ") " + fill(r, "NX XXXX XXXX")));
    all.add(
        new Spelling(
            PHONE,
            "phone trunk 0 random grouping",
            r -> "0" + randomGroups(r, "N" + "X".repeat(8 + r.nextInt(2)), false).strip()));
    phone(all, "tel: URI", "tel:" + FROM + "+1-NXX-NXX-XXXX");
    phone(all, "international dotted", "+44.20.7946.XXXX");
    phone(all, "with extension", "+1 NXX NXX XXXX" + TO + " ext. 12");
    phone(all, "fullwidth digits", "\uFF0B\uFF14\uFF14 \uFF12\uFF10 7946 XXXX");
    phone(all, "no-break spaces", "+33\u00A06\u00A0XX\u00A0XX\u00A0XX\u00A0XX");
    return all;
  }

  private static void phone(List<Spelling> all, String name, String format) {
    all.add(new Spelling(PHONE, "phone " + name, r -> fill(r, format)));
  }

  /** Cards of the networks' prefixes and lengths, in the groupings and widths people type. */
  private static List<Spelling> cards() {
    List<Spelling> all = new ArrayList<>();
    card(all, "Visa 4-4-4-4 spaces", "4", 16, "4444", " ");
    card(all, "Visa 4-4-4-4 dashes", "4", 16, "4444", "-");
    card(all, "Visa 4-4-4-4 dots", "4", 16, "4444", ".");
    card(all, "Visa unseparated", "4", 16, "", "");
    card(all, "Visa no-break spaces", "4", 16, "4444", "\u00A0");
    card(all, "Visa thin spaces", "4", 16, "4444", "\u2009");
    card(all, "Visa narrow no-break spaces", "4", 16, "4444", "\u202F");
    card(all, "Visa en dashes", "4", 16, "4444", "\u2013");
    card(all, "Visa zero-width spaces", "4", 16, "4444", "\u200B");
    all.add(
        new Spelling(
            CARD,
            "card mathematical digits",
            r -> mathematical(grouped(luhn(r, "4", 16), "4444", " "))));
    card(all, "Mastercard 51-55", "55", 16, "4444", " ");
    card(all, "Mastercard 2-series", "2221", 16, "4444", " ");
    card(all, "Amex 4-6-5", "37", 15, "465", " ");
    card(all, "Amex unseparated", "34", 15, "", "");
    card(all, "Discover", "6011", 16, "4444", "-");
    card(all, "JCB", "3528", 16, "4444", " ");
    card(all, "Diners 4-6-4", "36", 14, "464", " ");
    card(all, "UnionPay 19 digits", "62", 19, "44443", " ");
    card(all, "Maestro 13 digits", "50", 13, "445", " ");
    all.add(
        new Spelling(
            CARD,
            "card random grouping",
            r -> {
              String digits = luhn(r, pick(r, List.of("4", "51", "37", "6011", "35")), 16);
              String separator = pick(r, List.of(" ", "-", ".", "\u00A0"));
              StringBuilder out = new StringBuilder();
              for (int at = 0; at < digits.length(); ) {
                int size = Math.min(digits.length() - at, 3 + r.nextInt(4));
                out.append(out.length() == 0 ? "" : separator).append(digits, at, at + size);
                at += size;
              }
              return out.toString();
            }));
    all.add(
        new Spelling(
            CARD, "card fullwidth digits", r -> fullwidth(grouped(luhn(r, "4", 16), "4444", " "))));
    all.add(new Spelling(CARD, "card fullwidth unseparated", r -> fullwidth(luhn(r, "53", 16))));
    return all;
  }

  private static void card(
      List<Spelling> all, String name, String prefix, int length, String groups, String separator) {
    all.add(
        new Spelling(
            CARD, "card " + name, r -> grouped(luhn(r, prefix, length), groups, separator)));
  }

  /** BBAN formats: letters (A) and digits (9), the rest of each country's IBAN length. */
  private static final List<String> BBANS =
      List.of(
          "DE:999999999999999999",
          "GB:AAAA99999999999999",
          "FR:9999999999AAAAAAAAAAA99",
          "ES:99999999999999999999",
          "IT:A9999999999AAAAAAAAAAAA",
          "NL:AAAA9999999999",
          "BE:999999999999",
          "CH:99999AAAAAAAAAAAA",
          "AT:9999999999999999",
          "PL:999999999999999999999999",
          "SE:99999999999999999999",
          "NO:99999999999",
          "DK:99999999999999",
          "FI:99999999999999",
          "IE:AAAA99999999999999",
          "PT:999999999999999999999",
          "LU:999AAAAAAAAAAAAA",
          "SA:99AAAAAAAAAAAAAAAAAA",
          "TR:99999AAAAAAAAAAAAAAAAA",
          "BR:99999999999999999999999AA",
          "GR:99999999999999999999999",
          "CZ:99999999999999999999",
          "HU:999999999999999999999999",
          "RO:AAAA9999999999999999",
          "LT:9999999999999999",
          "HR:99999999999999999",
          "MT:AAAA99999AAAAAAAAAAAAAAAAAA",
          "AE:9999999999999999999",
          "IL:9999999999999999999");

  private static List<Spelling> ibans() {
    List<Spelling> all = new ArrayList<>();
    all.add(new Spelling(IBAN, "IBAN compact", r -> iban(r)));
    all.add(new Spelling(IBAN, "IBAN groups of 4", r -> grouped(iban(r), "", " ")));
    all.add(
        new Spelling(
            IBAN,
            "IBAN lower case groups",
            r -> grouped(iban(r), "", " ").toLowerCase(Locale.ROOT)));
    all.add(new Spelling(IBAN, "IBAN lower case compact", r -> iban(r).toLowerCase(Locale.ROOT)));
    all.add(new Spelling(IBAN, "IBAN dashes", r -> grouped(iban(r), "", "-")));
    all.add(new Spelling(IBAN, "IBAN mixed case", r -> mixedCase(r, grouped(iban(r), "", " "))));
    all.add(new Spelling(IBAN, "IBAN dots", r -> grouped(iban(r), "", ".")));
    all.add(new Spelling(IBAN, "IBAN soft hyphens", r -> grouped(iban(r), "", "\u00AD")));
    all.add(
        new Spelling(
            IBAN,
            "IBAN irregular grouping",
            r -> {
              String iban = iban(r);
              StringBuilder out = new StringBuilder(iban.substring(0, 4));
              for (int at = 4; at < iban.length(); ) {
                int size = Math.min(iban.length() - at, 2 + r.nextInt(8));
                out.append(' ').append(iban, at, at + size);
                at += size;
              }
              return out.toString();
            }));
    return all;
  }

  private static List<Spelling> ips() {
    return List.of(
        new Spelling(
            IP,
            "IPv4 public",
            r ->
                (11 + r.nextInt(180))
                    + "."
                    + r.nextInt(256)
                    + "."
                    + r.nextInt(256)
                    + "."
                    + (1 + r.nextInt(254))),
        new Spelling(
            IP, "IPv4 private", r -> "192.168." + r.nextInt(256) + "." + (1 + r.nextInt(254))),
        new Spelling(IP, "IPv6 full", r -> ipv6(r, false, false)),
        new Spelling(IP, "IPv6 compressed", r -> ipv6(r, true, false)),
        new Spelling(IP, "IPv6 upper case", r -> ipv6(r, true, false).toUpperCase(Locale.ROOT)),
        new Spelling(
            IP,
            "IPv6 with IPv4 tail",
            r ->
                "::ffff:"
                    + (11 + r.nextInt(180))
                    + "."
                    + r.nextInt(256)
                    + ".0."
                    + (1 + r.nextInt(254))),
        new Spelling(IP, "IPv6 leading zeros", r -> ipv6(r, false, true)),
        new Spelling(
            IP,
            "IPv6 in brackets with a port",
            r -> "[" + FROM + ipv6(r, true, false) + TO + "]:" + (1024 + r.nextInt(60000))),
        new Spelling(
            IP, "IPv6 in a URL", r -> "http://[" + FROM + ipv6(r, true, false) + TO + "]/admin"),
        new Spelling(
            IP,
            "IPv6 link-local with zone",
            r -> "fe80::" + hex4(r) + ":" + hex4(r) + ":" + hex4(r) + TO + "%eth" + r.nextInt(4)));
  }

  /**
   * Spellings added by the session-27 audit: an at sign escaped in a URL or HTML, defanged dots, an
   * address broken after a dot at a line end, an apostrophe in the local part, an extension right
   * after a phone number, combining marks on digits, IBANs of the registry's newer countries, IPv4
   * with bracketed dots.
   */
  private static List<Spelling> escapedAndBrokenSpellings() {
    return List.of(
        new Spelling(
            EMAIL,
            "email %40 in a URL",
            r ->
                "https://news.example.com/u?email="
                    + FROM
                    + local(r)
                    + "%40"
                    + pick(r, DOMAINS)
                    + TO
                    + "&list="
                    + r.nextInt(100)),
        new Spelling(
            EMAIL,
            "email HTML-escaped at",
            r -> local(r) + pick(r, List.of("&#64;", "&#x40;", "&commat;")) + pick(r, DOMAINS)),
        new Spelling(EMAIL, "email defanged dots", r -> local(r) + "@" + dotted(r, "[.]")),
        new Spelling(EMAIL, "email at word [dot]", r -> local(r) + " at " + dotted(r, " [dot] ")),
        new Spelling(
            EMAIL,
            "email broken after a dot",
            r -> local(r) + "@" + pick(r, List.of("example.\n", "mail.example.\n  ")) + "com"),
        new Spelling(
            EMAIL,
            "email apostrophe",
            r ->
                pick(r, FIRST)
                    + ".o"
                    + pick(r, List.of("'", "\u2019"))
                    + pick(r, LAST)
                    + "@"
                    + pick(r, DOMAINS)),
        new Spelling(
            PHONE,
            "phone extension right after",
            r -> fill(r, "(NXX) NXX-XXXX") + TO + pick(r, List.of("x", "X", "ext.", "ext")) + 23),
        new Spelling(
            PHONE, "phone combining mark on a digit", r -> fill(r, "+44 20 79\u030146 XXXX")),
        new Spelling(
            CARD,
            "card combining marks on digits",
            r -> grouped(luhn(r, "4", 16), "4444", " ").replace(" ", "\u0332 ")),
        new Spelling(IBAN, "IBAN newer registry countries", r -> grouped(newerIban(r), "", " ")),
        new Spelling(
            IP,
            "IPv4 defanged",
            r ->
                String.join(
                    pick(r, List.of("[.]", "(.)")),
                    String.valueOf(11 + r.nextInt(180)),
                    String.valueOf(r.nextInt(256)),
                    String.valueOf(r.nextInt(256)),
                    String.valueOf(1 + r.nextInt(254)))));
  }

  /**
   * Spellings added in session 40: an IBAN broken across two lines between two groups, an at sign
   * and a two-letter top-level domain after a spaced dot ({@code jane@example . it}), the dot
   * spelled in brackets in German or French ({@code info(at)firma(punkt)de}), a bracketed {@code a}
   * for the at sign ({@code etunimi.sukunimi(a)yritys.fi}).
   */
  private static List<Spelling> wrappedAndLocalSpellings() {
    return List.of(
        new Spelling(
            IBAN, "IBAN broken across lines", r -> brokenAcrossLines(r, grouped(iban(r), "", " "))),
        new Spelling(
            EMAIL,
            "email spaced dot before a two-letter domain",
            r ->
                local(r)
                    + "@"
                    + pick(r, List.of("example", "mail . example"))
                    + " . "
                    + pick(r, List.of("it", "is", "me", "to", "us", "in"))),
        new Spelling(
            EMAIL,
            "email (at) (punkt)",
            r ->
                local(r)
                    + pick(r, List.of("(at)", " [at] ", "(@)"))
                    + pick(r, List.of("firma", "example"))
                    + pick(r, List.of("(punkt)", " [punkt] ", "(Punkt)", "(point)"))
                    + pick(r, List.of("de", "at", "ch", "fr", "com"))),
        new Spelling(
            EMAIL,
            "email (a) for the at sign",
            r -> local(r) + pick(r, List.of("(a)", "[a]")) + pick(r, DOMAINS)));
  }

  /**
   * Spellings added in session 41: a switchboard number of 7 or 8 digits ({@code 01 58801-0},
   * Vienna's, {@code 0316 873-0}), the at spelled {@code at} and a two-letter top-level domain
   * after a spaced dot where a sign ends the address ({@code jane at example . it,}), a bracketed
   * {@code a} with a space beside it ({@code jane (a) example.com}), the at sign's word in a
   * European language ({@code jean.dupont arobase exemple point fr}).
   */
  private static List<Spelling> europeanSpellings() {
    return List.of(
        new Spelling(
            PHONE,
            "phone AT/DE switchboard of 7 or 8 digits",
            r ->
                fill(
                    r,
                    pick(
                        r,
                        List.of(
                            "01 NXXXX-0",
                            "01 NXXX-0",
                            "(01) NXXXX-0",
                            "01/NXXXX-0",
                            "0316 NXX-0",
                            "0421 NXX-0")))),
        new Spelling(
            EMAIL,
            "email at ... spaced dot before a two-letter domain, then a sign",
            r ->
                local(r)
                    + " at "
                    + pick(r, List.of("example", "mail . example"))
                    + " . "
                    + pick(r, List.of("it", "is", "me", "to", "us", "in"))
                    + TO
                    + pick(r, List.of(",", ";", "."))),
        new Spelling(
            EMAIL,
            "email (a) with a space beside it",
            r -> local(r) + pick(r, List.of(" (a) ", "(a) ", " (a)", " [a] ")) + pick(r, DOMAINS)),
        new Spelling(
            EMAIL,
            "email the at sign's word (arobase, arroba, chiocciola, ...)",
            r ->
                local(r)
                    + " "
                    + pick(
                        r,
                        List.of(
                            "arobase",
                            "AROBASE",
                            "arroba",
                            "chiocciola",
                            "Klammeraffe",
                            "apenstaartje",
                            "snabel-a"))
                    + " "
                    + pick(r, List.of("exemple", "ejemplo", "esempio", "beispiel"))
                    + pick(r, List.of(" point ", " punto ", " punkt ", " punt ", "."))
                    + pick(r, List.of("fr", "es", "it", "de", "nl", "se", "com"))));
  }

  /**
   * Spellings added in session 42: Polish and Portuguese landlines without a trunk prefix ({@code
   * 22 123 45 67}, {@code 21 123 4567}) and an area code and a spaced dash ({@code 0171 - 123 45
   * 67}). The spellings that session left undetected (pairs {@code 12 34 56 78} without a phone
   * word, a Portuguese {@code 213 456 789}, {@code jane at example . it today}) are not among them:
   * the README gives their figures.
   */
  private static List<Spelling> unprefixedSpellings() {
    return List.of(
        new Spelling(
            PHONE,
            "phone PL landline without trunk prefix",
            r -> pick(r, List.of("22", "12", "58", "61", "71")) + fill(r, " NXX XX XX")),
        new Spelling(
            PHONE,
            "phone PT landline 2X XXX XXXX without trunk prefix",
            r -> pick(r, List.of("21", "22", "23")) + fill(r, " NXX XXXX")),
        new Spelling(
            PHONE,
            "phone area code and a spaced dash",
            r ->
                fill(
                    r,
                    pick(
                        r,
                        List.of(
                            "0171 - NXX XX XX",
                            "030 - NXXXXXX",
                            "089 - NXX XX XX",
                            "0421 - NXXXXX")))));
  }

  /** {@code grouped} with one of its spaces a line break, a space or an indent beside it. */
  private static String brokenAcrossLines(Random r, String grouped) {
    int at = grouped.indexOf(' ', 1 + r.nextInt(grouped.length() - 6));
    return grouped.substring(0, at)
        + pick(r, List.of("\n", " \n", "\n    ", "\r\n"))
        + grouped.substring(at + 1);
  }

  /** BBAN formats of countries that joined the IBAN registry since 2020. */
  private static final List<String> NEWER_BBANS =
      List.of(
          "LY:999999999999999999999",
          "SD:99999999999999",
          "BI:99999999999999999999999",
          "DJ:99999999999999999999999",
          "RU:99999999999999999999999999999",
          "FK:AA999999999999",
          "MN:9999999999999999",
          "NI:AAAA99999999999999999999",
          "SO:9999999999999999999",
          "OM:999AAAAAAAAAAAAAAAA",
          "HN:AAAA99999999999999999999",
          "YE:AAAA99999999AAAAAAAAAAAAAA");

  private static String newerIban(Random r) {
    return ibanOf(r, NEWER_BBANS.get(r.nextInt(NEWER_BBANS.size())));
  }

  private static String hex4(Random r) {
    return Integer.toHexString(r.nextInt(65536));
  }

  private static String ipv6(Random r, boolean compressed, boolean leadingZeros) {
    List<String> groups = new ArrayList<>();
    groups.add(pick(r, List.of("2001", "2a00", "2600", "2406", "fd12")));
    for (int i = 1; i < 8; i++) {
      int value = r.nextInt(65536);
      groups.add(leadingZeros ? String.format("%04x", value) : Integer.toHexString(value));
    }
    if (!compressed) {
      return String.join(":", groups);
    }
    return groups.get(0)
        + ":"
        + groups.get(1)
        + ":"
        + groups.get(2)
        + "::"
        + groups.get(6)
        + ":"
        + groups.get(7);
  }

  // ---- look-alikes

  static List<Lookalike> lookalikes() {
    return List.of(
        new Lookalike(
            "ISO date",
            r ->
                "on "
                    + (2000 + r.nextInt(30))
                    + "-"
                    + two(1 + r.nextInt(12))
                    + "-"
                    + two(1 + r.nextInt(28))),
        new Lookalike(
            "dotted date and time",
            r ->
                two(1 + r.nextInt(28))
                    + "."
                    + two(1 + r.nextInt(12))
                    + "."
                    + (2000 + r.nextInt(30))
                    + " "
                    + two(r.nextInt(24))
                    + ":"
                    + two(r.nextInt(60))),
        new Lookalike(
            "US date",
            r -> (1 + r.nextInt(12)) + "/" + (1 + r.nextInt(28)) + "/" + (2000 + r.nextInt(30))),
        new Lookalike(
            "date then count",
            r ->
                "on "
                    + two(1 + r.nextInt(28))
                    + "."
                    + two(1 + r.nextInt(12))
                    + "."
                    + (2000 + r.nextInt(30))
                    + " "
                    + (2 + r.nextInt(90))
                    + " people came"),
        new Lookalike(
            "timestamp",
            r ->
                (2000 + r.nextInt(30))
                    + "-0"
                    + (1 + r.nextInt(9))
                    + "-1"
                    + r.nextInt(9)
                    + "T"
                    + two(r.nextInt(24))
                    + ":"
                    + two(r.nextInt(60))
                    + ":"
                    + two(r.nextInt(60))
                    + "Z"),
        new Lookalike(
            "time",
            r -> "at " + two(r.nextInt(24)) + ":" + two(r.nextInt(60)) + ":" + two(r.nextInt(60))),
        new Lookalike(
            "price US",
            r ->
                "$"
                    + String.format(
                        Locale.US, "%,d.%02d", 1000 + r.nextInt(9_000_000), r.nextInt(100))),
        new Lookalike(
            "price EU",
            r ->
                String.format(
                        Locale.GERMANY, "%,d,%02d", 1000 + r.nextInt(9_000_000), r.nextInt(100))
                    + " €"),
        new Lookalike(
            "price with space thousands", r -> "€ " + spaced(100_000 + r.nextInt(900_000_000))),
        new Lookalike(
            "amount in EUR words", r -> spaced(100_000_000 + r.nextInt(800_000_000)) + " EUR"),
        new Lookalike("order number", r -> "order #" + (100000 + r.nextInt(900000))),
        new Lookalike("long order number", r -> "Order no. " + digits(r, 10)),
        new Lookalike("order id with zeros", r -> "order 000" + digits(r, 9)),
        new Lookalike(
            "invoice number", r -> "invoice INV-" + (2000 + r.nextInt(30)) + "-" + digits(r, 6)),
        new Lookalike("tracking number", r -> "tracking 1Z" + upper(r, 6) + digits(r, 10)),
        new Lookalike(
            "ticket number",
            r -> "ticket " + digits(r, 3) + "-" + digits(r, 3) + "-" + digits(r, 4)),
        new Lookalike("SKU", r -> "SKU " + digits(r, 3) + "-" + digits(r, 3) + "-" + digits(r, 3)),
        new Lookalike(
            "version", r -> "version " + r.nextInt(20) + "." + r.nextInt(20) + "." + r.nextInt(50)),
        new Lookalike(
            "four-part version with v",
            r ->
                "v"
                    + r.nextInt(20)
                    + "."
                    + r.nextInt(20)
                    + "."
                    + r.nextInt(50)
                    + "."
                    + r.nextInt(300)),
        new Lookalike(
            "build number",
            r -> "build 10.0." + (10000 + r.nextInt(20000)) + "." + r.nextInt(3000)),
        new Lookalike(
            "ISBN-13",
            r ->
                "ISBN 978-"
                    + r.nextInt(10)
                    + "-"
                    + digits(r, 2)
                    + "-"
                    + digits(r, 6)
                    + "-"
                    + r.nextInt(10)),
        new Lookalike(
            "ISBN-10",
            r -> r.nextInt(10) + "-" + digits(r, 3) + "-" + digits(r, 5) + "-" + r.nextInt(10)),
        new Lookalike("Java annotation", r -> "@Override public void run() { count++; }"),
        new Lookalike(
            "Kotlin labelled this",
            r -> "this@" + pick(r, List.of("MainActivity", "Repo", "Service")) + ".finish()"),
        new Lookalike("numpy matrix product", r -> "y = X @ beta.values + noise"),
        new Lookalike("C++ scope", r -> "std::vector<int> v; v.push_back(" + r.nextInt(100) + ");"),
        new Lookalike(
            "Python slice", r -> "xs[::" + (2 + r.nextInt(5)) + "] and xs[1:" + r.nextInt(9) + "]"),
        new Lookalike(
            "CSS media query",
            r -> "@media screen and (max-width: " + (300 + r.nextInt(900)) + "px)"),
        new Lookalike(
            "URL with port", r -> "http://localhost:" + (1024 + r.nextInt(60000)) + "/api/v1"),
        new Lookalike("social handle", r -> "follow @" + pick(r, FIRST) + "_" + pick(r, LAST)),
        new Lookalike("git commit", r -> "commit " + hex(r, 40)),
        new Lookalike(
            "UUID",
            r ->
                hex(r, 8)
                    + "-"
                    + hex(r, 4)
                    + "-4"
                    + hex(r, 3)
                    + "-a"
                    + hex(r, 3)
                    + "-"
                    + hex(r, 12)),
        new Lookalike(
            "MAC address",
            r ->
                "MAC " + hex(r, 2) + ":" + hex(r, 2) + ":" + hex(r, 2) + ":" + hex(r, 2) + ":"
                    + hex(r, 2) + ":" + hex(r, 2)),
        new Lookalike(
            "coordinates",
            r -> String.format(Locale.US, "%.4f, %.4f", r.nextDouble() * 90, r.nextDouble() * 180)),
        new Lookalike("percentage", r -> String.format(Locale.US, "%.1f%%", r.nextDouble() * 100)),
        new Lookalike(
            "large count with spaces",
            r -> spaced(100_000_000 + r.nextInt(900_000_000)) + " downloads so far"),
        new Lookalike("quantity with unit", r -> spaced(1000 + r.nextInt(9_000_000)) + " km"),
        new Lookalike(
            "score and ratio", r -> "won " + r.nextInt(6) + "-" + r.nextInt(6) + " in 16:9"),
        new Lookalike(
            "range of years", r -> "from " + (1950 + r.nextInt(40)) + "-" + (1990 + r.nextInt(30))),
        new Lookalike(
            "product code",
            r -> "part " + upper(r, 2) + digits(r, 2) + " " + upper(r, 4) + " " + digits(r, 4)),
        new Lookalike(
            "postal code",
            r -> pick(r, List.of("SW1A 1AA", "10115 Berlin", "75008 Paris", "94105"))),
        new Lookalike("short code", r -> "the access code is " + digits(r, 4) + "-" + digits(r, 4)),
        new Lookalike(
            "phone-like account id",
            r -> "account " + digits(r, 4) + " " + digits(r, 4) + " " + digits(r, 4)),
        new Lookalike(
            "sentence with at and dot", r -> "we met at noon, dot on time at the station"),
        new Lookalike("website", r -> "visit us at " + pick(r, DOMAINS)),
        new Lookalike(
            "four-part version after a colon",
            r ->
                pick(r, List.of("Version: ", "version=", "Release: ", "Firmware: "))
                    + r.nextInt(10)
                    + "."
                    + r.nextInt(20)
                    + "."
                    + r.nextInt(20)
                    + "."
                    + r.nextInt(100)),
        new Lookalike(
            "bracketed list letter and German word",
            r ->
                pick(
                    r,
                    List.of(
                        "Choose (a) " + pick(r, DOMAINS) + " or (b) another host",
                        "under section " + (1 + r.nextInt(30)) + "(a) of the act",
                        "the punkt (punkt) was set at " + (1 + r.nextInt(12)) + " pt",
                        "jane (a) manager, (b) " + pick(r, DOMAINS)))),
        // last, session 41: the look-alikes of its spellings
        new Lookalike(
            "list letters (a) and (b) before domains",
            r ->
                pick(r, List.of("Choose", "Pick either", "Use"))
                    + " (a) "
                    + pick(r, DOMAINS)
                    + " or "
                    + pick(r, List.of("(b)", "(B)", "[b]"))
                    + " "
                    + pick(r, DOMAINS)),
        new Lookalike(
            "tokenised sentence with at and a two-letter word",
            r ->
                pick(
                    r,
                    List.of(
                        "i arrived at home . it was late .",
                        "we stayed at school . me too .",
                        "she studied at mit . in 2010 she left .",
                        "they met at work . us ? no ."))),
        new Lookalike(
            "the at sign's word without a domain",
            r ->
                pick(
                    r,
                    List.of(
                        "le signe arobase se tape ainsi",
                        "compró una arroba de trigo",
                        "la chiocciola si scrive così"))),
        new Lookalike(
            "part number ending in -0",
            r ->
                pick(r, List.of("model 01-", "build 01.", "rev 0316-"))
                    + digits(r, 3 + r.nextInt(3))
                    + "-0"),
        // last, session 42: the look-alikes of its spellings
        new Lookalike(
            "a single list letter (a) before a domain",
            r -> pick(r, List.of("Options", "See", "Either")) + " (a) " + pick(r, DOMAINS)),
        new Lookalike(
            "two-digit numbers in a row",
            r ->
                pick(r, List.of("Seats ", "numbers drawn: ", "rows ", "bus lines "))
                    + two(10 + r.nextInt(90))
                    + " "
                    + two(10 + r.nextInt(90))
                    + " "
                    + two(10 + r.nextInt(90))
                    + " "
                    + two(10 + r.nextInt(90))),
        new Lookalike(
            "a range with a spaced dash",
            r ->
                pick(
                    r,
                    List.of(
                        "open 0" + (7 + r.nextInt(3)) + "00 - 1" + r.nextInt(8) + "30",
                        "postcodes 0" + digits(r, 4) + " - 0" + digits(r, 4),
                        "pages 0" + digits(r, 3) + " - " + (1 + r.nextInt(9)) + digits(r, 2),
                        "won 0 - " + (1 + r.nextInt(5)) + " at 1" + digits(r, 3)))),
        new Lookalike(
            "nine digits grouped 2-3-2-2 or 2-3-4",
            r ->
                pick(r, List.of("Rows ", "batch ", "count "))
                    + (10 + r.nextInt(90))
                    + " "
                    + (100 + r.nextInt(900))
                    + pick(
                        r,
                        List.of(
                            " " + two(r.nextInt(100)) + " " + two(r.nextInt(100)),
                            " " + digits(r, 4)))
                    + pick(r, List.of("", " today", " items"))));
  }

  // ---- helpers

  /** {@code format} filled, in random groups of 2 to 4 with one separator (or none). */
  private static String randomGroups(Random r, String format, boolean leadingSeparator) {
    String digits = fill(r, format);
    String separator = pick(r, List.of(" ", "-", ".", ""));
    StringBuilder out = new StringBuilder();
    for (int at = 0; at < digits.length(); ) {
      int size = 2 + r.nextInt(3);
      if (digits.length() - at - size < 2) {
        size = digits.length() - at;
      }
      if (at > 0 || leadingSeparator) {
        out.append(separator.isEmpty() && at == 0 ? " " : separator);
      }
      out.append(digits, at, at + size);
      at += size;
    }
    return out.toString();
  }

  private static String fill(Random r, String format) {
    StringBuilder out = new StringBuilder(format.length());
    for (char c : format.toCharArray()) {
      if (c == 'X') {
        out.append((char) ('0' + r.nextInt(10)));
      } else if (c == 'N') {
        out.append((char) ('2' + r.nextInt(8)));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** A number of {@code length} digits starting with {@code prefix} that passes Luhn. */
  static String luhn(Random r, String prefix, int length) {
    StringBuilder digits = new StringBuilder(prefix);
    while (digits.length() < length - 1) {
      digits.append(r.nextInt(10));
    }
    for (int check = 0; check < 10; check++) {
      String candidate = digits.toString() + check;
      if (luhnValid(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("no Luhn check digit for " + digits);
  }

  private static boolean luhnValid(String digits) {
    int sum = 0;
    boolean doubled = false;
    for (int i = digits.length() - 1; i >= 0; i--) {
      int d = digits.charAt(i) - '0';
      if (doubled) {
        d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      }
      sum += d;
      doubled = !doubled;
    }
    return sum % 10 == 0;
  }

  /** {@code value} in groups of the sizes in {@code sizes} (empty: groups of four). */
  private static String grouped(String value, String sizes, String separator) {
    if (separator.isEmpty()) {
      return value;
    }
    StringBuilder out = new StringBuilder();
    int at = 0;
    int group = 0;
    while (at < value.length()) {
      int size = group < sizes.length() ? sizes.charAt(group) - '0' : 4;
      if (out.length() > 0) {
        out.append(separator);
      }
      out.append(value, at, Math.min(value.length(), at + size));
      at += size;
      group++;
    }
    return out.toString();
  }

  private static String iban(Random r) {
    return ibanOf(r, BBANS.get(r.nextInt(BBANS.size())));
  }

  /** An IBAN of a BBAN format ({@code DE:999...}) with random characters and valid check digits. */
  private static String ibanOf(Random r, String format) {
    String country = format.substring(0, 2);
    StringBuilder bban = new StringBuilder();
    for (char c : format.substring(3).toCharArray()) {
      bban.append(c == 'A' ? (char) ('A' + r.nextInt(26)) : (char) ('0' + r.nextInt(10)));
    }
    String rearranged = bban + country + "00";
    int remainder = 0;
    for (char c : rearranged.toCharArray()) {
      remainder =
          Character.isDigit(c)
              ? (remainder * 10 + (c - '0')) % 97
              : (remainder * 100 + (c - 'A' + 10)) % 97;
    }
    return country + two(98 - remainder) + bban;
  }

  /** {@code text} with its ASCII digits as mathematical bold digits (outside the basic plane). */
  private static String mathematical(String text) {
    StringBuilder out = new StringBuilder(text.length() * 2);
    for (char c : text.toCharArray()) {
      if (c >= '0' && c <= '9') {
        out.appendCodePoint(0x1D7CE + (c - '0'));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** {@code text} with an invisible character (zero-width space, joiner, ...) inside it. */
  private static String invisible(Random r, String text) {
    int at = 1 + r.nextInt(text.length() - 1);
    return text.substring(0, at)
        + pick(r, List.of("\u200B", "\u200C", "\u200D", "\u2060", "\u00AD", "\uFEFF"))
        + text.substring(at);
  }

  private static String fullwidth(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      out.append(c >= '0' && c <= '9' ? (char) (c + 0xFEE0) : c);
    }
    return out.toString();
  }

  private static String mixedCase(Random r, String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      out.append(r.nextBoolean() ? Character.toLowerCase(c) : c);
    }
    return out.toString();
  }

  private static String spaced(long number) {
    return String.format(Locale.US, "%,d", number).replace(',', ' ');
  }

  private static String digits(Random r, int count) {
    StringBuilder out = new StringBuilder(count);
    for (int i = 0; i < count; i++) {
      out.append(r.nextInt(10));
    }
    return out.toString();
  }

  private static String hex(Random r, int count) {
    StringBuilder out = new StringBuilder(count);
    for (int i = 0; i < count; i++) {
      out.append(Character.forDigit(r.nextInt(16), 16));
    }
    return out.toString();
  }

  private static String upper(Random r, int count) {
    StringBuilder out = new StringBuilder(count);
    for (int i = 0; i < count; i++) {
      out.append((char) ('A' + r.nextInt(26)));
    }
    return out.toString();
  }

  private static String two(int number) {
    return String.format(Locale.ROOT, "%02d", number);
  }

  private static <T> T pick(Random r, List<T> items) {
    return items.get(r.nextInt(items.size()));
  }
}
