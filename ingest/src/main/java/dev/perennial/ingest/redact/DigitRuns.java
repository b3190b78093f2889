package dev.perennial.ingest.redact;

import java.util.Arrays;

/**
 * Where a text's runs of ASCII digits are, found in one pass, so that the detectors that start from
 * digits (an IBAN's check digits, an IPv4 address, phone and card numbers) visit only those places
 * instead of each walking the whole text: prose has few digits.
 */
final class DigitRuns {

  /** start, end (exclusive) of each run, in text order. */
  private int[] bounds = new int[16];

  private int count;

  private DigitRuns() {}

  static DigitRuns of(String text) {
    DigitRuns runs = new DigitRuns();
    int length = text.length();
    int i = 0;
    while (i < length) {
      if (!isDigit(text.charAt(i))) {
        i++;
        continue;
      }
      int start = i;
      while (i < length && isDigit(text.charAt(i))) {
        i++;
      }
      runs.add(start, i);
    }
    return runs;
  }

  private void add(int start, int end) {
    if (2 * count == bounds.length) {
      bounds = Arrays.copyOf(bounds, 2 * bounds.length);
    }
    bounds[2 * count] = start;
    bounds[2 * count + 1] = end;
    count++;
  }

  boolean isEmpty() {
    return count == 0;
  }

  int count() {
    return count;
  }

  int start(int run) {
    return bounds[2 * run];
  }

  int end(int run) {
    return bounds[2 * run + 1];
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
