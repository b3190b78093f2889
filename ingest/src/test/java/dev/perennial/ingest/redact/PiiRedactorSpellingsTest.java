package dev.perennial.ingest.redact;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Spellings of personal data that real text carries and a reader reads at once: an at sign escaped
 * in a link or a web page, an address whose dots alone are spelled out or broken across lines, a
 * local part with an apostrophe, an extension written right after a phone number, a combining mark
 * on a digit, IBANs of every country in the registry. And the version numbers the README promises
 * to leave alone. Each case names what must not survive redaction, or what must survive it.
 */
class PiiRedactorSpellingsTest {

  private final PiiRedactor redactor = new PiiRedactor();

  private String redacted(String text) {
    return redactor.redact(text).text();
  }

  /**
   * A link or a web page writes the at sign escaped: {@code %40} in a URL ({@code mailto:},
   * unsubscribe links), {@code &#64;}, {@code &#x40;} or {@code &commat;} in HTML. A reader of the
   * page sees the address all the same.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "Unsubscribe: https://news.example.com/u?email=jane.doe%40example.com&list=7 today.",
        "Unsubscribe: https://news.example.com/u?e=jane.doe%2Bnews%40example.com today.",
        "Write <a href=\"mailto:jane.doe%40example.com\">to us</a> today.",
        "Write to JANE.DOE%40EXAMPLE.COM today.",
        "Write to jane.doe&#64;example.com today.",
        "Write to jane.doe&#x40;example.com today.",
        "Write to jane.doe&commat;example.com today."
      })
  void anAtSignEscapedInALinkOrAWebPageIsAnAtSign(String text) {
    assertThat(redacted(text)).contains("<EMAIL>").doesNotContainIgnoringCase("jane.doe");
  }

  /**
   * Only the dots obfuscated, the at sign plain ({@code jane.doe@example[.]com}, the "defanged"
   * form of security reports), or the at sign spelled and the dots bracketed; and a plain address
   * whose line breaks after a dot of its domain, as a wrapped paragraph breaks it.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "Write to jane.doe@example[.]com today.",
        "Write to jane.doe@example(.)com today.",
        "Write to jane.doe@example dot com today.",
        "Write to jane.doe@mail.example[.]co[.]uk today.",
        "Write to jane at example [dot] com today.",
        "Write to jane.doe@example.\ncom today.",
        "Write to jane.doe@example.\n    com today."
      })
  void anAddressWithOnlyItsDotsObfuscatedOrBrokenAfterADotIsRedactedWhole(String text) {
    assertThat(redacted(text)).isEqualTo("Write to <EMAIL> today.");
  }

  /**
   * An apostrophe inside a local part is allowed (RFC 5322) and common in Irish and other names;
   * typed or typographic, the part before it is part of the address, not text to keep.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "Write to conor.o'brien@example.ie today.",
        "Write to conor.o\u2019brien@example.ie today.",
        "Write to d'angelo@example.it today."
      })
  void anApostropheInsideTheLocalPartIsPartOfTheAddress(String text) {
    assertThat(redacted(text)).isEqualTo("Write to <EMAIL> today.");
  }

  /**
   * An extension written right after the number ({@code 555-2671x23}, {@code 0958ext.4}), as
   * contact lists and address books export it, leaves the number a phone number.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "Call (415) 555-2671x23 today.",
        "Call 415-555-2671x1234 today.",
        "Call +1-415-555-2671X23 today.",
        "Call +44 20 7946 2671ext.23 today.",
        "Call 020 7946 2671ext23 today."
      })
  void aPhoneNumberWithAnExtensionWrittenRightAfterItIsAPhoneNumber(String text) {
    assertThat(redacted(text)).contains("<PHONE>").doesNotContain("2671");
  }

  /**
   * A combining mark (U+0300..U+036F and the like) puts an accent on the digit before it: the digit
   * still reads as itself, the value as a whole.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "Card 4111\u03011111 1111 1111 today.",
        "Call +44 20\u0300 7946 0958 today.",
        "Call 020 7946\u0308 0958 today.",
        "IBAN DE89 3704\u0332 0044 0532 0130 00 today.",
        "From 192.168\u0301.1.23 today."
      })
  void aCombiningMarkOnADigitDoesNotHideTheValue(String text) {
    assertThat(redacted(text)).doesNotContainPattern("[0-9]");
  }

  /**
   * The countries that joined the SWIFT IBAN registry since 2020 (Libya, Sudan, Burundi, Djibouti,
   * Russia, the Falkland Islands, Mongolia, Nicaragua, Somalia, Oman, Honduras, Yemen), with their
   * registry lengths and valid check digits.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "LY83 0020 4800 0020 1001 2036 1",
        "SD21 2901 0501 2340 01",
        "BI42 1000 0100 0100 0033 2045 181",
        "DJ21 0001 0000 0001 5400 0100 186",
        "RU02 0445 2560 0407 0281 0412 3456 7890 1",
        "FK88 SC12 3456 7890 12",
        "MN12 1234 1234 5678 9123",
        "NI45 BAPR 0000 0013 0000 0355 8124",
        "SO21 1000 0010 0100 0100 141",
        "OM81 0180 0000 0129 9123 456",
        "HN88 CABF 0000 0000 0002 5000 5469",
        "YE54 CBYE 0001 0180 0000 0123 4567 89"
      })
  void ibansOfEveryCountryInTheRegistryAreIbans(String iban) {
    assertThat(redacted("Pay to " + iban + " today.")).isEqualTo("Pay to <IBAN> today.");
  }

  /**
   * The README promises that a dotted quad after {@code version}, {@code release}, {@code build},
   * {@code section} (and the other words {@link IpAddresses} lists) stays: so it does when a colon
   * or an equals sign stands between, as changelogs and build logs write it.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "Version: 1.2.3.4 fixes the crash.",
        "version=1.2.3.4 in the manifest.",
        "Release: 2.0.0.1 is out.",
        "Firmware: 4.1.2.3 is installed.",
        "See Section: 1.2.3.4 of the contract."
      })
  void aVersionNumberAfterAVersionWordAndAColonStays(String text) {
    assertThat(redacted(text)).isEqualTo(text);
  }

  /**
   * An IPv4 address with its dots bracketed ({@code 192[.]168[.]1[.]23}, {@code (.)}), the
   * "defanged" form that incident reports and security tickets write, as the e-mail detector reads
   * {@code [.]} in an address.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "Blocked 192[.]168[.]1[.]23 today.",
        "Blocked 203(.)0(.)113(.)77 today.",
        "Blocked 10[.]0.0[.]5 today."
      })
  void anIpv4AddressWithBracketedDotsIsAnAddress(String text) {
    assertThat(redacted(text)).isEqualTo("Blocked <IP> today.");
  }

  /**
   * An IPv6 address right after a word and a colon: the address literal of mail headers and mail
   * server logs ({@code [IPv6:2001:db8::1]}, RFC 5321), {@code ip:} and {@code host:} in logs, as
   * an IPv4 address after {@code IPv4:} is one. The colon belongs to the word, not to the address.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Received: from mx.example.com ([IPv6:2001:db8::1]) today.|"
            + "Received: from mx.example.com ([IPv6:<IP>]) today.",
        "Rejected client=unknown[IPv6:2001:db8:85a3::8a2e:370:7334] today.|"
            + "Rejected client=unknown[IPv6:<IP>] today.",
        "Seen ip:2001:db8::1 today.|Seen ip:<IP> today.",
        "Seen host:fe80::1ff:fe23:4567:890a today.|Seen host:<IP> today."
      })
  void audit_anIpv6AddressAfterAWordAndAColonIsAnAddress(String text, String expected) {
    assertThat(redacted(text)).isEqualTo(expected);
  }

  /**
   * A dash right after an address, as prose writes an em or en dash without spaces ({@code
   * jane@example.com—I answer}) or a hyphen: the dash ends the address, it does not hide it.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Write to jane.doe@example.com\u2014I answer fast.|Write to <EMAIL>\u2014I answer fast.",
        "Write to jane.doe@example.com\u2013or call.|Write to <EMAIL>\u2013or call.",
        "Write to jane.doe@example.com-thanks.|Write to <EMAIL>-thanks.",
        "Write to jane [at] example [dot] com\u2014I answer.|Write to <EMAIL>\u2014I answer.",
        "Write to jane dot doe at example dot com\u2014I answer.|Write to <EMAIL>\u2014I answer."
      })
  void audit_aDashRightAfterAnAddressEndsIt(String text, String expected) {
    assertThat(redacted(text)).isEqualTo(expected);
  }

  /**
   * {@code ::} alone, the unspecified IPv6 address, names no one's host; Haskell writes it for "has
   * type" and C++ in {@code a ? b :: c}. It stays, whatever else the text holds (digits, a cons
   * pattern {@code (a:as)} that looks like hex digits around a colon).
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "length :: [a] -> Int\nlength [] = 0\nlength (a:as) = 1 + length as",
        "sum :: Num a => [a] -> a, seen at 10:30."
      })
  void audit_aDoubleColonAloneIsNoAddress(String text) {
    assertThat(redacted(text)).isEqualTo(text);
  }

  /**
   * A local part whose dots are spelled ({@code jane dot doe at ...}) says it is an address, so the
   * domain's dots may be plain ({@code example.com}) or mixed; without a spelled dot anywhere,
   * {@code at example.com} stays (it reads like {@code visit us at example.com}).
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Write to jane dot doe at example.com today.|Write to <EMAIL> today.",
        "Write to jane [dot] doe at example.com today.|Write to <EMAIL> today.",
        "Write to jane dot doe at mail.example.co.uk today.|Write to <EMAIL> today.",
        "Write to jane dot doe at mail.example dot com today.|Write to <EMAIL> today.",
        "Write to jane at mail.example dot com today.|Write to <EMAIL> today.",
        "Meet us at example.com today.|Meet us at example.com today."
      })
  void audit_anAddressWithSpelledAndPlainDotsIsRedactedWhole(String text, String expected) {
    assertThat(redacted(text)).isEqualTo(expected);
  }

  /** A tab before a spelled {@code dot} or {@code at} is a space like any other. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "Write to jane at example\tdot com today.",
        "Write to jane\tat example\tdot com today.",
        "Write to jane\tat example [dot] com today.",
        "Write to jane\tdot doe at example.com today."
      })
  void audit_aTabBeforeASpelledDotOrAtIsASpace(String text) {
    assertThat(redacted(text)).isEqualTo("Write to <EMAIL> today.");
  }

  /**
   * The small form variants of CJK compatibility (U+FE50..U+FE6B: small full stop, commercial at,
   * plus sign, parentheses) read as the ASCII signs they are drawn as.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Write to jane\uFE6Bexample\uFE52com today.|Write to <EMAIL> today.",
        "Write to jane.doe@example\uFE52com today.|Write to <EMAIL> today.",
        "Call \uFE6244 20 7946 0958 today.|Call <PHONE> today.",
        "Call \uFE59415\uFE5A 555-2671 today.|Call <PHONE> today.",
        "From 192\uFE52168\uFE521\uFE5223 today.|From <IP> today."
      })
  void audit_smallFormSignsReadAsTheirAsciiSigns(String text, String expected) {
    assertThat(redacted(text)).isEqualTo(expected);
  }

  /**
   * HTML writes a character reference with any number of leading zeros ({@code &#0064;}, {@code
   * &#x0040;}), and browsers read a numeric one without its semicolon ({@code &#64}); the dot is
   * escaped the same way ({@code &#46;}, {@code &#x2E;}, {@code &period;}).
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "Write to jane.doe&#0064;example.com today.",
        "Write to jane.doe&#00064;example.com today.",
        "Write to jane.doe&#x0040;example.com today.",
        "Write to jane.doe&#64example.com today.",
        // hexadecimal reads on while it can: &#x40e is U+040E, as a browser reads it
        "Write to jane.doe&#X40mail.example.com today.",
        "Write to jane.doe&#64;example&#46;com today.",
        "Write to jane.doe&#64example&#46com today.",
        "Write to jane.doe&#64;example&#x2e;com today.",
        "Write to jane.doe&commat;example&period;com today."
      })
  void audit_anAtSignOrDotEscapedAsAnyHtmlCharacterReferenceIsThatSign(String text) {
    assertThat(redacted(text)).isEqualTo("Write to <EMAIL> today.");
  }

  /**
   * A card number glued to letters ({@code card4111...}, {@code ...1111exp}) is still a card when
   * its digits have a card network's prefix and a valid Luhn checksum; only the digits go.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Pay with card4111111111111111 now.|Pay with card<CARD> now.",
        "Pay with 4111111111111111exp 12/25 now.|Pay with <CARD>exp 12/25 now.",
        "Pay with cc4111111111111111 now.|Pay with cc<CARD> now.",
        "Pay with VISA4111111111111111EXP1225 now.|Pay with VISA<CARD>EXP1225 now.",
        "Pay with card:5500000000000004exp now.|Pay with card:<CARD>exp now.",
        "Pay with card4111 1111 1111 1111 now.|Pay with card<CARD> now."
      })
  void audit_aCardNumberGluedToLettersIsACard(String text, String expected) {
    assertThat(redacted(text)).isEqualTo(expected);
  }

  /**
   * What only looks like a glued card stays: a Luhn-invalid number, and a run of digits inside a
   * hexadecimal hash, where letters and digits alternate.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "Pay with card4111111111111112 now.",
        "Pay with 4111111111111112exp now.",
        "Commit 9f4111111111111111ab3c is merged.",
        "Digest sha256:3a4111111111111111ef9c0d today."
      })
  void aGluedNumberThatIsNoCardStays(String text) {
    assertThat(redacted(text)).isEqualTo(text);
  }

  /** An IBAN with a space after its country code ({@code DE 89 3704 ...}) is an IBAN. */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "IBAN DE 89 3704 0044 0532 0130 00 please.|IBAN <IBAN> please.",
        "IBAN DE 89370400440532013000 please.|IBAN <IBAN> please.",
        "IBAN GB 82 WEST 1234 5698 7654 32 please.|IBAN <IBAN> please.",
        "IBAN DE 88 3704 0044 0532 0130 00 please.|IBAN DE 88 3704 0044 0532 0130 00 please."
      })
  void audit_anIbanWithASpaceAfterItsCountryCodeIsAnIban(String text, String expected) {
    assertThat(redacted(text)).isEqualTo(expected);
  }

  /**
   * An obfuscated or spelled address whose top-level domain is not in Latin letters ({@code .рф},
   * {@code .中国}, {@code .भारत}) or in punycode ({@code xn--p1ai}) is redacted whole.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "Write to jane [at] example [dot] \u0440\u0444 today.",
        "Write to \u0432\u0430\u043d\u044f at \u043f\u0440\u0438\u043c\u0435\u0440 dot \u0440\u0444 today.",
        "Write to \u7528\u6237 [at] \u4f8b\u5b50 [dot] \u4e2d\u56fd today.",
        "Write to jane [at] example [dot] \u092d\u093e\u0930\u0924 today.",
        "Write to jane@\u043f\u0440\u0438\u043c\u0435\u0440[.]\u0440\u0444 today.",
        "Write to jane [at] example [dot] xn--p1ai today."
      })
  void audit_anObfuscatedAddressWithANonAsciiTopLevelDomainIsRedactedWhole(String text) {
    assertThat(redacted(text)).isEqualTo("Write to <EMAIL> today.");
  }

  /**
   * Markdown and Perl strings escape the at sign ({@code jane\@example.com}: Markdown shows
   * {@code @}, GitHub so that no one is mentioned), and a URL may percent-encode the dots as well
   * as the at sign ({@code jane%40example%2Ecom}); a reader sees the address all the same.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "Write to jane.doe\\@example.com today.",
        "Write to jane.doe%40example%2Ecom today.",
        "Write to jane.doe%40example%2ecom today."
      })
  void audit_anAtSignEscapedWithABackslashOrADotPercentEncodedIsThatSign(String text) {
    assertThat(redacted(text)).isEqualTo("Write to <EMAIL> today.");
  }

  /**
   * The at sign and the dots spelled between dashes or underscores ({@code jane -at- example -dot-
   * com}, {@code jane_at_example_dot_com}), as forms and forums that refuse an at sign make people
   * write it.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "Write to jane -at- example -dot- com today.",
        "Write to jane-at-example-dot-com today.",
        "Write to jane_at_example_dot_com today.",
        "Write to jane _at_ example _dot_ com today.",
        "Write to JANE-AT-MAIL-DOT-EXAMPLE-DOT-CO-DOT-UK today."
      })
  void audit_anAddressSpelledBetweenDashesOrUnderscoresIsRedactedWhole(String text) {
    assertThat(redacted(text)).isEqualTo("Write to <EMAIL> today.");
  }

  /**
   * A hyphenated domain or phrase with {@code at} in it and its dots plain is a name, not an
   * address ({@code eat-at-joes.com}); dashes spaced apart from {@code at} are punctuation.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "Visit eat-at-joes.com today.",
        "Visit made-at-home.de today.",
        "We hit a - at - b and state-of-the-art-at-scale today.",
        "Call value_at_risk(dot_product) today.",
        "Read time_at_start_dot_product today."
      })
  void audit_aHyphenatedNameWithAtAndPlainDotsStays(String text) {
    assertThat(redacted(text)).isEqualTo(text);
  }

  /**
   * The ideographic full stop ({@code 。}, U+3002) and its halfwidth form ({@code ｡}, U+FF61) typed
   * for the dots of an address after an at sign, as a Chinese or Japanese input method writes them.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "Write to jane@example\u3002com today.",
        "Write to jane@example\uFF61com today.",
        "Write to jane\uFF20example\u3002co\u3002jp today.",
        "Write to jane.doe@mail\u3002example\u3002com today."
      })
  void audit_anAddressWithIdeographicFullStopsForDotsIsRedactedWhole(String text) {
    assertThat(redacted(text)).isEqualTo("Write to <EMAIL> today.");
  }

  /**
   * The same full stop ends a CJK sentence right after an address, and a sentence's next word is
   * not part of it.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "\u8bf7\u5199\u4fe1\u7ed9 jane@example.com\u3002\u8c22\u8c22|\u8bf7\u5199\u4fe1\u7ed9 <EMAIL>\u3002\u8c22\u8c22",
        "\u8bf7\u5199\u4fe1\u7ed9 jane@example\u3002com\u3002\u8c22\u8c22|\u8bf7\u5199\u4fe1\u7ed9 <EMAIL>\u3002\u8c22\u8c22",
        "\u6211\u5728\u5bb6\u3002\u4eca\u5929\u5f88\u597d\u3002|\u6211\u5728\u5bb6\u3002\u4eca\u5929\u5f88\u597d\u3002",
        "\u8bf7\u5199\u4fe1\u7ed9 jane@example\u3002com\u3002 de|\u8bf7\u5199\u4fe1\u7ed9 <EMAIL>\u3002 de"
      })
  void audit_anIdeographicFullStopAfterAnAddressEndsTheSentence(String text, String expected) {
    assertThat(redacted(text)).isEqualTo(expected);
  }

  /**
   * A URL with a user and password ({@code https://jane:secret@host.example.com/}): the user name
   * is the person's as much as the address is; a colon elsewhere before an address stays.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "See https://jane:secret@host.example.com/x today.|See https://<EMAIL>/x today.",
        "See ftp://jane.doe:s3cret@ftp.example.org today.|See ftp://<EMAIL> today.",
        "To:jane@example.com today.|To:<EMAIL> today.",
        "See https://host.example.com/a:b today.|See https://host.example.com/a:b today."
      })
  void audit_theUserOfAUrlWithAPasswordIsRedactedWithIt(String text, String expected) {
    assertThat(redacted(text)).isEqualTo(expected);
  }

  /**
   * Spaces around a plain dot of the domain ({@code jane@example . com}, {@code jane at example .
   * com}) hide an address from a harvester, not from a reader. A full stop between spaces before a
   * capitalised or short word ends a sentence of text tokenised for a model, and a pronoun before
   * {@code at} names a place: those stay.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Write to jane@example . com today.|Write to <EMAIL> today.",
        "Write to jane@example .com today.|Write to <EMAIL> today.",
        "Write to JANE@EXAMPLE . COM today.|Write to <EMAIL> today.",
        "Write to jane@mail . example . co . uk today.|Write to <EMAIL> today.",
        "Write to jane at example . com today.|Write to <EMAIL> today.",
        "Write to jane.doe at mail . example . com today.|Write to <EMAIL> today.",
        "Write to jane@home . It was late .|Write to jane@home . It was late .",
        "i arrived at home . it was late .|i arrived at home . it was late .",
        "I arrived at home . It was late .|I arrived at home . It was late .",
        "Meet us at example . com today.|Meet us at example . com today.",
        "Meet us at example.com today.|Meet us at example.com today."
      })
  void audit_spacesAroundAPlainDotOfTheDomainDoNotHideAnAddress(String text, String expected) {
    assertThat(redacted(text)).isEqualTo(expected);
  }

  /**
   * The user and password of a URL are the person's whatever the host: one without a dot ({@code
   * localhost}, an intranet name) or an IP address, which the e-mail rule does not take for a
   * domain. Without a scheme before it, {@code user:pass@host} is no URL and stays.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "See https://jane:pw@localhost today.|See https://<EMAIL> today.",
        "See https://jane:pw@localhost:8080/x today.|See https://<EMAIL>:8080/x today.",
        "See ftp://jane@fileserver/x today.|See ftp://<EMAIL>/x today.",
        "See http://jane:pw@10.0.0.1/x today.|See http://<EMAIL>/x today.",
        "See http://jane:pw@[fe80::1]:8080/x today.|See http://<EMAIL>:8080/x today.",
        "See https://localhost:8080/x today.|See https://localhost:8080/x today.",
        "The form is user:pass@host in URLs.|The form is user:pass@host in URLs."
      })
  void audit_theUserOfAUrlIsRedactedWhateverItsHost(String text, String expected) {
    assertThat(redacted(text)).isEqualTo(expected);
  }

  /**
   * A German landline grouped in pairs after the area code leaves one digit at the end ({@code 030
   * 12 34 56 7}); a single digit after the groups of an ISBN-10 is its check digit and stays.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "phone: 030 12 34 56 7|phone: <PHONE>",
        "Ruf an unter 030 12 34 56 7 heute.|Ruf an unter <PHONE> heute.",
        "Ruf an unter 0711 12 34 56 7 heute.|Ruf an unter <PHONE> heute.",
        "See 0-306-40615-2 today.|See 0-306-40615-2 today.",
        "Draw 07 12 23 34 45 6 today.|Draw 07 12 23 34 45 6 today."
      })
  void audit_aLandlineGroupedInPairsMayEndInOneDigit(String text, String expected) {
    assertThat(redacted(text)).isEqualTo(expected);
  }

  /**
   * A vanity number with letters ({@code 0800-FLOWERS}, {@code 1-800-FLOWERS}) is a business's,
   * toll-free or shared-cost: no personal data, and a fact an adapter may learn (README, Not
   * detected). Letters read as digits would take codes and words for numbers too.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"Order at 0800-FLOWERS today.", "Order at 1-800-FLOWERS today."})
  void aBusinessVanityNumberWithLettersStays(String text) {
    assertThat(redacted(text)).isEqualTo(text);
  }

  /**
   * An IBAN whose groups a line break separates, as a wrapped paragraph, a narrow column or a
   * signature breaks it ({@code DE89 3704 0044⏎0532 0130 00}), with a space before the break or an
   * indent after it, in any case: the checksum still tells it, and no part of it is left behind
   * (the part after the break was taken for a phone number).
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "IBAN DE89 3704 0044\n0532 0130 00 please.",
        "IBAN DE89 3704 0044 \n0532 0130 00 please.",
        "IBAN DE89 3704 0044\r\n0532 0130 00 please.",
        "IBAN DE89 3704 0044\n    0532 0130 00 please.",
        "IBAN DE89\n3704 0044 0532 0130 00 please.",
        "IBAN DE89 3704 0044 0532 0130\n00 please.",
        "IBAN de89 3704 0044\n0532 0130 00 please.",
        "IBAN GB82 WEST 1234\n5698 7654 32 please."
      })
  void audit_anIbanWhoseGroupsALineBreakSeparatesIsAnIban(String text) {
    assertThat(redacted(text)).isEqualTo("IBAN <IBAN> please.");
  }

  /**
   * Only one line break joins: groups a blank line separates belong to different paragraphs, and
   * the checksum still has the last word, across a line break as on one line.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "IBAN DE89 3704 0044\n\n0532 0130 00 please.",
        "IBAN DE88 3704 0044\n0532 0130 00 please."
      })
  void anIbanCutByABlankLineOrWithAWrongChecksumIsNoIban(String text) {
    assertThat(redacted(text)).doesNotContain("<IBAN>").contains("DE8");
  }

  /**
   * A phone number in parentheses, brackets or quotes keeps both signs around it: an opening
   * parenthesis that no closing one inside the number matches is the text's, not the number's (it
   * was redacted with the number, its partner left behind: {@code <PHONE>)}). An area code's own
   * parentheses ({@code (415) 555-2671}, {@code +49 (0) 30 ...}) stay part of the number.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Call (0800-3569377) today.|Call (<PHONE>) today.",
        "Call (0800 3569377) today.|Call (<PHONE>) today.",
        "Call (030 1234 5678) today.|Call (<PHONE>) today.",
        "Call (+49 30 1234 5678) today.|Call (<PHONE>) today.",
        "Call ( +49 30 1234567 ) today.|Call ( <PHONE> ) today.",
        "Call ((415) 555-2671) today.|Call (<PHONE>) today.",
        "(0800-3569377)|(<PHONE>)",
        "Call [0800-3569377] today.|Call [<PHONE>] today.",
        "Call {0800-3569377} today.|Call {<PHONE>} today.",
        "Call <0800-3569377> today.|Call <<PHONE>> today.",
        "Call \"0800-3569377\" today.|Call \"<PHONE>\" today.",
        "Call \u201e030 1234 5678\u201c today.|Call \u201e<PHONE>\u201c today.",
        "Call (415) 555-2671 today.|Call <PHONE> today.",
        "Call (+49) 30 1234 5678 today.|Call <PHONE> today.",
        "Call +49 (0) 30 1234 5678 today.|Call <PHONE> today.",
        "Call (030) 1234 5678 today.|Call <PHONE> today."
      })
  void audit_aPhoneNumberInParenthesesKeepsBothOfThem(String text, String expected) {
    assertThat(redacted(text)).isEqualTo(expected);
  }

  /**
   * A plain at sign between a local part and a domain says it is an address, so a spaced dot before
   * a two-letter top-level domain that is also an English word ({@code .it}, {@code .is}, {@code
   * .me}, {@code .to}, {@code .us}, {@code .in}) is a dot of it, at the end of a text too. The at
   * sign spelled ({@code at home . it was late}) is a place in tokenised prose and stays, as does a
   * capitalised word after the spaced dot ({@code jane@home . It was late}).
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Write to jane@example . it today.|Write to <EMAIL> today.",
        "Write to jane@example . is today.|Write to <EMAIL> today.",
        "Write to jane@example . me today.|Write to <EMAIL> today.",
        "Write to jane@example . to today.|Write to <EMAIL> today.",
        "Write to jane@example . us today.|Write to <EMAIL> today.",
        "Write to jane@example . in today.|Write to <EMAIL> today.",
        "Write to jane@example .it today.|Write to <EMAIL> today.",
        "Write to JANE@EXAMPLE . IT today.|Write to <EMAIL> today.",
        "Write to jane.doe@mail . example . it today.|Write to <EMAIL> today.",
        "write to jane@example . it|write to <EMAIL>",
        "Write to jane@home . It was late .|Write to jane@home . It was late .",
        "i arrived at home . it was late .|i arrived at home . it was late .",
        "Meet us at example . it today.|Meet us at example . it today.",
        "See you at school . me too .|See you at school . me too ."
      })
  void audit_anAtSignAndATwoLetterWordAfterASpacedDotIsAnAddress(String text, String expected) {
    assertThat(redacted(text)).isEqualTo(expected);
  }

  /**
   * A probe of the spellings people use, each redacted whole: obfuscated addresses in brackets of
   * any kind, with the dot spelled in German or French ({@code info(at)firma(punkt)de}, as German
   * imprints write it, {@code (point)}), addresses in angle brackets, quotes, a {@code mailto:}
   * link; phone numbers with the trunk prefix in parentheses after the country code ({@code +49 (0)
   * 30 ...}), dotted, international; IBANs in lower case, in parentheses, with dashes.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Write to jane (at) example (dot) com today.|Write to <EMAIL> today.",
        "Write to jane[at]example[dot]com today.|Write to <EMAIL> today.",
        "Write to jane {at} example {dot} co {dot} uk today.|Write to <EMAIL> today.",
        "Write to JANE [AT] EXAMPLE [DOT] COM today.|Write to <EMAIL> today.",
        "Write to jane (@) example (.) com today.|Write to <EMAIL> today.",
        "Write to jane.doe(at)example.com today.|Write to <EMAIL> today.",
        "Write to info(at)firma(punkt)de today.|Write to <EMAIL> today.",
        "Write to info [at] firma [punkt] de today.|Write to <EMAIL> today.",
        "Write to info (at) firma (Punkt) de today.|Write to <EMAIL> today.",
        "Write to jane (at) example [.] co (punkt) uk today.|Write to <EMAIL> today.",
        "Write to jane (at) example (point) com today.|Write to <EMAIL> today.",
        "Write to jane@example(punkt)de today.|Write to <EMAIL> today.",
        "Write to <jane@example.com> today.|Write to <<EMAIL>> today.",
        "From: Jane Doe <jane@example.com>|From: Jane Doe <<EMAIL>>",
        "Write to mailto:jane@example.com?subject=Hi today.|Write to mailto:<EMAIL>?subject=Hi today.",
        "Write to [jane](mailto:jane@example.com) today.|Write to [jane](mailto:<EMAIL>) today.",
        "Write to \"jane@example.com\" today.|Write to \"<EMAIL>\" today.",
        "Call +49 (0) 30 1234 5678 today.|Call <PHONE> today.",
        "Call +49 (0)30 1234 5678 today.|Call <PHONE> today.",
        "Call +44 (0)20 7946 0958 today.|Call <PHONE> today.",
        "Call 0049 (0) 30 1234 5678 today.|Call <PHONE> today.",
        "Call 030.1234.5678 today.|Call <PHONE> today.",
        "Call +1.415.555.2671 today.|Call <PHONE> today.",
        "Call +33 1 23 45 67 89 today.|Call <PHONE> today.",
        "Call +81 3-1234-5678 today.|Call <PHONE> today.",
        "Call +7 495 123-45-67 today.|Call <PHONE> today.",
        "Call +55 11 91234-5678 today.|Call <PHONE> today.",
        "Call +234 803 123 4567 today.|Call <PHONE> today.",
        "Call tel:+49-30-1234-5678 today.|Call tel:<PHONE> today.",
        "IBAN de89 3704 0044 0532 0130 00 please.|IBAN <IBAN> please.",
        "IBAN gb82 west 1234 5698 7654 32 please.|IBAN <IBAN> please.",
        "IBAN FR14 2004 1010 0505 0001 3M02 606 please.|IBAN <IBAN> please.",
        "IBAN (DE89 3704 0044 0532 0130 00) please.|IBAN (<IBAN>) please.",
        "IBAN: de89-3704-0044-0532-0130-00|IBAN: <IBAN>"
      })
  void audit_theSpellingsPeopleUseAreRedactedWhole(String text, String expected) {
    assertThat(redacted(text)).isEqualTo(expected);
  }

  /**
   * What only looks like those spellings stays: the bracketed words outside an address, versions,
   * dates, prices, order, invoice and part numbers, an aircraft type, times, scores, coordinates.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "The punkt (punkt) was set.",
        "Use the (dot) product (at) scale.",
        "Room 2.04 (at) 10:30, point (punkt) made.",
        "Released 2024-03-15 (v1.2.3) for $1,299.00.",
        "Model A-380, part no. 12-3456-78.",
        "The A-380 costs $445.6 million.",
        "Invoice 2024/000123 dated 15.03.2024.",
        "Order no. 1234567890 shipped.",
        "Price EUR 1.234,56 today.",
        "Flight LH 400 at 10:45 from gate A38.",
        "Score 3:1 (2:0) on 12.05.",
        "ISBN 978-3-16-148410-0 today.",
        "Coordinates 52.5200, 13.4050 today.",
        "In 2023 we had 1 234 567 visitors."
      })
  void lookalikesOfTheSpellingsPeopleUseStay(String text) {
    assertThat(redacted(text)).isEqualTo(text);
  }

  /**
   * A bracketed {@code a} glued between local part and domain stands for the at sign, as Finnish
   * and other Nordic sites write addresses ({@code etunimi.sukunimi(a)yritys.fi}); spaced apart it
   * is a list's letter ({@code (a) option.com}) and stays, as does a clause ({@code section 3(a)}).
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Write to etunimi.sukunimi(a)yritys.fi today.|Write to <EMAIL> today.",
        "Write to jane[a]example.com today.|Write to <EMAIL> today.",
        "Write to JANE(A)EXAMPLE(DOT)COM today.|Write to <EMAIL> today.",
        "Choose (a) option.com or (b) other.com today.|Choose (a) option.com or (b) other.com today.",
        "Under section 3(a) of the act.|Under section 3(a) of the act."
      })
  void audit_aBracketedLetterAGluedInsideAnAddressIsItsAtSign(String text, String expected) {
    assertThat(redacted(text)).isEqualTo(expected);
  }

  /**
   * An address literal (RFC 5321: {@code jane@[192.168.1.23]}, {@code jane@[IPv6:2001:db8::1]}) is
   * an address: its local part, often a name, goes with the host, not left before an {@code <IP>}.
   * A bracketed host that is no IP address stays, as does an at sign spaced from the bracket.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Write to jane@[192.168.1.23] today.|Write to <EMAIL> today.",
        "Write to jane.doe@[10.0.0.1].|Write to <EMAIL>.",
        "Write to jane@[IPv6:2001:db8::1] today.|Write to <EMAIL> today.",
        "Write to jane@[ipv6:fe80::1] today.|Write to <EMAIL> today.",
        "Write to <jane@[192.168.1.23]> today.|Write to <<EMAIL>> today.",
        "Write to 'jane@[10.0.0.1]' today.|Write to '<EMAIL>' today.",
        "Write to jane.doe.jane.doe.jane.doe.jane.doe.jane.doe.jane.doe.jane.doe.jane.doe.x@[1.2.3.4]"
            + " today.|Write to <EMAIL> today.",
        "Ping admin@[999.1.1.1] today.|Ping admin@[999.1.1.1] today.",
        "See list@[3] today.|See list@[3] today.",
        "Host @ [192.168.1.23] today.|Host @ [<IP>] today."
      })
  void audit_anAddressLiteralIsAnAddressWithItsLocalPart(String text, String expected) {
    assertThat(redacted(text)).isEqualTo(expected);
  }

  /**
   * A German switchboard number ends in {@code -0} ({@code 030 123456-0}, the switchboard of the
   * line {@code 030 123456}), as {@code +49 30 123456-0} does. Look-alikes with a single digit
   * after a dash stay: dates, order and part numbers, an ISBN, versions, an aircraft type, prices,
   * ranges.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Ruf an unter 030 123456-0 heute.|Ruf an unter <PHONE> heute.",
        "Ruf an unter 0421 7730-0 heute.|Ruf an unter <PHONE> heute.",
        "Ruf an unter 030/123456-0 heute.|Ruf an unter <PHONE> heute.",
        "Ruf an unter (030) 123456-0 heute.|Ruf an unter <PHONE> heute.",
        "Ruf an unter +49 30 123456-0 heute.|Ruf an unter <PHONE> heute.",
        "Released 2024-03-15-0 today.|Released 2024-03-15-0 today.",
        "Order 0123 456789-0 shipped.|Order 0123 456789-0 shipped.",
        "Part 012-345678-0 shipped.|Part 012-345678-0 shipped.",
        "ISBN 0-19-852663-0 today.|ISBN 0-19-852663-0 today.",
        "See 0 19 852663 0 today.|See 0 19 852663 0 today.",
        "Version 0.12.345678-0 today.|Version 0.12.345678-0 today.",
        "Model A-380, seats 0 853-0 today.|Model A-380, seats 0 853-0 today.",
        "Price 0,99 EUR, 10-20 items, 2024-0 today.|Price 0,99 EUR, 10-20 items, 2024-0 today.",
        "Pages 0100 200300-0 of 9.|Pages 0100 200300-0 of 9."
      })
  void audit_aGermanSwitchboardNumberEndingInDashZeroIsAPhone(String text, String expected) {
    assertThat(redacted(text)).isEqualTo(expected);
  }

  /**
   * The at sign and a dot spelled in capitals among lower-case words ({@code jane AT example.com},
   * {@code jane AT example DOT com}): capitals set the words apart as the brackets of {@code [at]}
   * do. Text all in capitals ({@code MEET AT NOON.}, {@code CALL AT ACME.COM}), a place ({@code
   * meet us AT example.com}) and an at before no domain stay.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Write to jane AT example.com today.|Write to <EMAIL> today.",
        "Write to jane AT example DOT com today.|Write to <EMAIL> today.",
        "Write to jane.doe AT mail.example.co.uk today.|Write to <EMAIL> today.",
        "Write to Jane AT Example.com today.|Write to <EMAIL> today.",
        "MEET AT NOON. Bring snacks.|MEET AT NOON. Bring snacks.",
        "CALL AT ACME.COM TODAY.|CALL AT ACME.COM TODAY.",
        "Come and meet us AT example.com today.|Come and meet us AT example.com today.",
        "We meet AT noon. Bring snacks.|We meet AT noon. Bring snacks.",
        "Look AT the file.txt today.|Look AT the file.txt today."
      })
  void audit_anAtSpelledInCapitalsBeforeADomainIsAnAddress(String text, String expected) {
    assertThat(redacted(text)).isEqualTo(expected);
  }

  /**
   * A Vienna switchboard number ends in {@code -0} after the area code {@code 01} ({@code 01
   * 58801-0}, {@code 01 4000-0}), as a German one does after its area code, and so does an Austrian
   * or German one whose line has three digits ({@code 0316 873-0}): seven or eight digits in all,
   * fewer than the trunk-prefix rule asks. With dots or dashes between the groups, after a word
   * such as {@code order}, without the dash, or with a line shorter than three digits it stays.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Ruf an unter 01 58801-0 heute.|Ruf an unter <PHONE> heute.",
        "Ruf an unter 01 4000-0 heute.|Ruf an unter <PHONE> heute.",
        "Ruf an unter (01) 58801-0 heute.|Ruf an unter <PHONE> heute.",
        "Ruf an unter 01/58801-0 heute.|Ruf an unter <PHONE> heute.",
        "Ruf an unter 0316 873-0 heute.|Ruf an unter <PHONE> heute.",
        "Ruf an unter +43 1 58801-0 heute.|Ruf an unter <PHONE> heute.",
        "Ruf an unter 0043 1 4000-0 heute.|Ruf an unter <PHONE> heute.",
        "Part 01-58801-0 shipped.|Part 01-58801-0 shipped.",
        "Version 01.58801-0 today.|Version 01.58801-0 today.",
        "Order 01 58801-0 shipped.|Order 01 58801-0 shipped.",
        "See 01 58801 0 today.|See 01 58801 0 today.",
        "Room 01 123-0 today.|Room 01 123-0 today.",
        "Seite 01 58801-1 heute.|Seite 01 58801-1 heute.",
        "Pages 0100 20030-0 of 9.|Pages 0100 20030-0 of 9."
      })
  void audit_aViennaSwitchboardNumberEndingInDashZeroIsAPhone(String text, String expected) {
    assertThat(redacted(text)).isEqualTo(expected);
  }

  /**
   * The at sign spelled in lower case and a two-letter top-level domain after a spaced dot ({@code
   * jane at example . it}) where nothing follows the address but a sign or the end of the text: a
   * sentence of tokenised prose goes on after such a word ({@code at home . it was late}), an
   * address ends there. A pronoun beside the at still makes it a place.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Write to jane at example . it|Write to <EMAIL>",
        "Write to jane at example . it, thanks.|Write to <EMAIL>, thanks.",
        "Write to jane at example . it.|Write to <EMAIL>.",
        "(jane at example . me)|(<EMAIL>)",
        "mail: jane.doe at mail . example . to\\nthanks|mail: <EMAIL>\\nthanks",
        "i arrived at home . it was late .|i arrived at home . it was late .",
        "she studied at mit . in 2010 she left .|she studied at mit . in 2010 she left .",
        "we stayed at home . me too .|we stayed at home . me too .",
        "they met at work . us ? no .|they met at work . us ? no .",
        "Meet us at example . it|Meet us at example . it",
        "i arrived at home . It|i arrived at home . It"
      })
  void audit_anAtWordAndATwoLetterDomainAfterASpacedDotEndingTheAddressIsAnAddress(
      String text, String expected) {
    assertThat(redacted(text.replace("\\n", "\n"))).isEqualTo(expected.replace("\\n", "\n"));
  }

  /**
   * A bracketed {@code a} with a space beside it ({@code jane (a) example.com}, {@code jane(a)
   * example.com}) stands for the at sign too, where the text has no bracketed {@code b}: a list
   * that names its items {@code (a)} goes on with {@code (b)} ({@code Choose (a) option.com or (b)
   * other.com}), and stays.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Write to jane (a) example.com today.|Write to <EMAIL> today.",
        "Write to jane(a) example.com today.|Write to <EMAIL> today.",
        "Write to jane (a)example.com today.|Write to <EMAIL> today.",
        "Write to etunimi.sukunimi (a) yritys.fi today.|Write to <EMAIL> today.",
        "Write to jane [a] example.com today.|Write to <EMAIL> today.",
        "Choose (a) option.com or (b) other.com today.|Choose (a) option.com or (b) other.com today.",
        "Pick either (a) example.com or (B) example.org.|Pick either (a) example.com or (B) example.org.",
        "Pick one: (a) example.com, (b) example.org.|Pick one: (a) example.com, (b) example.org.",
        "Under section 3 (a) of the act.|Under section 3 (a) of the act."
      })
  void audit_aSpacedBracketedLetterABetweenLocalPartAndDomainIsItsAtSign(
      String text, String expected) {
    assertThat(redacted(text)).isEqualTo(expected);
  }

  /**
   * The at sign spelled as the word for it in French ({@code arobase}), Spanish or Portuguese
   * ({@code arroba}), Italian ({@code chiocciola}), German ({@code Klammeraffe}), Dutch ({@code
   * apenstaartje}) or Swedish ({@code snabel-a}), without brackets, the dots plain or spelled
   * ({@code point}, {@code punto}, {@code punkt}, {@code ponto}, {@code punt}, {@code dot}): each
   * word means only the sign, so a known top-level domain after it makes an address. The word
   * without a domain after it stays.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Écrire à jean.dupont arobase exemple point fr demain.|Écrire à <EMAIL> demain.",
        "Écrire à jean.dupont arobase exemple.fr demain.|Écrire à <EMAIL> demain.",
        "Écrire à Jean.Dupont AROBASE mail point exemple point fr demain.|Écrire à <EMAIL> demain.",
        "Escribe a juan.perez arroba ejemplo punto es mañana.|Escribe a <EMAIL> mañana.",
        "Escreva para joao arroba exemplo ponto com ponto br amanhã.|Escreva para <EMAIL> amanhã.",
        "Scrivi a mario.rossi chiocciola esempio punto it domani.|Scrivi a <EMAIL> domani.",
        "Schreib an max klammeraffe beispiel punkt de heute.|Schreib an <EMAIL> heute.",
        "Mail jan apenstaartje voorbeeld punt nl vandaag.|Mail <EMAIL> vandaag.",
        "Skriv till sven snabel-a exempel punkt se idag.|Skriv till <EMAIL> idag.",
        "Le signe arobase se tape ainsi.|Le signe arobase se tape ainsi.",
        "Compró una arroba de trigo.|Compró una arroba de trigo."
      })
  void audit_theAtSignSpelledAsItsWordInAEuropeanLanguageIsAnAtSign(String text, String expected) {
    assertThat(redacted(text)).isEqualTo(expected);
  }

  /**
   * European spellings of a phone number: after the Danish and Norwegian {@code Tlf.}, the Swedish
   * {@code Tfn}, the Scandinavian and German {@code Mobil}, the Portuguese {@code Telefone}, the
   * French {@code Tél.} (eight digits in pairs, or a landline without a trunk prefix, need the
   * word); a Spanish landline of a two-digit area code grouped {@code 91 123 45 67}. The same
   * digits after no such word, after {@code Mobilität}, an order or beside a currency stay.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Tlf. 12 34 56 78|Tlf. <PHONE>",
        "Tlf: 12345678|Tlf: <PHONE>",
        "Mobil: 12 34 56 78|Mobil: <PHONE>",
        "Mobil 412 34 567|Mobil <PHONE>",
        "Telefone: 21 123 4567|Telefone: <PHONE>",
        "Tfn 12 34 56 78|Tfn <PHONE>",
        "Tél. 12 34 56 78|Tél. <PHONE>",
        "Llámame al 91 123 45 67 mañana.|Llámame al <PHONE> mañana.",
        "Llámame al 93 123 45 67 mañana.|Llámame al <PHONE> mañana.",
        "Seats 12 34 56 78 today.|Seats 12 34 56 78 today.",
        "Mobilität 12 34 56 78 heute.|Mobilität 12 34 56 78 heute.",
        "Order 91 123 45 67 shipped.|Order 91 123 45 67 shipped.",
        "Paid € 91 123 45 67 today.|Paid € 91 123 45 67 today.",
        "Rows 21 123 45 67 today.|Rows 21 123 45 67 today."
      })
  void audit_europeanSpellingsOfAPhoneNumberArePhones(String text, String expected) {
    assertThat(redacted(text)).isEqualTo(expected);
  }

  /**
   * An area code with trunk prefix and a spaced dash before the line ({@code 0171 - 123 45 67}), as
   * German business cards write it. A spaced dash between two numbers stays a range: times,
   * postcodes and pages (fewer than nine digits, or a second number that starts with {@code 0}),
   * and an order number stays too.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Ruf an unter 0171 - 123 45 67 heute.|Ruf an unter <PHONE> heute.",
        "Büro 030 - 1234567 ab 9 Uhr.|Büro <PHONE> ab 9 Uhr.",
        "Zentrale 0421 - 514136.|Zentrale <PHONE>.",
        "Geöffnet 0900 - 1730 täglich.|Geöffnet 0900 - 1730 täglich.",
        "Postcodes 01067 - 01099 only.|Postcodes 01067 - 01099 only.",
        "See pages 0123 - 456 today.|See pages 0123 - 456 today.",
        "Order 0171 - 123 45 67 shipped.|Order 0171 - 123 45 67 shipped."
      })
  void audit_anAreaCodeAndASpacedDashBeforeTheLineIsAPhoneNumber(String text, String expected) {
    assertThat(redacted(text)).isEqualTo(expected);
  }

  /**
   * Polish and Portuguese landlines without a trunk prefix: a Polish area code and the line grouped
   * {@code 22 123 45 67}, a Portuguese one grouped {@code 21 123 4567}. The same groupings after an
   * order, beside a currency, or starting with no such area code ({@code 21 123 45 67}, {@code 31
   * 123 4567}) stay, as do pairs ({@code 12 34 56 78}) and a count grouped by thousands.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Zadzwoń 22 123 45 67 jutro.|Zadzwoń <PHONE> jutro.",
        "Biuro: 12 345 67 89.|Biuro: <PHONE>.",
        "Recepcja 58 301 22 33 w Gdańsku.|Recepcja <PHONE> w Gdańsku.",
        "Ligue 21 123 4567 hoje.|Ligue <PHONE> hoje.",
        "Escritório 22 234 5678.|Escritório <PHONE>.",
        "Rows 21 123 45 67 today.|Rows 21 123 45 67 today.",
        "Rows 31 123 4567 today.|Rows 31 123 4567 today.",
        "Order 22 123 45 67 shipped.|Order 22 123 45 67 shipped.",
        "Paid € 21 123 4567 today.|Paid € 21 123 4567 today.",
        "Seats 12 34 56 78 today.|Seats 12 34 56 78 today.",
        "We saw 213 456 789 downloads.|We saw 213 456 789 downloads."
      })
  void audit_polishAndPortugueseLandlinesWithoutATrunkPrefixArePhones(
      String text, String expected) {
    assertThat(redacted(text)).isEqualTo(expected);
  }

  /**
   * A list of one item {@code (a)}, its lead-in a capitalised word ({@code Options (a)
   * example.com}), is no address, as one that goes on with {@code (b)} is none; a local part in
   * lower case or with a dot inside still is one ({@code jane (a) example.com}, {@code
   * Etunimi.Sukunimi (a) yritys.fi}), and so is a capitalised one with the {@code (a)} glued.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Options (a) example.com|Options (a) example.com",
        "See (a) example.org today.|See (a) example.org today.",
        "Either (a) mail.example.org.|Either (a) mail.example.org.",
        "Write to jane (a) example.com today.|Write to <EMAIL> today.",
        "Write to Etunimi.Sukunimi (a) yritys.fi today.|Write to <EMAIL> today.",
        "Write to Jane(a)example.com today.|Write to <EMAIL> today."
      })
  void audit_aListOfOneItemBeforeADomainIsNoAddress(String text, String expected) {
    assertThat(redacted(text)).isEqualTo(expected);
  }
}
