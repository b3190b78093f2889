package dev.perennial.ingest.redact;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Phone and card numbers: runs of digits with the separators people put between them (space, dash,
 * dot, slash, parentheses; no-break and thin spaces and fullwidth digits arrive folded by {@link
 * TextView}), split where two numbers meet ({@code " - "}, {@code " / "}), each part then
 * classified:
 *
 * <ol>
 *   <li>international: {@code +} or {@code 00}, a country calling code, 8 to 15 digits in all;
 *   <li>a card: 13 to 19 consecutive digits in whole groups, a card network's prefix and a valid
 *       Luhn checksum (only those digits are claimed: an expiry date beside them stays);
 *   <li>North American: {@code (415) 555-2671}, {@code 415-555-2671}, {@code 1-415-555-2671};
 *   <li>national with trunk prefix: {@code 0} and an area code, 9 to 12 digits ({@code 020 7946
 *       0958}, {@code 030/901820}, {@code 06.12.34.56.78}, {@code (02) 9876 5432}, in pairs ending
 *       in one digit: {@code 030 12 34 56 7}; a spaced dash after the area code: {@code 0171 - 123
 *       45 67}); a switchboard's {@code -0} after an area code, 7 to 12 digits: {@code 030
 *       123456-0}, {@code 0316 873-0}, Vienna's {@code 01 58801-0};
 *   <li>national without one, in the grouping its country writes ({@code 612 345 678}, {@code 91
 *       123 45 67}, Polish {@code 22 123 45 67}, Portuguese {@code 21 123 4567}, {@code 347 123
 *       4567}, {@code 138 0013 8000}, {@code 55 1234 5678}, {@code 98765 43210}), not beside a
 *       currency or unit;
 *   <li>any 8 to 15 digits right after a word such as {@code phone}, {@code tel}, {@code call},
 *       {@code mobile} ({@link NumberContext}).
 * </ol>
 *
 * A number glued to a word ({@code card4111111111111111}, {@code 4111111111111111exp}) can only be
 * a card, whose checksum tells it: its digits are claimed, the word stays.
 *
 * <p>Codes, order numbers, ISBNs and dates stay: they are shorter, start otherwise, end in a single
 * check digit, or follow a word such as {@code order}, {@code invoice}, {@code ISBN}; so do digits
 * joined by a dash to the rest of a hex token, a UUID's last group ({@link HexTokens}).
 */
final class NumberRuns {

  private static final Set<String> TWO_DIGIT_CODES =
      Set.of(
          "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46",
          "47", "48", "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63",
          "64", "65", "66", "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98");
  private static final Set<String> THREE_DIGIT_CODE_STARTS =
      Set.of(
          "21", "22", "23", "24", "25", "26", "29", "35", "37", "38", "42", "50", "59", "67", "68",
          "69", "80", "85", "87", "88", "96", "97", "99");

  private static final Pattern CURRENCY_OR_UNIT_BEFORE =
      Pattern.compile("(?iu)(?:[€$£¥₹₽¢]|\\b(?:eur|usd|gbp|chf|jpy|inr|cny|sek|nok|dkk))\\s?$");
  private static final Pattern CURRENCY_OR_UNIT_AFTER =
      Pattern.compile(
          "(?iu)^\\s?(?:[€$£¥₹₽¢%]|(?:eur|usd|gbp|chf|jpy|inr|cny|sek|nok|dkk|km|kg|mi|lbs?|m²"
              + "|units?|copies|people|inhabitants|visitors|users|tons?|bytes?|kb|mb|gb)\\b)");

  private static final int MIN_CARD_DIGITS = 13;
  private static final int MIN_SWITCHBOARD_DIGITS = 7; // 01 4000-0
  private static final int MAX_NATIONAL_DIGITS = 12;
  private static final int MAX_CARD_DIGITS = 19;

  /**
   * Groupings of national numbers written without a trunk prefix, and the digits they start with
   * ({@code firstDigits} matches at the start of the number's digits).
   */
  private record Shape(List<Integer> sizes, Pattern firstDigits, boolean spacesOnly) {
    Shape(List<Integer> sizes, String firstDigits, boolean spacesOnly) {
      this(sizes, Pattern.compile(firstDigits), spacesOnly);
    }
  }

