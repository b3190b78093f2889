package dev.perennial.ingest.redact;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.ingest.config.IngestConfig;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What one text within ingest's size limit may cost the stream thread that redacts it: a text that
 * costs far more than its length would stall its partition's stage for every record behind it. Work
 * is counted, not timed: as the bytes the redacting thread allocates, where the work copies what it
 * reads, or as the characters a pattern reads. A text may not overflow the stream thread's stack
 * either: a {@link StackOverflowError} is no exception the dead-letter handling sees, it stops the
 * stream thread, and the restarted one reads the same record. Such texts are redacted on a thread
 * with a quarter of the stack a stream thread gets by default (the JVM's 1 MiB), the rest left to
 * Kafka Streams' own frames and to a redactor the JIT has not compiled yet.
 */
class PiiRedactorCostTest {

  private final PiiRedactor redactor = new PiiRedactor();

  /**
   * "1 1 1 1 ..." is one run of one-digit groups. A card has 13 to 19 digits, so the card rule has
   * no window of more than 19 groups to read; reading every window of the run, each copied, is
   * cubic in the number of groups (4 KiB of such text took 20 seconds, 64 KiB would take hours).
   */
  @Test
  void theWorkOfRedactingARunOfManyDigitGroupsGrowsLinearlyWithItsLength() {
    redactor.redact(digitGroups(20)); // loads the classes and patterns outside the count

    long single = allocatedRedacting(digitGroups(400));
    long twice = allocatedRedacting(digitGroups(800));

    assertThat(twice).isLessThan(3 * single);
  }

  /**
   * Numbers glued to words ({@code card4111111111111111card...}, and hex-like letters between
   * digits): the letters beside a number are read once from each side, not again for every number.
   */
  @Test
  void theWorkOfRedactingNumbersGluedToWordsGrowsLinearlyWithItsLength() {
    redactor.redact(glued(20)); // loads the classes and patterns outside the count

    long single = allocatedRedacting(glued(400));
    long twice = allocatedRedacting(glued(800));

    assertThat(twice).isLessThan(3 * single);
  }

  /**
   * A run of pairs after an area code ({@code 030 12 12 12 ...}), which a German landline ends with
   * one digit: the pairs are read once, not again for every pair.
   */
  @Test
  void theWorkOfRedactingARunOfPairsAfterAnAreaCodeGrowsLinearlyWithItsLength() {
    redactor.redact(pairs(20)); // loads the classes and patterns outside the count

    long single = allocatedRedacting(pairs(400));
    long twice = allocatedRedacting(pairs(800));

    assertThat(twice).isLessThan(3 * single);
  }

  private static String pairs(int count) {
    return "Numbers: 030" + " 12".repeat(count) + " 7.";
  }

  private static String glued(int count) {
    StringBuilder text = new StringBuilder("Cards:");
    for (int i = 0; i < count; i++) {
      text.append(i % 2 == 0 ? "card4111111111111111" : "ab1234567890123456789");
    }
    return text.append('.').toString();
  }

  /**
   * A list of dates ({@code 2024-01-01 2024-01-02 ...}, space between) is one run of digit groups:
   * the redactor leaves each date and reads on after it, with no call per date on the stack.
   */
  @Test
  void aListOfDatesAsLongAsIngestAllowsIsRedactedWithoutOverflowingTheStack() {
    String dates = filled("Dates:", " 2024-01-01");

    assertThat(redactedOnASmallStack(dates)).isEqualTo(dates);
  }

  /**
   * Dotted words after an at sign ({@code x@a.a.a...}) are read as the labels of one domain, dotted
   * words before a spelled at ({@code a dot a dot ...}) as the words of one local part: the
   * patterns take a bounded number of them, not stack frames for each.
   */
  @ParameterizedTest(name = "{0} and then {1} repeated")
  @CsvSource({
    "'x@', 'a.'",
    "'x@', 'a[.]'",
    "'x [at] ', 'a [.] '",
    "'x@y ', 'a[dot]'",
    "'Write ', 'a dot '",
    "'Write a dot b at ', 'a.'"
  })
  void dottedWordsAsLongAsIngestAllowsAreRedactedWithoutOverflowingTheStack(
      String start, String unit) {
    String text = filled(start, unit);

    assertThat(redactedOnASmallStack(text)).isEqualTo(text);
  }

  /**
   * Every e-mail pattern reads each character of a text a bounded number of times. An address may
   * not start inside a word: a start after a letter and an apostrophe ({@code a'a'a'...}, the
   * spelling of o'brien) or after a letter's mark read the rest of the run looking for an at sign,
   * and so did the start after the next apostrophe (19 000 reads a character at 4 KiB of such text;
   * 64 KiB would take minutes). A dash right after an address ends it, in a run of addresses joined
   * by dashes too. The spelling between dashes ({@code a-at-b-dot-...}) tried every split of a run
   * of it while its words could hold a dash. Spaced dots ({@code a . b . c}) and the user of a URL
   * ({@code ://a:b@c}) are read alike.
   */
  @ParameterizedTest(name = "{0} and then {1} repeated")
  @CsvSource({
    "'x@y ', 'a'''",
    "'x@y ', 'a\u2019'",
    "'x@y ', 'a\u0301'",
    "'x@y ', 'o''brien '",
    "'x@y ', 'a@b.cd-'",
    "'x@y ', 'a dot b at c.'",
    "'x@y ', 'a at b.'",
    "'x@y ', 'a-at-b-dot-'",
    "'x@y ', 'a_at_b_dot_'",
    "'x@y ', 'a -at- b -dot- '",
    "'x@y ', 'a@b\u3002c\u3002'",
    "'x@', 'a . '",
    "'x@y ', 'a@b . c . '",
    "'x@y ', 'a at b . c . '",
    "'x@y ', 'a . b at '",
    "'x@y ', 'a (punkt) b (at) '",
    "'x@y ', 'a(a)b.cd(a)'",
    "'x@y ', '://a:b@c'",
    "'x@y ', '://a:'",
    "'x@y ://', 'a:'"
  })
  void everyEmailPatternReadsACharacterOfTheTextABoundedNumberOfTimes(String start, String unit) {
    ReadCountingText text = new ReadCountingText(filled(start, unit, 4 * 1024));

    for (Pattern pattern : Emails.patterns()) {
      Matcher matcher = pattern.matcher(text);
      while (matcher.find()) {
        // every match, as the redactor finds them
      }
    }

    assertThat(text.reads).isLessThan(100L * text.length());
  }

  /**
   * The addresses read back from where a sign or a word stands (an address literal's {@code @[}, an
   * at sign's word such as {@code arobase}) read each character a bounded number of times: each
   * local part once back from its anchor, the host or domain after it once.
   */
  @ParameterizedTest(name = "{0} and then {1} repeated")
  @CsvSource({
    "'x', 'a@['",
    "'x ', 'a@[1.2.3.4]'",
    "'x ', 'a.b@[1.2.3.4] '",
    "'x ', 'a@[IPv6:2001:db8::1]b'",
    "'', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@[1.2.3.4'",
    "'', '@['",
    "'x ', 'a arobase '",
    "'x ', 'arobase '",
    "'x ', 'a arobase b.'",
    "'x ', 'a arobase b point '",
    "'x arobase ', 'a.'",
    "'x arobase ', 'a point '",
    "'', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa arobase '"
  })
  void theAddressesReadBackFromAnAnchorReadACharacterOfTheTextABoundedNumberOfTimes(
      String start, String unit) {
    ReadCountingText text = new ReadCountingText(filled(start, unit, 4 * 1024));

    Emails.findAnchored(text, new Spans());

    assertThat(text.reads).isLessThan(100L * text.length());
  }

  /** {@code start} and as many {@code unit}s as fit in the most bytes a text field may have. */
  private static String filled(String start, String unit) {
    return filled(start, unit, IngestConfig.MAX_TEXT_BYTES_DEFAULT);
  }

  /** {@code start} and as many {@code unit}s as fit in {@code length} characters. */
  private static String filled(String start, String unit, int length) {
    StringBuilder text = new StringBuilder(start);
    while (text.length() + unit.length() <= length) {
      text.append(unit);
    }
    return text.toString();
  }

  private String redactedOnASmallStack(String text) {
    AtomicReference<Object> outcome = new AtomicReference<>();
    Thread thread =
        new Thread(
            null,
            () -> {
              try {
                outcome.set(redactor.redact(text).text());
              } catch (StackOverflowError e) {
                outcome.set(e);
              }
            },
            "redact-on-a-small-stack",
            256 * 1024);
    thread.start();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    assertThat(outcome.get()).isNotInstanceOf(StackOverflowError.class);
    return (String) outcome.get();
  }

  private static String digitGroups(int count) {
    StringBuilder text = new StringBuilder("Numbers:");
    for (int i = 0; i < count; i++) {
      text.append(" 1");
    }
    return text.append('.').toString();
  }

  private long allocatedRedacting(String text) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    redactor.redact(text);
    return threads.getCurrentThreadAllocatedBytes() - before;
  }

  /** A text that counts how often a pattern reads one of its characters. */
  private static final class ReadCountingText implements CharSequence {
    private final String text;
    private long reads;

    ReadCountingText(String text) {
      this.text = text;
    }

    @Override
    public char charAt(int index) {
      reads++;
      return text.charAt(index);
    }

    @Override
    public int length() {
      return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return text.subSequence(start, end);
    }

    @Override
    public String toString() {
      return text;
    }
  }
}
