package dev.perennial.ingest.redact;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The words in the {@value #CONTEXT} characters before a number that make it a phone number ({@code
 * phone}, {@code Tel.}, {@code téléphone}, {@code 電話}, ...) or not one ({@code order}, {@code
 * ISBN-13}, {@code #}, {@code №}, ...), in any case. The two patterns are the definition. Each has
 * a test in front that says, from a walk over the window, when the pattern cannot match: it looks
 * for its words only where a word starts (or, for the other kind, where the letters and digits
 * end), the patterns' search tries every word at every character. Most numbers follow neither kind
 * of word, so the patterns seldom run.
 */
final class NumberContext {

  static final int CONTEXT = 24;

  private static final List<String> PHONE_WORDS =
      List.of(
          "phone",
          "tel",
          "telephone",
          "call",
          "mobile",
          "cell",
          "fax",
          "whatsapp",
          "sms",
          "text",
          "ring",
          "reach",
          "telefon",
          "téléphone",
          "teléfono",
          "telefono",
          "móvil",
          "cellulare",
          "handy",
          "mobil",
          "tlf",
          "tfn",
          "telefone",
          "tél",
          "portable",
          "電話",
          "携帯",
          "手机",
          "电话");
  private static final List<String> NOT_A_PHONE_WORDS =
      List.of(
          "isbn",
          "isbn-10",
          "isbn-13",
          "order",
          "invoice",
          "sku",
          "ref",
          "reference",
          "no",
          "nr",
          "account",
          "acct",
          "tracking",
          "serial",
          "part",
          "item",
          "ticket",
          "case",
          "id",
          "iban",
          "bic",
          "code",
          "pin",
          "zip",
          "postcode");

  static final Pattern PHONE_WORD =
      Pattern.compile(
          "(?iu)(?<!\\p{L})(?:"
              + String.join("|", PHONE_WORDS)
              + ")\\.?(?:[^\\p{L}\\p{N}]{1,3}\\p{L}{1,6}){0,2}[^\\p{L}\\p{N}]{0,4}$");
  static final Pattern NOT_A_PHONE_WORD =
      Pattern.compile(
          "(?iu)(?:#|№|(?<!\\p{L})(?:"
              + String.join("|", NOT_A_PHONE_WORDS)
              + "))[^\\p{L}\\p{N}]{0,6}$");

  private static final char[][] PHONE_FOLDED = folded(PHONE_WORDS);
  private static final char[][] NOT_A_PHONE_FOLDED = folded(NOT_A_PHONE_WORDS);

  private NumberContext() {}

  /** Whether a phone word stands before {@code start} ({@link #PHONE_WORD} on the window). */
  static boolean phoneWordBefore(String text, int start) {
    int from = Math.max(0, start - CONTEXT);
    return mayHavePhoneWord(text, from, start)
        && PHONE_WORD.matcher(text.substring(from, start)).find();
  }

  /** Whether a word that is no phone's stands before {@code start} ({@link #NOT_A_PHONE_WORD}). */
  static boolean notAPhoneWordBefore(String text, int start) {
    int from = Math.max(0, start - CONTEXT);
    return mayHaveNotAPhoneWord(text, from, start)
        && NOT_A_PHONE_WORD.matcher(text.substring(from, start)).find();
  }

  /**
   * False when {@link #PHONE_WORD} cannot match text[from, to): no phone word starts after a
   * non-letter (or at {@code from}) and ends before one (or at {@code to}). The pattern needs both:
   * its look-behind, and after the word only a dot, signs, short words after signs, the end.
   */
  static boolean mayHavePhoneWord(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      if (i > from && Character.isLetter(text.charAt(i - 1))) {
        continue;
      }
      char first = text.charAt(i);
      char foldedFirst = fold(first);
      for (char[] word : PHONE_FOLDED) {
        int end = i + word.length;
        if ((word[0] == first || word[0] == foldedFirst)
            && end <= to
            && matchesFolded(text, i, word)
            && (end == to || !Character.isLetter(text.charAt(end)))) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * False when {@link #NOT_A_PHONE_WORD} cannot match text[from, to): neither {@code #} nor {@code
   * №} among the signs that end the window, nor a listed word (after a non-letter) ending where its
   * last letter or digit is. The pattern allows only signs after its word.
   */
  static boolean mayHaveNotAPhoneWord(String text, int from, int to) {
    int end = to;
    while (end > from && !isLetterOrNumber(text.charAt(end - 1))) {
      char c = text.charAt(end - 1);
      if (c == '#' || c == '№') {
        return true;
      }
      end--;
    }
    for (char[] word : NOT_A_PHONE_FOLDED) {
      int start = end - word.length;
      if (start >= from
          && matchesFolded(text, start, word)
          && (start == from || !Character.isLetter(text.charAt(start - 1)))) {
        return true;
      }
    }
    return false;
  }

  /** Whether text[at, at + word.length) is {@code word} in any case, as the patterns compare. */
  private static boolean matchesFolded(String text, int at, char[] word) {
    for (int j = 0; j < word.length; j++) {
      char c = text.charAt(at + j);
      if (c != word[j] && fold(c) != word[j]) {
        return false;
      }
    }
    return true;
  }

  /** A character as a case-insensitive Unicode pattern compares it: lower case of upper case. */
  private static char fold(char c) {
    if (c < 0x80) {
      return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }
    return Character.toLowerCase(Character.toUpperCase(c));
  }

  /** \p{L} or \p{N}; a surrogate is neither, so the walk over signs passes it. */
  private static boolean isLetterOrNumber(char c) {
    return switch (Character.getType(c)) {
      case Character.UPPERCASE_LETTER,
          Character.LOWERCASE_LETTER,
          Character.TITLECASE_LETTER,
          Character.MODIFIER_LETTER,
          Character.OTHER_LETTER,
          Character.DECIMAL_DIGIT_NUMBER,
          Character.LETTER_NUMBER,
          Character.OTHER_NUMBER ->
          true;
      default -> false;
    };
  }

  private static char[][] folded(List<String> words) {
    char[][] folded = new char[words.size()][];
    for (int w = 0; w < folded.length; w++) {
      char[] chars = words.get(w).toCharArray();
      for (int j = 0; j < chars.length; j++) {
        chars[j] = fold(chars[j]);
      }
      folded[w] = chars;
    }
    return folded;
  }
}