  // Polish geographic area codes, 12 (Kraków) to 95 (Gorzów), 22 Warsaw's
  private static final String POLISH_AREA_CODES =
      "1[2-8]|2[2-59]|3[2-4]|4[1-468]|5[24-689]|6[1-3578]|7[14-7]|8[1-79]|9[145]";

  private static final List<Shape> SHAPES =
      List.of(
          new Shape(List.of(3, 3, 3), "[6-9]", true), // Spain
          new Shape(List.of(3, 2, 2, 2), "[6-9]", false), // Spain
          new Shape(List.of(2, 3, 2, 2), "[89]", false), // Spanish landline: Madrid, Barcelona
          new Shape(List.of(2, 3, 2, 2), POLISH_AREA_CODES, false), // Polish landline
          new Shape(List.of(2, 3, 4), "2[1-9]", false), // Portuguese landline: Lisbon, Porto
          new Shape(List.of(3, 3, 4), "[2-9]", false), // Italian mobile, North American
          new Shape(List.of(3, 4, 4), "1", false), // Chinese mobile
          new Shape(List.of(2, 4, 4), "[1-9]", false), // Mexico, Brazil
          new Shape(List.of(2, 5, 4), "[1-9]", false), // Brazilian mobile
          new Shape(List.of(5, 5), "[6-9]", true)); // Indian mobile

  /** One group of digits and the separator text in front of it (empty for the first). */
  private record Group(int start, int end, String separator) {
    int size() {
      return end - start;
    }
  }

  private NumberRuns() {}

  static void find(String text, DigitRuns digitRuns, Spans spans) {
    int length = text.length();
    int run = 0;
    while (run < digitRuns.count()) {
      int i = digitRuns.start(run);
      int start = numberStart(text, i);
      boolean gluedBefore = !startsAt(text, start);
      if (gluedBefore && !wordBefore(text, start)) {
        // part of a word or a decimal: go on after this group of digits
        run++;
        continue;
      }
      int j = i;
      int lastDigit = i;
      int digits = 0;
      while (j < length) {
        char c = text.charAt(j);
        if (isDigit(c)) {
          lastDigit = j;
          digits++;
        } else if (!isSeparator(c)) {
          break;
        }
        j++;
      }
      // no rule takes fewer than 8 digits but a switchboard's (7): most numbers in text stop here
      boolean ends =
          (digits >= 8 || digits == MIN_SWITCHBOARD_DIGITS && !gluedBefore)
              && endsRun(text, lastDigit + 1);
      if (ends || digits >= 8 && wordAfter(text, lastDigit + 1)) {
        classifyParts(text, parts(text, start, lastDigit + 1), gluedBefore, ends, spans);
      } else if (gluedBefore) {
        // a word's digits: go on after this group of digits
        run++;
        continue;
      }
      // go on with the first run of digits after this number
      while (run < digitRuns.count() && digitRuns.start(run) < j) {
        run++;
      }
    }
  }

  private static boolean isSeparator(char c) {
    return switch (c) {
      case ' ', '-', '.', '/', '(', ')' -> true;
      default -> false;
    };
  }

  /** Whether a number may start at {@code start}: not inside a word, a decimal or a range. */
  private static boolean startsAt(String text, int start) {
    if (start == 0) {
      return true;
    }
    char before = text.charAt(start - 1);
    if (Character.isLetterOrDigit(before) || before == '_' || before == '+') {
      return false;
    }
    // a decimal or a range: "1.5", "1,5", "10:30", "10-20"
    return !((before == '.' || before == ',' || before == ':' || before == '-')
        && start >= 2
        && isDigit(text.charAt(start - 2)));
  }

  /**
   * Classifies the parts of one run. A part glued to a word ({@code card4111...}, {@code
   * ...1111exp}) can only be a card, whose checksum tells it, never a kind only the shape of its
   * digits would tell; when the first part is glued and no card, the rest of it is read as a number
   * of its own, as if the glued group were part of the word.
   */
  private static void classifyParts(
      String text, List<List<Group>> parts, boolean gluedBefore, boolean ends, Spans spans) {
    for (int p = 0; p < parts.size(); p++) {
      List<Group> part = parts.get(p);
      boolean last = p == parts.size() - 1;
      if (p == 0 && gluedBefore) {
        if (!claimCard(text, part, spans)
            && part.size() > 1
            && (ends || !last)
            && startsAt(text, numberStart(text, part.get(1).start()))) {
          classify(text, part.subList(1, part.size()), spans);
        }
      } else if (last && !ends) {
        claimCard(text, part, spans);
      } else {
        classify(text, part, spans);
      }
    }
  }

