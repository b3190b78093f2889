package dev.perennial.ingest.redact;

import java.util.regex.Pattern;

/** The check digits that tell a real card number or IBAN from any other run of digits. */
final class Checksums {

  private static final Pattern OCTET = Pattern.compile("[0-9]{1,3}");
  private static final Pattern HEX_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");

  private Checksums() {}

  /** Whether the digits (separators already removed) pass the Luhn check of card numbers. */
  static boolean luhn(CharSequence digits) {
    int sum = 0;
    boolean doubled = false;
    for (int i = digits.length() - 1; i >= 0; i--) {
      int digit = digits.charAt(i) - '0';
      if (digit < 0 || digit > 9) {
        return false;
      }
      if (doubled) {
        digit *= 2;
        if (digit > 9) {
          digit -= 9;
        }
      }
      sum += digit;
      doubled = !doubled;
    }
    return sum % 10 == 0;
  }

  /**
   * Whether the text (spaces already removed) is an IBAN by ISO 13616: country letters, check
   * digits, 11 to 30 alphanumerics, and the whole number modulo 97 is 1.
   */
  static boolean iban(CharSequence iban) {
    int length = iban.length();
    if (length < 15 || length > 34) {
      return false;
    }
    // The first four characters move to the end; letters count as 10 (A) to 35 (Z).
    int remainder = 0;
    for (int i = 0; i < length; i++) {
      char c = iban.charAt((i + 4) % length);
      if (c >= '0' && c <= '9') {
        remainder = (remainder * 10 + (c - '0')) % 97;
      } else if (c >= 'A' && c <= 'Z') {
        remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
      } else {
        return false;
      }
    }
    return remainder == 1;
  }

  /** Whether every dotted part of {@code address} is a number from 0 to 255. */
  static boolean ipv4(String address) {
    String[] parts = address.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String part : parts) {
      if (!OCTET.matcher(part).matches() || Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code address} is an IPv6 address in text form (RFC 4291 section 2.2): eight groups of
   * one to four hex digits, or fewer around one {@code ::}, optionally ending in dotted IPv4.
   */
  static boolean ipv6(String address) {
    int compressed = address.indexOf("::");
    if (compressed != address.lastIndexOf("::") || address.contains(":::")) {
      return false;
    }
    if (compressed < 0) {
      return groups(address, true) == 8;
    }
    int head = groups(address.substring(0, compressed), false);
    int tail = groups(address.substring(compressed + 2), true);
    return head >= 0 && tail >= 0 && head + tail <= 7;
  }

  /**
   * The 16-bit groups in colon-separated hex (dotted IPv4 at the end counts two), -1 if invalid.
   */
  private static int groups(String part, boolean mayEndInIpv4) {
    if (part.isEmpty()) {
      return 0;
    }
    String[] parts = part.split(":", -1);
    int groups = 0;
    for (int i = 0; i < parts.length; i++) {
      if (mayEndInIpv4 && i == parts.length - 1 && parts[i].contains(".")) {
        if (!ipv4(parts[i])) {
          return -1;
        }
        groups += 2;
      } else if (HEX_GROUP.matcher(parts[i]).matches()) {
        groups++;
      } else {
        return -1;
      }
    }
    return groups;
  }
}
