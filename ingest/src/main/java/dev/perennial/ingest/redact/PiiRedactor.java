package dev.perennial.ingest.redact;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;

/**
 * Replaces personal data in free text by typed placeholders and counts what it replaced: e-mail
 * addresses ({@code <EMAIL>}), IBANs ({@code <IBAN>}), IPv4 and IPv6 addresses ({@code <IP>}),
 * payment card numbers ({@code <CARD>}) and phone numbers ({@code <PHONE>}) in the spellings people
 * use ({@link Emails}, {@link Ibans}, {@link IpAddresses}, {@link NumberRuns}), then a tenant's own
 * kinds ({@link CustomPatterns}). Detectors read the text folded to ASCII digits, signs and spaces,
 * without invisible characters ({@link TextView}), and claim spans in that order; a span
 * overlapping an earlier one is left to it.
 *
 * <p>Digits are redacted conservatively, because the text also carries facts the adapters must
 * learn (prices, years, codes such as {@code 0421-7730}): every rule wants a checksum, a shape or a
 * word that only personal data has. What no pattern can tell (names, postal addresses, a four-part
 * version number without a word in front) is listed in the README. {@code perennial bench pii}
 * measures recall and precision on a generated, labelled corpus. Thread-safe.
 */
public final class PiiRedactor {

  private final CustomPatterns custom;

  /** The built-in types only. */
  public PiiRedactor() {
    this(CustomPatterns.NONE);
  }

  /** The built-in types, then {@code custom}. */
  public PiiRedactor(CustomPatterns custom) {
    this.custom = custom;
  }

  /** The redacted text and how many spans of each type were replaced, by type name. */
  public record Redaction(String text, Map<String, Integer> counts) {

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
    List<Spans.Span> spans = detect(text);
    if (spans.isEmpty()) {
      return new Redaction(text, Map.of());
    }
    StringBuilder out = new StringBuilder(text.length());
    Map<String, Integer> counts = new TreeMap<>();
    int copied = 0;
    for (Spans.Span span : spans) {
      out.append(text, copied, span.start()).append('<').append(span.type()).append('>');
      copied = span.end();
      counts.merge(span.type(), 1, Integer::sum);
    }
    return new Redaction(out.append(text, copied, text.length()).toString(), counts);
  }

  /** One span of personal data a redaction replaces: [start, end) of the text and its type. */
  public record Detection(int start, int end, String type) {}

  /** What {@link #redact} would replace in {@code text}, in text order (the benchmark's view). */
  public List<Detection> detections(String text) {
    return detect(text).stream()
        .map(span -> new Detection(span.start(), span.end(), span.type()))
        .toList();
  }

  /** The spans of {@code text} to replace, in text order. */
  private List<Spans.Span> detect(String text) {
    TextView view = TextView.of(text);
    String folded = view.text();
    Spans spans = new Spans();
    Emails.find(folded, spans);
    DigitRuns digits = DigitRuns.of(folded);
    if (!digits.isEmpty()) {
      Ibans.find(folded, digits, spans);
      IpAddresses.find(folded, digits, spans);
      NumberRuns.find(folded, digits, spans);
    }
    for (CustomPatterns.Kind kind : custom.kinds()) {
      Matcher matcher = kind.pattern().matcher(folded);
      while (matcher.find()) {
        spans.claim(matcher.start(), matcher.end(), kind.name());
      }
    }
    return spans.inOrder().stream().map(view::original).toList();
  }
}
