package dev.perennial.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class SaneTimestampExtractorTest {

  private final SaneTimestampExtractor extractor = new SaneTimestampExtractor();

  @Test
  void aSaneRecordTimeIsTakenAsItIs() {
    long yesterday = Instant.now().minus(Duration.ofDays(1)).toEpochMilli();

    assertThat(extractor.extract(record(yesterday), -1)).isEqualTo(yesterday);
    assertThat(extractor.extract(record(SaneTimestampExtractor.EARLIEST.toEpochMilli()), -1))
        .isEqualTo(SaneTimestampExtractor.EARLIEST.toEpochMilli());
  }

  @Test
  void aNegativeAncientOrFarFutureRecordTimeBecomesTheTimeItIsRead() {
    for (long absurd :
        new long[] {
          -1,
          Long.MIN_VALUE,
          1,
          Instant.parse("1999-12-31T23:59:59Z").toEpochMilli(),
          Instant.now().plus(Duration.ofDays(400)).toEpochMilli(),
          Long.MAX_VALUE
        }) {
      long before = System.currentTimeMillis();
      long extracted = extractor.extract(record(absurd), 42);
      long after = System.currentTimeMillis();

      assertThat(extracted).as("record time %d", absurd).isBetween(before, after);
    }
  }

  private static ConsumerRecord<Object, Object> record(long timestamp) {
    return new ConsumerRecord<>(
        "perennial.documents.v1",
        0,
        7,
        timestamp,
        TimestampType.CREATE_TIME,
        0,
        0,
        "key",
        "value",
        new RecordHeaders(),
        java.util.Optional.empty());
  }
}
