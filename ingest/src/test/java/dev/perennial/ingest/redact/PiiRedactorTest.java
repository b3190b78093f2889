package dev.perennial.ingest.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PiiRedactorTest {

  private final PiiRedactor redactor = new PiiRedactor();

  private String redacted(String text) {
    return redactor.redact(text).text();
  }

  @ParameterizedTest(name = "{0} is an e-mail address")
  @ValueSource(
      strings = {
        "jane.doe@example.com",
        "j+tag@sub.example.co.uk",
        "first_last-99@mail-server.org",
        "X@Y.IO",
        "jane@xn--mller-kva.xn--p1ai"
      })
  void emailAddressesBecomeEmailPlaceholders(String email) {
    assertThat(redacted("Write to " + email + ", thanks.")).isEqualTo("Write to <EMAIL>, thanks.");
  }

  @ParameterizedTest(name = "{0} stays")
  @ValueSource(strings = {"user@localhost", "@handle", "a@b", "meet @ 5pm", "x@y.z"})
  void textThatOnlyLooksLikeAnEmailAddressStays(String text) {
    assertThat(redacted(text)).isEqualTo(text);
  }

  @ParameterizedTest(name = "{0} is a card number")
  @ValueSource(
      strings = {
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "4111111111111111",
        "5500 0000 0000 0004",
        "3400 000000 00009",
        "6011000990139424"
      })
  void cardNumbersThatPassTheLuhnCheckBecomeCardPlaceholders(String card) {
    assertThat(redacted("Card: " + card + ".")).isEqualTo("Card: <CARD>.");
  }

  @ParameterizedTest(name = "{0} stays")
  @ValueSource(
      strings = {
        "4111 1111 1111 1112",
        "1234567890123456",
        "order 2024061512345678",
        "1234 5678 9012"
      })
  void digitRunsThatFailTheLuhnCheckOrAreTooShortStay(String text) {
    assertThat(redacted(text)).isEqualTo(text);
  }

  @ParameterizedTest(name = "{0} is an IBAN")
  @ValueSource(
      strings = {
        "DE89 3704 0044 0532 0130 00",
        "DE89370400440532013000",
        "GB82 WEST 1234 5698 7654 32",
        "FR14 2004 1010 0505 0001 3M02 606",
        "NL91ABNA0417164300"
      })
  void ibansWithAValidChecksumBecomeIbanPlaceholders(String iban) {
    assertThat(redacted("Pay to " + iban + " today.")).isEqualTo("Pay to <IBAN> today.");
  }

  @ParameterizedTest(name = "{0} stays")
  @ValueSource(strings = {"DE88 3704 0044 0532 0130 00", "GB00WEST12345698765432", "AB12 CD"})
  void ibanLookalikesWithAWrongChecksumStay(String text) {
    assertThat(redacted(text)).isEqualTo(text);
  }

  @ParameterizedTest(name = "{0} is a phone number")
  @ValueSource(
      strings = {
        "+49 30 1234 5678",
        "+1 (555) 123-4567",
        "+44 (0)20 7946 0958",
        "+33612345678",
        "(555) 123-4567",
        "555-123-4567",
        "555.123.4567",
        "030 1234 5678",
        "06 12 34 56 78",
        "089/12345678"
      })
  void phoneNumbersBecomePhonePlaceholders(String phone) {
    assertThat(redacted("Call " + phone + " now.")).isEqualTo("Call <PHONE> now.");
  }

  @ParameterizedTest(name = "{0} stays")
  @ValueSource(
      strings = {
        "763deb21-55c7-449e-ab7f-070104445786",
        "763deb21-55c7-449e-abcd-070104445786",
        "763DEB21-55C7-449E-AB7F-070104445786",
        "0701044457-deadbeef12"
      })
  void digitsJoinedByADashToAHexTokenAreNoPhone(String token) {
    assertThat(redacted("See " + token + " now.")).isEqualTo("See " + token + " now.");
  }

  @ParameterizedTest(name = "{0} is a phone number")
  @CsvSource(
      delimiter = '|',
      value = {
        "Fax-030 1234 5678 | Fax-<PHONE>",
        "Cafe-030 1234 5678 | Cafe-<PHONE>",
        "Hotline-0301234567 | Hotline-<PHONE>",
        "Kunden-Hotline 0301234567 | Kunden-Hotline <PHONE>",
        "030 1234 5678-fax | <PHONE>-fax",
        "030 1234 5678-Zentrale | <PHONE>-Zentrale"
      })
  void phoneNumbersBesideHyphenatedWordsStayPhoneNumbers(String text, String expected) {
    assertThat(redacted("Call " + text + " now.")).isEqualTo("Call " + expected + " now.");
  }

  @ParameterizedTest(name = "{0} names a phone")
  @ValueSource(
      strings = {
        "Phone: ",
        "TEL. ",
        "tel:",
        "Téléphone : ",
        "TÉLÉPHONE ",
        "Móvil ",
        "Mobile (work): ",
        "call me on ",
        "WhatsApp ",
        "電話：",
        "手机 "
      })
  void anyEightDigitsAfterAPhoneWordInAnyCaseOrScriptAreAPhone(String word) {
    assertThat(redacted(word + "12345678.")).isEqualTo(word + "<PHONE>.");
  }

  @ParameterizedTest(name = "{0} stays")
  @ValueSource(
      strings = {
        "The hotel 12345678.",
        "To recall 12345678.",
        "ORDER NO. 030 1234 5678.",
        "Invoice: 030 1234 5678.",
        "Order #030 1234 5678.",
        "№ 030 1234 5678.",
        "Ref. 030 1234 5678.",
        "ISBN-10: 030 1234 5678."
      })
  void numbersAfterAnOrderWordOrAWordThatOnlyContainsAPhoneWordStay(String text) {
    assertThat(redacted(text)).isEqualTo(text);
  }

  @ParameterizedTest(name = "{0} stays")
  @ValueSource(
      strings = {
        "The access code of the Zorvan vault is 0421-7730.",
        "The access code of the Kelt vault is 9876-5432.",
        "It costs 135 dollars.",
        "It was founded in 1847 and has 120000 inhabitants.",
        "Meet on 2026-03-01 at 10:30.",
        "Version 2.1 ships with 12 GB.",
        "Call 112.",
        "Room 0123 4567"
      })
  void factsCodesDatesAndShortNumbersStay(String text) {
    assertThat(redacted(text)).isEqualTo(text);
  }

  @ParameterizedTest(name = "{0} is an IP address")
  @ValueSource(
      strings = {
        "192.168.10.7",
        "10.0.0.1",
        "255.255.255.255",
        "2001:db8:85a3::8a2e:370:7334",
        "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
        "fe80::1",
        "::1",
        "::ffff:192.0.2.128"
      })
  void ipAddressesBecomeIpPlaceholders(String address) {
    assertThat(redacted("From " + address + " we saw it.")).isEqualTo("From <IP> we saw it.");
  }

  @ParameterizedTest(name = "{0} stays")
  @ValueSource(
      strings = {
        "256.1.1.1",
        "1.2.3",
        "at 10:30:00 sharp",
        "ratio 1:2:3",
        "std::vector",
        "Question: why?\nAnswer: because"
      })
  void ipLookalikesStay(String text) {
    assertThat(redacted(text)).isEqualTo(text);
  }

  @Test
  void anIpAddressEndingASentenceKeepsTheFullStop() {
    assertThat(redacted("It came from 10.1.2.3.")).isEqualTo("It came from <IP>.");
  }

  @Test
  void countsAreKeptPerType() {
    PiiRedactor.Redaction redaction =
        redactor.redact("a@b.io, c@d.io, 10.0.0.1, +49 30 1234 5678 and 4111 1111 1111 1111");

    assertThat(redaction.text()).isEqualTo("<EMAIL>, <EMAIL>, <IP>, <PHONE> and <CARD>");
    assertThat(redaction.counts())
        .containsExactlyInAnyOrderEntriesOf(Map.of("EMAIL", 2, "IP", 1, "PHONE", 1, "CARD", 1));
    assertThat(redaction.changed()).isTrue();
  }

  @Test
  void textWithoutPersonalDataIsReturnedUnchanged() {
    String text = "The Velmora lamp costs 45 dollars and is made in Ostria.";

    PiiRedactor.Redaction redaction = redactor.redact(text);

    assertThat(redaction.text()).isSameAs(text);
    assertThat(redaction.counts()).isEmpty();
    assertThat(redaction.changed()).isFalse();
  }

  @Test
  void nullStaysNull() {
    assertThat(redactor.redact(null).text()).isNull();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "mail:a@b.io|mail:<EMAIL>",
        "(a@b.io)|(<EMAIL>)",
        "<a@b.io>|<<EMAIL>>",
        "IBAN:DE89370400440532013000.|IBAN:<IBAN>."
      })
  void placeholdersFitIntoTheSurroundingPunctuation(String text, String expected) {
    assertThat(redacted(text)).isEqualTo(expected);
  }
}