  /**
   * Whether letters glued to a number at {@code start} make a word of their own ({@code card},
   * {@code cc}): they start a word or hold a letter that is no hex digit. Not the letters between
   * the digits of a hexadecimal hash ({@code 9f4111...ab3}).
   */
  private static boolean wordBefore(String text, int start) {
    int i = start;
    boolean notHex = false;
    while (i > 0 && Character.isLetter(text.charAt(i - 1))) {
      notHex |= !HexTokens.isHexLetter(text.charAt(i - 1));
      i--;
    }
    return i < start && (notHex || i == 0 || !HexTokens.isWordCharacter(text.charAt(i - 1)));
  }

  /** Whether letters glued to a number ending at {@code end} make a word ({@code exp}). */
  private static boolean wordAfter(String text, int end) {
    int i = end;
    boolean notHex = false;
    while (i < text.length() && Character.isLetter(text.charAt(i))) {
      notHex |= !HexTokens.isHexLetter(text.charAt(i));
      i++;
    }
    return i > end && (notHex || i == text.length() || !HexTokens.isWordCharacter(text.charAt(i)));
  }

  private static boolean endsRun(String text, int end) {
    if (end >= text.length() || isExtension(text, end)) {
      return true;
    }
    char after = text.charAt(end);
    if (Character.isLetterOrDigit(after) || after == '_' || after == '%' || after == '°') {
      return false;
    }
    return !((after == '.' || after == ',' || after == ':')
        && end + 1 < text.length()
        && isDigit(text.charAt(end + 1)));
  }

  /**
   * Whether an extension is written right after the number: {@code x}, {@code ext} or {@code ext.}
   * and a digit ({@code 555-2671x23}, {@code 7946 0958ext.4}), as address books export it.
   */
  private static boolean isExtension(String text, int end) {
    int i = end;
    if (text.regionMatches(true, i, "ext", 0, 3)) {
      i += text.startsWith(".", i + 3) ? 4 : 3;
    } else if (text.regionMatches(true, i, "x", 0, 1)) {
      i++;
    } else {
      return false;
    }
    return i < text.length() && isDigit(text.charAt(i));
  }

  /** The run's groups, split where the text between two groups is more than a separator. */
  private static List<List<Group>> parts(String text, int start, int end) {
    List<List<Group>> parts = new ArrayList<>();
    List<Group> current = new ArrayList<>();
    int i = start;
    String separator = "";
    int separatorStart = start;
    while (i < end) {
      if (isDigit(text.charAt(i))) {
        int groupStart = i;
        while (i < end && isDigit(text.charAt(i))) {
          i++;
        }
        if (!current.isEmpty()
            && !isSeparator(separator)
            && !isSpacedDashAfterAreaCode(text, current, separator, groupStart)) {
          parts.add(current);
          current = new ArrayList<>();
          separator = "";
        }
        current.add(new Group(groupStart, i, current.isEmpty() ? "" : separator));
        separatorStart = i;
      } else {
        while (i < end && !isDigit(text.charAt(i))) {
          i++;
        }
        separator = text.substring(separatorStart, i);
      }
    }
    if (!current.isEmpty()) {
      parts.add(current);
    }
    return parts;
  }

  /**
   * Whether {@code separator} is a spaced dash after an area code with trunk prefix and before a
   * line that does not start with {@code 0} ({@code 0171 - 123 45 67}, {@code 030 - 1234567}), as
   * German business cards write it. Elsewhere a spaced dash stands between two numbers, a range of
   * times, postcodes or pages ({@code 0900 - 1730}, {@code 01067 - 01099}); those are shorter than
   * the nine digits a number with trunk prefix needs, or their second number starts with {@code 0}.
   */
  private static boolean isSpacedDashAfterAreaCode(
      String text, List<Group> before, String separator, int lineStart) {
    if (before.size() != 1 || !separator.equals(" - ") || text.charAt(lineStart) == '0') {
      return false;
    }
    Group areaCode = before.get(0);
    return areaCode.size() >= 3
        && areaCode.size() <= 5
        && text.charAt(areaCode.start()) == '0'
        && text.charAt(areaCode.start() + 1) != '0';
  }

