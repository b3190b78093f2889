package dev.perennial.ingest.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NumberContextTest {

  private static final List<String> WORDS =
      List.of(
          "phone",
          "Tel.",
          "TEL",
          "telephone",
          "TÉLÉPHONE",
          "Teléfono",
          "MÓVIL",
          "call",
          "Call me on",
          "mobile:",
          "cell",
          "WhatsApp",
          "ſms",
          "text",
          "reach",
          "cellulare",
          "Handy",
          "portable",
          "電話",
          "携帯",
          "手机",
          "电话",
          "order",
          "Order no.",
          "ORDER #",
          "invoice",
          "SKU",
          "ſku",
          "ref",
          "No.",
          "nr",
          "ticKet",
          "İd",
          "ıd",
          "ID:",
          "iban",
          "postcode",
          "ISBN",
          "isbn-13",
          "ISBN-10:",
          "#",
          "№",
          "hotel",
          "recall",
          "context",
          "excellent",
          "during",
          "phones",
          "cellphone",
          "the",
          "a",
          "é",
          "\uD835\uDC00",
          "\uD83D\uDE00",
          "\u0301",
          "\u212A",
          "12",
          "½");
  private static final List<String> SIGNS =
      List.of(
          " ", "  ", ": ", ". ", ", ", "-", "/", "(", ")", "\n", "\u00A0", " - ", "…", "", "!", "+",
          "(0)");

  @Test
  void theQuickTestsNeverRuleOutAWindowThePatternsMatch() {
    Random random = new Random(7);
    int phoneMatches = 0;
    int notAPhoneMatches = 0;
    for (int n = 0; n < 50_000; n++) {
      String window = window(random);
      if (NumberContext.PHONE_WORD.matcher(window).find()) {
        phoneMatches++;
        assertThat(NumberContext.mayHavePhoneWord(window, 0, window.length()))
            .as("phone word in \"%s\"", window)
            .isTrue();
      }
      if (NumberContext.NOT_A_PHONE_WORD.matcher(window).find()) {
        notAPhoneMatches++;
        assertThat(NumberContext.mayHaveNotAPhoneWord(window, 0, window.length()))
            .as("no phone's word in \"%s\"", window)
            .isTrue();
      }
    }
    // the generated windows exercise both patterns often
    assertThat(phoneMatches).isGreaterThan(2_000);
    assertThat(notAPhoneMatches).isGreaterThan(2_000);
  }

  @ParameterizedTest(name = "\"{0}\" names no phone")
  @ValueSource(
      strings = {"the hotel ", "recall ", "in context ", "excellent: ", "it costs ", "phones 2 "})
  void wordsThatOnlyContainAPhoneWordAreNone(String before) {
    String text = before + "12345678";

    assertThat(NumberContext.mayHavePhoneWord(text, 0, before.length())).isFalse();
    assertThat(NumberContext.phoneWordBefore(text, before.length())).isFalse();
  }

  @ParameterizedTest(name = "\"{0}\" makes no phone")
  @ValueSource(
      strings = {
        "Order #",
        "ORDER NO. ",
        "Invoice: ",
        "ISBN-13: ",
        "№ ",
        "ref. ",
        "ID ",
        "Ticket#"
      })
  void orderAndReferenceWordsAreSeenInAnyCase(String before) {
    String text = before + "12345678";

    assertThat(NumberContext.notAPhoneWordBefore(text, before.length())).isTrue();
  }

  @Test
  void onlyTheWindowBeforeTheNumberCounts() {
    String before = "telephone - office - abcdef: ";
    String text = before + "12345678";

    assertThat(NumberContext.PHONE_WORD.matcher(before).find()).isTrue();
    assertThat(NumberContext.phoneWordBefore(text, before.length())).isFalse();
    String near = "telephone - office: ";
    assertThat(NumberContext.phoneWordBefore(near + "12345678", near.length())).isTrue();
  }

  private static String window(Random random) {
    StringBuilder window = new StringBuilder();
    int parts = 1 + random.nextInt(6);
    for (int p = 0; p < parts; p++) {
      switch (random.nextInt(4)) {
        case 0, 1 -> window.append(WORDS.get(random.nextInt(WORDS.size())));
        case 2 -> window.append(SIGNS.get(random.nextInt(SIGNS.size())));
        default -> window.append((char) ('a' + random.nextInt(26)));
      }
      if (random.nextInt(3) == 0) {
        window.append(SIGNS.get(random.nextInt(SIGNS.size())));
      }
    }
    String text = window.toString();
    return text.substring(Math.max(0, text.length() - NumberContext.CONTEXT));
  }
}
