package dev.perennial.ingest.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * What one text within ingest's size limit may cost the stream thread that redacts it: a text that
 * costs far more than its length would stall its partition's stage for every record behind it.
 * Work is counted, not timed: as the bytes the redacting thread allocates, where the work copies
 * what it reads.
 */
class PiiRedactorCostTest {

  private final PiiRedactor redactor = new PiiRedactor();

  /**
   * "1 1 1 1 ..." is one run of one-digit groups. A card has 13 to 19 digits, so the card rule has
   * no window of more than 19 groups to read; reading every window of the run, each copied, is cubic
   * in the number of groups (4 KiB of such text took 20 seconds, 64 KiB would take hours).
   */
  @Test
  void theWorkOfRedactingARunOfManyDigitGroupsGrowsLinearlyWithItsLength() {
    redactor.redact(digitGroups(20)); // loads the classes and patterns outside the count

    long single = allocatedRedacting(digitGroups(400));
    long twice = allocatedRedacting(digitGroups(800));

    assertThat(twice).isLessThan(3 * single);
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
}
