package dev.perennial.trainer.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.schemas.serde.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class UnreadableJobsTest {

  private static final String KEY = "acme/support";

  @Test
  void aRecordBeginningWithAJobIdOfItsKeyNamesThatJob() {
    assertThat(UnreadableJobs.jobId(KEY, framed(avroString(KEY + "@12-abcdefabcdef"))))
        .hasValue(KEY + "@12-abcdefabcdef");
  }

  @Test
  void aRecordBeginningWithAnotherKeysJobIdOrNoJobIdNamesNone() {
    assertThat(UnreadableJobs.jobId(KEY, framed(avroString("acme/sales@12-abcdefabcdef"))))
        .isEmpty();
    assertThat(UnreadableJobs.jobId(KEY, framed(avroString(KEY)))).isEmpty();
  }

  @Test
  void aRecordClaimingALongerStringThanItHoldsOrNotInTheWireFormatNamesNone() {
    // a zig-zag varint claiming 2^30 bytes, then three
    byte[] claim = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08, 'a', 'b', 'c'};
    assertThat(UnreadableJobs.jobId(KEY, framed(claim))).isEmpty();
    assertThat(UnreadableJobs.jobId(KEY, ByteBuffer.wrap(new byte[] {7, 7}))).isEmpty();
    assertThat(UnreadableJobs.jobId(KEY, null)).isEmpty();
  }

  private static ByteBuffer framed(byte[] avro) {
    return ByteBuffer.wrap(WireFormat.frame(42, avro));
  }

  private static byte[] avroString(String text) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
      encoder.writeString(text);
      encoder.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
