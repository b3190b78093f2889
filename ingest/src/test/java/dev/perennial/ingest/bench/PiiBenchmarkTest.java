package dev.perennial.ingest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code perennial bench pii} on a smaller corpus, with the bars the README states: recall of at
 * least 0.99 for every type, precision of at least 0.98 for every type, and at least 0.98 of the
 * look-alikes left untouched.
 */
class PiiBenchmarkTest {

  private static final Logger log = LoggerFactory.getLogger(PiiBenchmarkTest.class);
  private static final PiiBenchmark.Comparison COMPARISON = PiiBenchmark.compare(25, 7);
  private static final PiiBenchmark.Report REPORT = COMPARISON.current();

  @Test
  void everyTypeIsFoundInAtLeast99PercentOfItsSpellings() {
    COMPARISON.lines().forEach(log::info);

    assertThat(REPORT.byType().keySet())
        .containsAll(Set.of("EMAIL", "PHONE", "CARD", "IBAN", "IP"));
    assertThat(REPORT.byType())
        .allSatisfy(
            (type, tally) -> assertThat(tally.recall()).as(type).isGreaterThanOrEqualTo(0.99));
  }

  @Test
  void detectionsAreRightInAtLeast98PercentAndLookalikesStay() {
    assertThat(REPORT.byType())
        .allSatisfy(
            (type, tally) -> assertThat(tally.precision()).as(type).isGreaterThanOrEqualTo(0.98));
    assertThat(REPORT.lookalikesUntouched()).isGreaterThanOrEqualTo(0.98);
  }

  @Test
  void theCorpusHasEverySpellingTheIssueNames() {
    assertThat(REPORT.bySpelling().keySet())
        .contains(
            "card Visa 4-4-4-4 dots",
            "card Visa no-break spaces",
            "card fullwidth digits",
            "phone US/CA (NXX) NXX-XXXX",
            "phone DE 00 49",
            "email [at] [dot]",
            "email (at) (dot)",
            "email IDN (Latin)",
            "IBAN lower case groups",
            "IBAN dashes",
            "IPv6 compressed",
            "IBAN broken across lines",
            "email spaced dot before a two-letter domain",
            "email (at) (punkt)",
            "email (a) for the at sign",
            "phone AT/DE switchboard of 7 or 8 digits",
            "email at ... spaced dot before a two-letter domain, then a sign",
            "email (a) with a space beside it",
            "email the at sign's word (arobase, arroba, chiocciola, ...)",
            "phone PL landline without trunk prefix",
            "phone PT landline 2X XXX XXXX without trunk prefix",
            "phone area code and a spaced dash");
    assertThat(REPORT.bySpelling().keySet().stream().filter(s -> s.startsWith("phone ")))
        .extracting(s -> s.substring(6, 8))
        .contains(
            "US", "UK", "DE", "FR", "NL", "ES", "IT", "JP", "IN", "AU", "BR", "CN", "MX", "CH",
            "SE", "PL", "PT");
    assertThat(REPORT.byLookalike().keySet())
        .contains(
            "ISO date",
            "price EU",
            "order number",
            "version",
            "ISBN-13",
            "Java annotation",
            "bracketed list letter and German word",
            "list letters (a) and (b) before domains",
            "tokenised sentence with at and a two-letter word",
            "the at sign's word without a domain",
            "part number ending in -0",
            "a single list letter (a) before a domain",
            "two-digit numbers in a row",
            "a range with a spaced dash",
            "nine digits grouped 2-3-2-2 or 2-3-4");
  }

  @Test
  void theBaselineMissesTheSpellingsTheIssueReported() {
    PiiBenchmark.Report baseline = COMPARISON.baseline();

    assertThat(baseline.bySpelling())
        .allSatisfy(
            (spelling, tally) -> {
              if (Set.of(
                      "card fullwidth digits",
                      "email [at] [dot]",
                      "email (at) (dot)",
                      "IBAN lower case groups",
                      "IBAN dashes")
                  .contains(spelling)) {
                assertThat(tally.recall()).as(spelling).isLessThan(0.5);
              }
            });
    assertThat(baseline.byType().get("EMAIL").recall())
        .isLessThan(REPORT.byType().get("EMAIL").recall());
  }
}
