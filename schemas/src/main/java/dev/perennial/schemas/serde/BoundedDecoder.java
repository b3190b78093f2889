package dev.perennial.schemas.serde;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * A decoder of one record's bytes that checks every length and count the data claims before
 * anything is allocated for it: a string or bytes value can never be longer than the bytes left,
 * and an array or map block never holds more items than there are bytes left. Avro's own decoder
 * allocates what a length claims first, so 13 bytes claiming a 1 GiB string cost 1 GiB of heap (an
 * {@code OutOfMemoryError} in a small container); here they are a corrupt record, and what one
 * record can allocate stays within a small multiple of its size. A claim beyond the end reads as a
 * truncated record ({@link EOFException}).
 */
final class BoundedDecoder extends Decoder {

  private final BinaryDecoder in;

  BoundedDecoder(BinaryDecoder in) {
    this.in = in;
  }

  /** {@code claimed}, if that many bytes (or items of at least a byte) can follow; else fails. */
  private int checked(long claimed, String what) throws IOException {
    long left = in.inputStream().available();
    if (claimed < 0) {
      throw new AvroRuntimeException("Malformed data: " + what + " of " + claimed);
    }
    if (claimed > left) {
      throw new EOFException(what + " of " + claimed + " where only " + left + " bytes are left");
    }
    return (int) claimed;
  }

  @Override
  public Utf8 readString(Utf8 old) throws IOException {
    int length = checked(in.readLong(), "a string length");
    Utf8 result = old != null ? old : new Utf8();
    result.setByteLength(length);
    if (length > 0) {
      in.readFixed(result.getBytes(), 0, length);
    }
    return result;
  }

  @Override
  public String readString() throws IOException {
    return readString(null).toString();
  }

  @Override
  public ByteBuffer readBytes(ByteBuffer old) throws IOException {
    int length = checked(in.readLong(), "a bytes length");
    ByteBuffer result;
    if (old != null && length <= old.capacity()) {
      result = old;
      result.clear();
    } else {
      result = ByteBuffer.allocate(length);
    }
    in.readFixed(result.array(), result.position(), length);
    result.limit(length);
    return result;
  }

  @Override
  public long readArrayStart() throws IOException {
    return checked(in.readArrayStart(), "an array block");
  }

  @Override
  public long arrayNext() throws IOException {
    return checked(in.arrayNext(), "an array block");
  }

  @Override
  public long readMapStart() throws IOException {
    return checked(in.readMapStart(), "a map block");
  }

  @Override
  public long mapNext() throws IOException {
    return checked(in.mapNext(), "a map block");
  }

  @Override
  public void readNull() throws IOException {
    in.readNull();
  }

  @Override
  public boolean readBoolean() throws IOException {
    return in.readBoolean();
  }

  @Override
  public int readInt() throws IOException {
    return in.readInt();
  }

  @Override
  public long readLong() throws IOException {
    return in.readLong();
  }

  @Override
  public float readFloat() throws IOException {
    return in.readFloat();
  }

  @Override
  public double readDouble() throws IOException {
    return in.readDouble();
  }

  @Override
  public void skipString() throws IOException {
    in.skipString();
  }

  @Override
  public void skipBytes() throws IOException {
    in.skipBytes();
  }

  @Override
  public void readFixed(byte[] bytes, int start, int length) throws IOException {
    in.readFixed(bytes, start, length);
  }

  @Override
  public void skipFixed(int length) throws IOException {
    in.skipFixed(length);
  }

  @Override
  public int readEnum() throws IOException {
    return in.readEnum();
  }

  @Override
  public long skipArray() throws IOException {
    return in.skipArray();
  }

  @Override
  public long skipMap() throws IOException {
    return in.skipMap();
  }

  @Override
  public int readIndex() throws IOException {
    return in.readIndex();
  }
}