  /** What may stand between two groups of one number: one sign, or a sign and a parenthesis. */
  private static boolean isSeparator(String separator) {
    if (separator.length() == 1) {
      return true;
    }
    return separator.length() == 2
        && (separator.indexOf('(') >= 0 || separator.indexOf(')') >= 0)
        && !separator.equals("()")
        && !separator.equals(")(");
  }

  /**
   * Classifies one part. A date at its front stays, and what follows the date is classified on its
   * own, in a loop: a list of dates ({@code 2024-01-01 2024-01-02 ...}) is one part of thousands of
   * groups, too many for a call per date on a stream thread's stack.
   */
  private static void classify(String text, List<Group> groups, Spans spans) {
    int from = 0;
    while (!plusBefore(text, groups.get(from))
        && startsWithDate(text, groups.subList(from, groups.size()))) {
      from += 3;
      if (from == groups.size()) {
        return;
      }
    }
    classifyNumber(text, groups.subList(from, groups.size()), spans);
  }

  /** Whether a {@code +} is written in front of the number whose first group is {@code first}. */
  private static boolean plusBefore(String text, Group first) {
    return text.substring(numberStart(text, first.start()), first.start()).contains("+");
  }

  /** Classifies a part that does not start with a date. */
  private static void classifyNumber(String text, List<Group> groups, Spans spans) {
    int firstDigit = groups.get(0).start();
    int prefixStart = numberStart(text, firstDigit);
    boolean plus = plusBefore(text, groups.get(0));
    String digits = digits(text, groups);
    if (digits.length() < 8 && !isSwitchboard(text, groups)) {
      return; // no other rule takes fewer digits: most numbers in text end here
    }
    Group first = groups.get(0);
    Group last = groups.get(groups.size() - 1);
    int end = last.end();
    int start = afterUnclosedParentheses(text, prefixStart, end);
    String phone = PiiType.PHONE.name();
    if (plus) {
      if (digits.length() <= 15 && isCountryCode(digits)) {
        spans.claim(start, end, phone);
      }
      return;
    }
    boolean phoneWord = NumberContext.phoneWordBefore(text, prefixStart);
    boolean notAPhone =
        HexTokens.joins(text, firstDigit, end)
            || !phoneWord && NumberContext.notAPhoneWordBefore(text, prefixStart);
    if (!notAPhone
        && first.size() >= 2
        && digits.startsWith("00")
        && groups.size() >= 2
        && digits.length() >= 10
        && digits.length() <= 17
        && isCountryCode(digits.substring(2))) {
      spans.claim(start, end, phone);
      return;
    }
    if (claimCard(text, groups, spans)) {
      return;
    }
    boolean switchboard = isSwitchboard(text, groups);
    if (notAPhone || last.size() < 2 && !isGroupedInPairs(text, groups) && !switchboard) {
      return;
    }
    List<Integer> sizes = sizes(groups);
    if (isNorthAmerican(text, groups, sizes)
        || isTrunkPrefixed(digits, groups)
        || switchboard && digits.length() <= MAX_NATIONAL_DIGITS
        || isNationalShape(text, groups, sizes, digits, prefixStart, end)
        || phoneWord && digits.length() <= 15) {
      spans.claim(start, end, phone);
    }
  }

  /**
   * Where a phone number read from {@code start} to {@code end} starts without the parentheses in
   * front of it that no {@code )} inside it closes: {@code (0800-3569377)} keeps both of its
   * parentheses, {@code (415) 555-2671} its area code's.
   */
  private static int afterUnclosedParentheses(String text, int start, int end) {
    int unclosed = 0;
    for (int i = start; i < end; i++) {
      char c = text.charAt(i);
      unclosed += c == '(' ? 1 : c == ')' ? -1 : 0;
    }
    int i = start;
    while (unclosed > 0 && (text.charAt(i) == '(' || text.charAt(i) == ' ')) {
      unclosed -= text.charAt(i) == '(' ? 1 : 0;
      i++;
    }
    while (text.charAt(i) == ' ') {
      i++;
    }
    return i;
  }

