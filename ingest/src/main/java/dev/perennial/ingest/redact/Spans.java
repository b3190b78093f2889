package dev.perennial.ingest.redact;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;

/**
 * The spans of one text that detectors claimed, each with its type. A span overlapping one claimed
 * before is refused: detectors run in order of precedence (an e-mail address before the digits in
 * it, an IBAN before the card number its digits could make).
 */
final class Spans {

  /** A claimed span [start, end) of the text and the name of its type. */
  record Span(int start, int end, String type) {}

  private final BitSet claimed = new BitSet();
  private final List<Span> spans = new ArrayList<>();

  /** Claims [start, end) for {@code type}; false when it overlaps a span claimed before. */
  boolean claim(int start, int end, String type) {
    if (start >= end || claimed.nextSetBit(start) != -1 && claimed.nextSetBit(start) < end) {
      return false;
    }
    claimed.set(start, end);
    spans.add(new Span(start, end, type));
    return true;
  }

  boolean isEmpty() {
    return spans.isEmpty();
  }

  /** The claimed spans in text order. */
  List<Span> inOrder() {
    List<Span> sorted = new ArrayList<>(spans);
    sorted.sort(Comparator.comparingInt(Span::start));
    return sorted;
  }
}
