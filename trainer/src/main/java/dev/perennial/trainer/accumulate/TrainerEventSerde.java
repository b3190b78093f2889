package dev.perennial.trainer.accumulate;

import dev.perennial.schemas.serde.SingleObjectDecoders;
import dev.perennial.schemas.v1.ErasureRequest;
import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.trainer.accumulate.TrainerEvent.CandidateArrived;
import dev.perennial.trainer.accumulate.TrainerEvent.ErasureArrived;
import dev.perennial.trainer.accumulate.TrainerEvent.ExampleArrived;
import dev.perennial.trainer.accumulate.TrainerEvent.InsufficientEvidence;
import dev.perennial.trainer.accumulate.TrainerEvent.JobGivenUp;
import dev.perennial.trainer.accumulate.TrainerEvent.RebaseRefused;
import dev.perennial.trainer.accumulate.TrainerEvent.ReleaseArrived;
import dev.perennial.trainer.shard.SourcePosition;
import dev.perennial.trainer.shard.SourcedExample;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The accumulator's internal encoding of {@link TrainerEvent}s (its repartition topic) and of
 * pending examples (its pending store and changelog). A format byte, a type byte, then the fields;
 * strings are UTF-8 with an int length, so an id of any length a record may carry is written. Avro
 * records use Avro's single-object encoding, whose schema fingerprint names the schema it was
 * written with: a record an earlier release wrote with a published version of its schema is read
 * with that version, and one written with any other schema fails loudly instead of being misread.
 */
public final class TrainerEventSerde implements Serde<TrainerEvent> {

  // strings as DataOutputStream.writeUTF writes them, at most 65,535 bytes (still read: in flight)
  private static final byte FORMAT_SHORT_STRINGS = 1;
  private static final byte FORMAT = 2;
  private static final byte EXAMPLE = 1;
  private static final byte ERASURE = 2;
  private static final byte CANDIDATE = 3;
  private static final byte RELEASE = 4;
  private static final byte INSUFFICIENT_EVIDENCE = 5;
  // a release with every base's stable release (RELEASE is still read: events in flight)
  private static final byte RELEASE_WITH_STABLES = 6;
  private static final byte REBASE_REFUSED = 7;
  // a candidate with the release a REBASE candidate moved (CANDIDATE is still read: in flight)
  private static final byte CANDIDATE_WITH_MOVED = 8;
  // a candidate with its weight blobs (CANDIDATE_WITH_MOVED is still read: in flight)
  private static final byte CANDIDATE_WITH_WEIGHTS = 9;
  // a release with its version's weight blobs (RELEASE_WITH_STABLES is still read: in flight)
  private static final byte RELEASE_WITH_WEIGHTS = 10;
  // a job the worker gave up on (job-outcomes.v1)
  private static final byte JOB_GIVEN_UP = 11;

  private static final BinaryMessageDecoder<TrainingExample> EXAMPLES =
      SingleObjectDecoders.ofEveryPublishedVersion(TrainingExample.class);
  private static final BinaryMessageDecoder<ErasureRequest> ERASURES =
      SingleObjectDecoders.ofEveryPublishedVersion(ErasureRequest.class);

  @Override
  public Serializer<TrainerEvent> serializer() {
    return (topic, event) -> event == null ? null : encode(event);
  }

  @Override
  public Deserializer<TrainerEvent> deserializer() {
    return (topic, bytes) -> bytes == null ? null : decode(bytes);
  }

  /** A serde of pending examples alone, in the same encoding. */
  public static Serde<SourcedExample> sourcedExamples() {
    return new Serde<>() {
      @Override
      public Serializer<SourcedExample> serializer() {
        return (topic, example) -> example == null ? null : encode(new ExampleArrived(example));
      }

      @Override
      public Deserializer<SourcedExample> deserializer() {
        return (topic, bytes) -> {
          if (bytes == null) {
            return null;
          }
          if (decode(bytes) instanceof ExampleArrived arrived) {
            return arrived.example();
          }
          throw new SerializationException("Not a pending example");
        };
      }
    };
  }

