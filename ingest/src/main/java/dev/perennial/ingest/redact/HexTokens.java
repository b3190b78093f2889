package dev.perennial.ingest.redact;

/**
 * Whether a number is joined by a dash to the rest of one hexadecimal token, a UUID's last group
 * ({@code 763deb21-55c7-449e-ab7f-070104445786}) or a hash's ({@code 0701044457-deadbeef12}): its
 * digits are part of an identifier, no phone number. The rest of the token, read from the dash away
 * from the number up to {@value #MAX_READ} characters, holds only hex digits and dashes, at least
 * {@value #MIN_HEX_DIGITS} hex digits, a letter and a digit among them, and is not glued to a word:
 * a hyphenated word beside a phone number ({@code Fax-}, {@code Cafe-}, {@code -Zentrale}) has
 * letters only or letters that are no hex digits. The read is bounded, so a text of many numbers in
 * one long token costs as much per number as a short one.
 */
final class HexTokens {

  private static final int MAX_READ = 64;
  private static final int MIN_HEX_DIGITS = 4;

  private HexTokens() {}

  /**
   * Whether the number whose digits run from {@code start} to {@code end} is inside such a token.
   */
  static boolean joins(String text, int start, int end) {
    return start >= 1 && text.charAt(start - 1) == '-' && isRestOfToken(text, start - 2, -1)
        || end < text.length() && text.charAt(end) == '-' && isRestOfToken(text, end + 1, 1);
  }

  /** Reads from {@code from} in {@code step}'s direction (-1 back, 1 on) what the dash joins. */
  private static boolean isRestOfToken(String text, int from, int step) {
    int hexDigits = 0;
    boolean letter = false;
    boolean digit = false;
    int i = from;
    for (int read = 0; read < MAX_READ && i >= 0 && i < text.length(); read++, i += step) {
      char c = text.charAt(i);
      if (isWordCharacter(c) && !isHexDigit(c)) {
        return false; // glued to a word: Hotline-, -fax
      }
      if (c != '-' && !isWordCharacter(c)) {
        break;
      }
      letter |= isHexLetter(c);
      digit |= c >= '0' && c <= '9';
      hexDigits += c == '-' ? 0 : 1;
    }
    return hexDigits >= MIN_HEX_DIGITS && letter && digit;
  }

  private static boolean isHexDigit(char c) {
    return c >= '0' && c <= '9' || isHexLetter(c);
  }

  static boolean isHexLetter(char c) {
    return c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
  }

  static boolean isWordCharacter(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }
}
