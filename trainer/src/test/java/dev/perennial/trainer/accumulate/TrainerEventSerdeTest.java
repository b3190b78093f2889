package dev.perennial.trainer.accumulate;

import static dev.perennial.trainer.testing.Examples.at;
import static dev.perennial.trainer.testing.Examples.sft;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.schemas.evolution.SchemaHistory;
import dev.perennial.schemas.v1.ErasureRequest;
import dev.perennial.schemas.v1.SourceRef;
import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.trainer.accumulate.TrainerEvent.CandidateArrived;
import dev.perennial.trainer.accumulate.TrainerEvent.ErasureArrived;
import dev.perennial.trainer.accumulate.TrainerEvent.ExampleArrived;
import dev.perennial.trainer.accumulate.TrainerEvent.InsufficientEvidence;
import dev.perennial.trainer.accumulate.TrainerEvent.JobGivenUp;
import dev.perennial.trainer.accumulate.TrainerEvent.RebaseRefused;
import dev.perennial.trainer.accumulate.TrainerEvent.ReleaseArrived;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.shard.SourcedExample;
import dev.perennial.trainer.testing.TestConfigs;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TrainerEventSerdeTest {

  private final TrainerEventSerde serde = new TrainerEventSerde();

  @Test
  void everyKindOfEventReadsBackEqual() {
    List<TrainerEvent> events =
        List.of(
            new ExampleArrived(at(1, 42, sft("acme/support", "p-1", "Q?", " A."))),
            new ErasureArrived(
                ErasureRequest.newBuilder()
                    .setRequestId("erase-1")
                    .setTenant("acme")
                    .setSubjectPseudonym("p-1")
                    .setRevokedAt(Instant.ofEpochMilli(5))
                    .setSource(new SourceRef("perennial.consent.v1", 0, 3L))
                    .build()),
            new CandidateArrived("acme/support", "c-1", "j-1", 4),
            new CandidateArrived("acme/support", "c-2", "j-2", null),
            new CandidateArrived("acme/support", "c-5", "j-5", null, 3),
            new CandidateArrived("acme/support", "c-6", "j-6", 5, null, List.of("ab", "cd")),
            new CandidateArrived("acme/support", "c-7", "j-7", null, null, List.of()),
            new ReleaseArrived("acme/support", 7, "c-1"),
            new ReleaseArrived("acme/support", 9, "c-6", List.of(), List.of("ab", "cd")),
            new ReleaseArrived(
                "acme/support",
                8,
                "c-3",
                List.of(
                    new StableOnBase("ab", "perennial-tiny", 7, "loc-7", "m7"),
                    new StableOnBase("cd", "perennial-tiny-2", 8, "loc-8", "m8"))),
            new InsufficientEvidence("acme/support", "c-3", "j-3"),
            new RebaseRefused("acme/support", "c-4", "j-4"),
            new JobGivenUp("acme/support", "j-5", "SKIPPED TOKENIZER_CHANGED"));

    for (TrainerEvent event : events) {
      byte[] bytes = serde.serializer().serialize("t", event);
      assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(event);
    }
  }

  @Test
  void aCandidateWrittenBeforeMovedVersionsWereCarriedReadsWithNone() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(1); // format
      out.writeByte(3); // the candidate type as written before
      out.writeUTF("acme/support");
      out.writeUTF("c-1");
      out.writeUTF("j-1");
      out.writeBoolean(true);
      out.writeInt(4);
    }

    assertThat(serde.deserializer().deserialize("t", bytes.toByteArray()))
        .isEqualTo(new CandidateArrived("acme/support", "c-1", "j-1", 4, null));
  }

  @Test
  void aCandidateWrittenBeforeWeightBlobsWereCarriedReadsWithNone() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(2); // format
      out.writeByte(8); // the candidate type with the moved version, as written before
      for (String text : List.of("acme/support", "c-1", "j-1")) {
        byte[] utf8 = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
      }
      out.writeBoolean(true);
      out.writeInt(4);
      out.writeBoolean(false);
      out.writeInt(0);
    }

    CandidateArrived read =
        (CandidateArrived) serde.deserializer().deserialize("t", bytes.toByteArray());
    assertThat(read).isEqualTo(new CandidateArrived("acme/support", "c-1", "j-1", 4, null));
    assertThat(read.weightBlobs()).isNull();
  }

  static Stream<Arguments> publishedTrainingExampleVersions() {
    // Surefire runs in the module folder.
    List<Schema> versions =
        SchemaHistory.load(Path.of("../schemas/src/main/avro-history")).versions("TrainingExample");
    return IntStream.range(0, versions.size()).mapToObj(i -> Arguments.of(i + 1, versions.get(i)));
  }

  @ParameterizedTest(name = "TrainingExample v{0}")
  @MethodSource("publishedTrainingExampleVersions")
  void aPendingExampleWrittenWithAnEarlierPublishedSchemaStillReads(int version, Schema writer)
      throws IOException {
    // A trainer of an earlier release wrote it, to the repartition topic or the pending store,
    // with the TrainingExample schema of its day.
    SourcedExample pending = at(1, 42, sft("acme/support", "p-1", "Q?", " A."));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(2); // format
      out.writeByte(1); // example
      byte[] topic = pending.position().topic().getBytes(StandardCharsets.UTF_8);
      out.writeInt(topic.length);
      out.write(topic);
      out.writeInt(pending.position().partition());
      out.writeLong(pending.position().offset());
      byte[] avro =
          new BinaryMessageEncoder<GenericRecord>(GenericData.get(), writer)
              .encode(as(pending.example(), writer))
              .array();
      out.writeInt(avro.length);
      out.write(avro);
    }

    assertThat(serde.deserializer().deserialize("t", bytes.toByteArray()))
        .isEqualTo(new ExampleArrived(pending));
    assertThat(
            TrainerEventSerde.sourcedExamples()
                .deserializer()
                .deserialize("t", bytes.toByteArray()))
        .isEqualTo(pending);
  }

  /** {@code example} as a record of the older schema {@code writer}. */
  private static GenericRecord as(TrainingExample example, Schema writer) throws IOException {
    ByteArrayOutputStream current = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(current, null);
    new SpecificDatumWriter<>(TrainingExample.class).write(example, encoder);
    encoder.flush();
    return new GenericDatumReader<GenericRecord>(TrainingExample.getClassSchema(), writer)
        .read(null, DecoderFactory.get().binaryDecoder(current.toByteArray(), null));
  }

  @Test
  void bytesOfAnotherFormatAreRefusedByName() {
    assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {9, 1}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("Unknown trainer event format 9");
  }

  @Test
  void aStringLongerThanWhatIsLeftOfTheBytesIsRefusedWithoutAllocatingIt() {
    // format 2, a candidate, then a first string that claims 2 GiB
    byte[] bytes = {2, 8, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 'a'};
    assertThatThrownBy(() -> serde.deserializer().deserialize("t", bytes))
        .isInstanceOf(SerializationException.class)
        .hasRootCauseMessage("a string of 2147483647 bytes in what is left of the record");
  }

  @Test
  void eventsWrittenWithShortStringsStillRead() throws Exception {
    ExampleArrived pending = new ExampleArrived(at(1, 42, sft("acme/support", "p-1", "Q?", " A.")));
    ByteArrayOutputStream example = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(example)) {
      out.writeByte(1); // the format before strings had an int length
      out.writeByte(1); // example
      out.writeUTF(pending.example().position().topic());
      out.writeInt(pending.example().position().partition());
      out.writeLong(pending.example().position().offset());
      byte[] avro = pending.example().example().toByteBuffer().array();
      out.writeInt(avro.length);
      out.write(avro);
    }
    ByteArrayOutputStream release = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(release)) {
      out.writeByte(1);
      out.writeByte(6); // release with stables
      out.writeUTF("acme/support");
      out.writeInt(8);
      out.writeUTF("c-3");
      out.writeInt(1);
      out.writeUTF("ab");
      out.writeUTF("perennial-tiny");
      out.writeInt(7);
      out.writeUTF("loc-7");
      out.writeUTF("m7");
    }

    assertThat(serde.deserializer().deserialize("t", example.toByteArray())).isEqualTo(pending);
    assertThat(serde.deserializer().deserialize("t", release.toByteArray()))
        .isEqualTo(
            new ReleaseArrived(
                "acme/support",
                8,
                "c-3",
                List.of(new StableOnBase("ab", "perennial-tiny", 7, "loc-7", "m7"))));
  }

  @Test
  void aCandidateIdOver64KiBPassesTheRepartitionAndTheNextRecordFollows(@TempDir Path folder) {
    // A schema-valid candidates.v1 record may carry ids far longer than 65,535 bytes (the most
    // DataOutputStream.writeUTF writes); the production path to the repartition topic, with the
    // accumulator's Streams properties, must pass it on instead of failing the task. A String
    // source stands in for the registry serde.
    Map<String, String> values = TestConfigs.tinyRecipe(folder);
    values.put("state.dir", folder.resolve("state").toString());
    TrainerConfig config = new TrainerConfig(values);
    StreamsBuilder builder = new StreamsBuilder();
    List<TrainerEvent> processed = new ArrayList<>();
    builder.stream("candidates", Consumed.with(Serdes.String(), Serdes.String()))
        .mapValues(
            id -> (TrainerEvent) new CandidateArrived("acme/support", id, "acme/support@1-a", 1))
        .selectKey((key, event) -> event.tenant())
        .repartition(
            Repartitioned.with(Serdes.String(), new TrainerEventSerde())
                .withName(AccumulatorTopology.EVENTS_BY_TENANT))
        .foreach((key, event) -> processed.add(event));
    Properties properties = new Properties();
    properties.putAll(TrainerAccumulator.streamsProperties(config));
    try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), properties)) {
      TestInputTopic<String, String> candidates =
          driver.createInputTopic("candidates", new StringSerializer(), new StringSerializer());

      candidates.pipeInput("acme/support", "c".repeat(70_000));
      candidates.pipeInput("acme/support", "acme/support@2-b#candidate");

      assertThat(processed)
          .extracting(event -> ((CandidateArrived) event).candidateId())
          .containsExactly("c".repeat(70_000), "acme/support@2-b#candidate");
    }
  }
}