  /** Whether the first three groups are a date: 15.03.2024, 2024-03-15, 3/15/2024. */
  private static boolean startsWithDate(String text, List<Group> groups) {
    if (groups.size() < 3) {
      return false;
    }
    String separator = groups.get(1).separator();
    if (!(separator.equals(".") || separator.equals("/") || separator.equals("-"))
        || !groups.get(2).separator().equals(separator)) {
      return false;
    }
    Group a = groups.get(0);
    Group b = groups.get(1);
    Group c = groups.get(2);
    boolean yearFirst = a.size() == 4 && b.size() <= 2 && c.size() <= 2 && isYear(text, a);
    boolean yearLast = a.size() <= 2 && b.size() <= 2 && c.size() == 4 && isYear(text, c);
    return yearFirst || yearLast;
  }

  private static boolean isYear(String text, Group group) {
    return text.startsWith("19", group.start()) || text.startsWith("20", group.start());
  }

  /** Where the number starts: its first digit, or a {@code +} or {@code (} right before it. */
  private static int numberStart(String text, int firstDigit) {
    int i = firstDigit;
    while (i > 0 && "+( ".indexOf(text.charAt(i - 1)) >= 0) {
      char c = text.charAt(i - 1);
      if (c == ' ' && (i < 2 || "+(".indexOf(text.charAt(i - 2)) < 0)) {
        break;
      }
      i--;
    }
    return i;
  }

  /**
   * Claims the first card among the windows of whole groups, the widest first. A card has at most
   * {@value #MAX_CARD_DIGITS} digits, so no window of more groups is one, and only a window of
   * {@value #MIN_CARD_DIGITS} to {@value #MAX_CARD_DIGITS} digits is read: a run of thousands of
   * one-digit groups costs {@value #MAX_CARD_DIGITS} steps a group, not a copy of every window.
   */
  private static boolean claimCard(String text, List<Group> groups, Spans spans) {
    // digitsBefore[i]: the digits of the groups before group i
    int[] digitsBefore = new int[groups.size() + 1];
    for (int i = 0; i < groups.size(); i++) {
      digitsBefore[i + 1] = digitsBefore[i] + groups.get(i).size();
    }
    for (int size = Math.min(groups.size(), MAX_CARD_DIGITS); size >= 1; size--) {
      for (int from = 0; from + size <= groups.size(); from++) {
        int count = digitsBefore[from + size] - digitsBefore[from];
        if (count < MIN_CARD_DIGITS || count > MAX_CARD_DIGITS) {
          continue;
        }
        List<Group> window = groups.subList(from, from + size);
        String digits = digits(text, window);
        if (isCardPrefix(digits)
            && Checksums.luhn(digits)
            && window.stream().skip(1).allMatch(g -> g.separator().length() == 1)) {
          return spans.claim(
              window.get(0).start(), window.get(size - 1).end(), PiiType.CARD.name());
        }
      }
    }
    return false;
  }

  /** The first digits of a card network: Mastercard, Amex, Diners, JCB, Visa, Discover, ... */
  private static boolean isCardPrefix(String digits) {
    char second = digits.charAt(1);
    return switch (digits.charAt(0)) {
      case '2' -> second >= '2' && second <= '7';
      case '3' -> second == '0' || second >= '4';
      case '4', '6' -> true;
      case '5' -> second <= '8';
      default -> false;
    };
  }

  private static List<Integer> sizes(List<Group> groups) {
    List<Integer> sizes = new ArrayList<>(groups.size());
    for (Group group : groups) {
      sizes.add(group.size());
    }
    return sizes;
  }

  private static boolean isNorthAmerican(String text, List<Group> groups, List<Integer> sizes) {
    List<Group> local = groups;
    if (sizes.equals(List.of(1, 3, 3, 4)) && text.charAt(groups.get(0).start()) == '1') {
      local = groups.subList(1, 4);
    } else if (!sizes.equals(List.of(3, 3, 4))) {
      return false;
    }
    return text.charAt(local.get(0).start()) >= '2' && text.charAt(local.get(1).start()) >= '2';
  }