  static byte[] encode(TrainerEvent event) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      if (event instanceof ExampleArrived arrived) {
        out.writeByte(EXAMPLE);
        SourcePosition position = arrived.example().position();
        writeString(out, position.topic());
        out.writeInt(position.partition());
        out.writeLong(position.offset());
        writeBytes(out, arrived.example().example().toByteBuffer());
      } else if (event instanceof ErasureArrived erasure) {
        out.writeByte(ERASURE);
        writeBytes(out, erasure.request().toByteBuffer());
      } else if (event instanceof CandidateArrived candidate) {
        out.writeByte(CANDIDATE_WITH_WEIGHTS);
        writeString(out, candidate.adapterKey());
        writeString(out, candidate.candidateId());
        writeString(out, candidate.jobId());
        writeOptionalInt(out, candidate.parentVersion());
        writeOptionalInt(out, candidate.movedVersion());
        writeOptionalStrings(out, candidate.weightBlobs());
      } else if (event instanceof ReleaseArrived release) {
        out.writeByte(RELEASE_WITH_WEIGHTS);
        writeString(out, release.adapterKey());
        out.writeInt(release.version());
        writeString(out, release.candidateId());
        out.writeInt(release.stables().size());
        for (StableOnBase stable : release.stables()) {
          writeString(out, stable.baseDigest());
          writeString(out, stable.baseName());
          out.writeInt(stable.version());
          writeString(out, stable.location());
          writeString(out, stable.manifestDigest());
        }
        writeOptionalStrings(out, release.weightBlobs());
      } else if (event instanceof InsufficientEvidence insufficient) {
        out.writeByte(INSUFFICIENT_EVIDENCE);
        writeString(out, insufficient.adapterKey());
        writeString(out, insufficient.candidateId());
        writeString(out, insufficient.jobId());
      } else if (event instanceof RebaseRefused refused) {
        out.writeByte(REBASE_REFUSED);
        writeString(out, refused.adapterKey());
        writeString(out, refused.candidateId());
        writeString(out, refused.jobId());
      } else if (event instanceof JobGivenUp givenUp) {
        out.writeByte(JOB_GIVEN_UP);
        writeString(out, givenUp.adapterKey());
        writeString(out, givenUp.jobId());
        writeString(out, givenUp.outcome());
      }
    } catch (IOException e) {
      throw new SerializationException("Cannot encode " + event.getClass().getSimpleName(), e);
    }
    return bytes.toByteArray();
  }

  static TrainerEvent decode(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      byte format = in.readByte();
      StringReader strings =
          switch (format) {
            case FORMAT -> TrainerEventSerde::readString;
            case FORMAT_SHORT_STRINGS -> stream -> stream.readUTF();
            default -> throw new SerializationException("Unknown trainer event format " + format);
          };
      byte type = in.readByte();
      return switch (type) {
        case EXAMPLE -> {
          SourcePosition position =
              new SourcePosition(strings.read(in), in.readInt(), in.readLong());
          TrainingExample example = EXAMPLES.decode(readBytes(in));
          yield new ExampleArrived(new SourcedExample(position, example));
        }
        case ERASURE -> new ErasureArrived(ERASURES.decode(readBytes(in)));
        case CANDIDATE ->
            new CandidateArrived(
                strings.read(in), strings.read(in), strings.read(in), readOptionalInt(in));
        case CANDIDATE_WITH_MOVED ->
            new CandidateArrived(
                strings.read(in),
                strings.read(in),
                strings.read(in),
                readOptionalInt(in),
                readOptionalInt(in));
        case CANDIDATE_WITH_WEIGHTS ->
            new CandidateArrived(
                strings.read(in),
                strings.read(in),
                strings.read(in),
                readOptionalInt(in),
                readOptionalInt(in),
                readOptionalStrings(in, strings));
        case RELEASE -> new ReleaseArrived(strings.read(in), in.readInt(), strings.read(in));
        case RELEASE_WITH_STABLES, RELEASE_WITH_WEIGHTS -> {
          String adapterKey = strings.read(in);
          int version = in.readInt();
          String candidateId = strings.read(in);
          int count = in.readInt();
          List<StableOnBase> stables = new ArrayList<>(count);
          for (int i = 0; i < count; i++) {
            stables.add(
                new StableOnBase(
                    strings.read(in),
                    strings.read(in),
                    in.readInt(),
                    strings.read(in),
                    strings.read(in)));
          }
          List<String> weightBlobs =
              type == RELEASE_WITH_WEIGHTS ? readOptionalStrings(in, strings) : null;
          yield new ReleaseArrived(adapterKey, version, candidateId, stables, weightBlobs);
        }
        case INSUFFICIENT_EVIDENCE ->
            new InsufficientEvidence(strings.read(in), strings.read(in), strings.read(in));
        case REBASE_REFUSED ->
            new RebaseRefused(strings.read(in), strings.read(in), strings.read(in));
        case JOB_GIVEN_UP -> new JobGivenUp(strings.read(in), strings.read(in), strings.read(in));
        default -> throw new SerializationException("Unknown trainer event type " + type);
      };
    } catch (IOException | RuntimeException e) {
      if (e instanceof SerializationException serialization) {
        throw serialization;
      }
      throw new SerializationException("Cannot decode a trainer event: " + e, e);
    }
  }

  private static void writeString(DataOutputStream out, String value) throws IOException {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static String readString(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > in.available()) {
      throw new IOException("a string of " + length + " bytes in what is left of the record");
    }
    byte[] utf8 = new byte[length];
    in.readFully(utf8);
    return new String(utf8, StandardCharsets.UTF_8);
  }

  @FunctionalInterface
  private interface StringReader {
    String read(DataInputStream in) throws IOException;
  }

  private static void writeBytes(DataOutputStream out, ByteBuffer buffer) throws IOException {
    byte[] array = new byte[buffer.remaining()];
    buffer.get(array);
    out.writeInt(array.length);
    out.write(array);
  }

  private static ByteBuffer readBytes(DataInputStream in) throws IOException {
    byte[] array = new byte[in.readInt()];
    in.readFully(array);
    return ByteBuffer.wrap(array);
  }

  private static void writeOptionalInt(DataOutputStream out, Integer value) throws IOException {
    out.writeBoolean(value != null);
    out.writeInt(value == null ? 0 : value);
  }

  private static void writeOptionalStrings(DataOutputStream out, List<String> values)
      throws IOException {
    out.writeInt(values == null ? -1 : values.size());
    if (values != null) {
      for (String value : values) {
        writeString(out, value);
      }
    }
  }

  /** The strings {@link #writeOptionalStrings} wrote; null when it wrote none (-1). */
  private static List<String> readOptionalStrings(DataInputStream in, StringReader strings)
      throws IOException {
    int count = in.readInt();
    if (count < 0) {
      return null;
    }
    if (count > in.available()) {
      throw new IOException(count + " strings in what is left of the record");
    }
    List<String> values = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      values.add(strings.read(in));
    }
    return values;
  }

  private static Integer readOptionalInt(DataInputStream in) throws IOException {
    boolean present = in.readBoolean();
    int value = in.readInt();
    return present ? value : null;
  }
}
