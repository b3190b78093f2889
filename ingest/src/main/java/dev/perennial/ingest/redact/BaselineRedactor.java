package dev.perennial.ingest.redact;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The redaction ingest shipped before it read the spellings people use (issue 13): the same five
 * types, ASCII-only patterns, applied one after the other. Kept only as {@code perennial bench
 * pii}'s baseline, so the benchmark measures the improvement in the same run; ingest never uses it.
 * Each pattern runs on the text with the earlier patterns' matches masked (as the placeholders
 * replaced them), so the detections keep the original text's positions. Thread-safe.
 */
public final class BaselineRedactor {

  private record Detector(String type, Pattern pattern, Predicate<String> accepts) {}

  private static final List<Detector> DETECTORS =
      List.of(
          new Detector(
              "EMAIL",
              Pattern.compile(
                  "(?<![\\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@(?:[A-Za-z0-9-]+\\.)+[A-Za-z]{2,}"
                      + "(?![A-Za-z0-9-])"),
              match -> true),
          new Detector(
              "IBAN",
              Pattern.compile(
                  "(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}"
                      + "(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,4})?)"
                      + "(?![A-Za-z0-9])"),
              match -> Checksums.iban(match.replace(" ", ""))),
          new Detector(
              "IP",
              Pattern.compile(
                  "(?<![\\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}"
                      + "(?:[0-9]{1,3}(?:\\.[0-9]{1,3}){3}|[0-9A-Fa-f]{0,4})"
                      + "(?![\\w:]|\\.\\w)"),
              Checksums::ipv6),
          new Detector(
              "IP",
              Pattern.compile("(?<![\\w.])[0-9]{1,3}(?:\\.[0-9]{1,3}){3}(?![\\w]|\\.[0-9])"),
              Checksums::ipv4),
          new Detector(
              "PHONE",
              Pattern.compile("(?<![\\w+])\\+[0-9]{1,3}(?:[ .-]?\\(?[0-9]{1,4}\\)?){2,6}(?![0-9])"),
              match -> digits(match).length() >= 8 && digits(match).length() <= 15),
          new Detector(
              "CARD",
              Pattern.compile("(?<![\\w-])[0-9](?:[ -]?[0-9]){12,18}(?![\\w])"),
              match -> Checksums.luhn(digits(match))),
          new Detector(
              "PHONE",
              Pattern.compile("(?<![\\w(])\\([0-9]{3}\\) ?[0-9]{3}[ .-][0-9]{4}(?![0-9])"),
              match -> true),
          new Detector(
              "PHONE",
              Pattern.compile("(?<![\\w-])[0-9]{3}[.-][0-9]{3}[.-][0-9]{4}(?![\\w-])"),
              match -> true),
          new Detector(
              "PHONE",
              Pattern.compile(
                  "(?<![\\w-])0[0-9]{1,4}[ /-]?[0-9]{2,4}(?:[ -]?[0-9]{2,4}){1,3}(?![\\w-])"),
              match -> digits(match).length() >= 9 && digits(match).length() <= 13));

  /** What the baseline would replace in {@code text}, in text order. */
  public List<PiiRedactor.Detection> detections(String text) {
    StringBuilder masked = new StringBuilder(text);
    List<PiiRedactor.Detection> detections = new ArrayList<>();
    for (Detector detector : DETECTORS) {
      Matcher matcher = detector.pattern().matcher(masked.toString());
      while (matcher.find()) {
        if (detector.accepts().test(matcher.group())) {
          detections.add(
              new PiiRedactor.Detection(matcher.start(), matcher.end(), detector.type()));
          mask(masked, matcher.start(), matcher.end());
        }
      }
    }
    detections.sort(Comparator.comparingInt(PiiRedactor.Detection::start));
    return detections;
  }

  /** Stands in for a placeholder of the span's length: no digit, sign or letter a pattern reads. */
  private static void mask(StringBuilder text, int start, int end) {
    text.setCharAt(start, '<');
    for (int i = start + 1; i < end - 1; i++) {
      text.setCharAt(i, '~');
    }
    text.setCharAt(end - 1, '>');
  }

  private static String digits(String text) {
    StringBuilder digits = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        digits.append(c);
      }
    }
    return digits.toString();
  }
}