  /**
   * Whether an area code with trunk prefix is followed by at least three pairs and one last digit
   * ({@code 030 12 34 56 7}), as German landlines are written; an ISBN-10's check digit follows
   * fewer, longer groups.
   */
  private static boolean isGroupedInPairs(String text, List<Group> groups) {
    int last = groups.size() - 1;
    if (last < 4 || groups.get(0).size() < 3 || text.charAt(groups.get(0).start()) != '0') {
      return false;
    }
    for (int i = 1; i < last; i++) {
      if (groups.get(i).size() != 2) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether a landline with trunk prefix ends in {@code -0}, its switchboard ({@code 030 123456-0},
   * {@code 0421 7730-0}, {@code 0316 873-0}), as German and Austrian businesses write it: an area
   * code of three to five digits that starts {@code 02} to {@code 09} ({@code 01} starts German
   * mobile and service numbers), or Vienna's {@code 01} as a group of its own ({@code 01 58801-0},
   * {@code 01 4000-0}); a line of at least three digits, separated by spaces, a slash or
   * parentheses; at least {@value #MIN_SWITCHBOARD_DIGITS} digits. With dots or dashes between the
   * groups it is a version or a part number ({@code 012-345678-0}).
   */
  private static boolean isSwitchboard(String text, List<Group> groups) {
    int last = groups.size() - 1;
    if (last < 2
        || !text.startsWith("0", groups.get(last).start())
        || groups.get(last).size() != 1
        || !groups.get(last).separator().equals("-")
        || !isAreaCode(text, groups.get(0))
        || groups.get(last - 1).size() < 3
        || groups.stream().mapToInt(Group::size).sum() < MIN_SWITCHBOARD_DIGITS) {
      return false;
    }
    for (int i = 1; i < last; i++) {
      String separator = groups.get(i).separator();
      if (separator.contains("-") || separator.contains(".")) {
        return false;
      }
    }
    return true;
  }

  /**
   * An area code with trunk prefix: {@code 02} to {@code 09} and 1-3 digits more, or {@code 01}.
   */
  private static boolean isAreaCode(String text, Group group) {
    if (group.size() < 2 || group.size() > 5 || text.charAt(group.start()) != '0') {
      return false;
    }
    char second = text.charAt(group.start() + 1);
    return group.size() == 2 ? second == '1' : second >= '2';
  }

  private static boolean isTrunkPrefixed(String digits, List<Group> groups) {
    if (digits.length() < 9 || digits.length() > 12) {
      return false;
    }
    if (digits.charAt(0) != '0' || digits.charAt(1) == '0') {
      return false;
    }
    return groups.size() > 1 || digits.length() >= 10;
  }

  private static boolean isNationalShape(
      String text, List<Group> groups, List<Integer> sizes, String digits, int start, int end) {
    for (Shape shape : SHAPES) {
      if (shape.sizes().equals(sizes)
          && shape.firstDigits().matcher(digits).lookingAt()
          && (!shape.spacesOnly()
              || groups.stream().skip(1).allMatch(g -> g.separator().equals(" ")))) {
        return !CURRENCY_OR_UNIT_BEFORE
                .matcher(text.substring(Math.max(0, start - 5), start))
                .find()
            && !CURRENCY_OR_UNIT_AFTER
                .matcher(text.substring(end, Math.min(text.length(), end + 14)))
                .find();
      }
    }
    return false;
  }

  private static boolean isCountryCode(String digits) {
    if (digits.isEmpty()) {
      return false;
    }
    char first = digits.charAt(0);
    if (first == '1' || first == '7') {
      return true;
    }
    if (digits.length() < 3) {
      return false;
    }
    return TWO_DIGIT_CODES.contains(digits.substring(0, 2))
        || THREE_DIGIT_CODE_STARTS.contains(digits.substring(0, 2));
  }

  private static String digits(String text, List<Group> groups) {
    StringBuilder digits = new StringBuilder();
    for (Group group : groups) {
      digits.append(text, group.start(), group.end());
    }
    return digits.toString();
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
