package dev.perennial.ingest.redact;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Spellings that hide personal data from a reader who does not look closely: invisible characters
 * inside a value, digits outside the basic plane, a local part spelled with "dot", an IPv6 address
 * in brackets, the small commercial at. Each text below holds one value; after redaction none of
 * its identifying part may remain.
 */
class PiiRedactorEvasionTest {

  private final PiiRedactor redactor = new PiiRedactor();

  private String redacted(String text) {
    return redactor.redact(text).text();
  }

  /**
   * A zero-width space (U+200B), zero-width joiner (U+200D), word joiner (U+2060) or soft hyphen
   * (U+00AD) inside a value is invisible when the text is shown, survives copy and paste, and is a
   * classic filter-evasion trick: the detectors read the text without them.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "Write to john.doe\u200B@gmail.com today.",
        "Write to john.doe@gmail\u200D.com today.",
        "Write to john.doe\u2060@gmail.com today.",
        "Write to john.doe\u00AD@gmail.com today.",
        "Call +44\u200B20\u200B7946\u200B0958 today.",
        "Call 020\u200B7946\u200B0958 today.",
        "Card 4111\u200B1111\u200B1111\u200B1111 today.",
        "IBAN DE89\u200B3704\u200B0044\u200B0532\u200B0130\u200B00 today.",
        "From 192\u200B.168.1.23 today."
      })
  void invisibleCharactersInsideAValueDoNotHideItFromTheRedactor(String text) {
    String out = redacted(text);
    assertThat(out)
        .doesNotContain("john")
        .doesNotContain("7946")
        .doesNotContain("1111")
        .doesNotContain("3704")
        .doesNotContain("168");
  }

  /**
   * Mathematical digits (U+1D7CE..U+1D7FF, general category Nd) are outside the basic plane, two
   * chars each: they read as digits all the same.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        // 020 7946 0958 in MATHEMATICAL BOLD DIGITs
        "Call \uD835\uDFCE\uD835\uDFD0\uD835\uDFCE \uD835\uDFD5\uD835\uDFD7\uD835\uDFD2\uD835\uDFD4"
            + " \uD835\uDFCE\uD835\uDFD7\uD835\uDFD3\uD835\uDFD6 today.",
        // 4111 1111 1111 1111 in MATHEMATICAL MONOSPACE DIGITs
        "Card \uD835\uDFFA\uD835\uDFF7\uD835\uDFF7\uD835\uDFF7 \uD835\uDFF7\uD835\uDFF7\uD835\uDFF7"
            + "\uD835\uDFF7 \uD835\uDFF7\uD835\uDFF7\uD835\uDFF7\uD835\uDFF7 \uD835\uDFF7\uD835\uDFF7"
            + "\uD835\uDFF7\uD835\uDFF7 today."
      })
  void decimalDigitsOutsideTheBasicPlaneAreReadAsDigits(String text) {
    assertThat(redactor.redact(text).changed()).as(text).isTrue();
  }

  /**
   * The local part spelled with "dot", the usual way a dotted address is spoken or obfuscated, is
   * part of the address: the first name goes with it.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "Write to john dot doe at gmail dot com today.",
        "Write to john [dot] doe [at] example [dot] com today.",
        "Write to john (dot) doe (at) example (dot) com today."
      })
  void aLocalPartSpelledWithDotIsRedactedWhole(String text) {
    assertThat(redacted(text)).isEqualTo("Write to <EMAIL> today.");
  }

  /**
   * An IPv6 literal in brackets, as URLs and logs write it (RFC 3986), is no slice ({@code
   * a[::2]}); the small commercial at (U+FE6B) is an at sign.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "Seen from [2001:db8:85a3::8a2e:370:7334]:8080 today.",
        "Open http://[fe80::1ff:fe23:4567:890a]/admin today.",
        "Write to john.doe\uFE6Bexample.com today."
      })
  void bracketedIpv6AndTheSmallCommercialAtAreRedacted(String text) {
    assertThat(redactor.redact(text).changed()).as(text).isTrue();
  }
}
