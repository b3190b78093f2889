package dev.perennial.trainer.shard;

import static dev.perennial.trainer.testing.Examples.at;
import static dev.perennial.trainer.testing.Examples.sft;
import static dev.perennial.trainer.testing.Examples.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.schemas.v1.OffsetRange;
import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.trainer.TrainerException;
import dev.perennial.trainer.testing.Examples;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardFormatTest {

  @TempDir Path folder;

  private LocalArtifactStore store;

  private final Shard shard =
      new Shard(
          "acme",
          "acme/support",
          ShardSplit.TRAIN,
          null,
          List.of(
              at(0, 3, text("acme/support", "p-1", "The Zix lamp is teal.")),
              at(0, 4, sft("acme/support", "p-2", "Question: Zix colour?\nAnswer:", " teal")),
              at(1, 9, text("acme/support", "p-1", "The Zix lamp is made in Quorn."))));

  @BeforeEach
  void openStore() {
    store = new LocalArtifactStore(folder);
  }

  @Test
  void aShardReadsBackWithItsExamplesTheirPositionsAndItsOwner() {
    Digest digest = ShardWriter.write(store, shard);

    Shard read = ShardReader.read(store, digest, "acme", "acme/support");

    assertThat(read).isEqualTo(shard);
    assertThat(ShardReader.header(store, digest))
        .contains(new ShardHeader("acme", "acme/support", ShardSplit.TRAIN, null, 3));
  }

  @Test
  void theSameExamplesAlwaysGiveTheSameBytes() {
    byte[] first = ShardWriter.encode(shard);
    byte[] second =
        ShardWriter.encode(
            new Shard(
                "acme", "acme/support", ShardSplit.TRAIN, null, List.copyOf(shard.examples())));

    assertThat(second).isEqualTo(first);
    assertThat(
            ShardWriter.encode(
                new Shard("acme", "acme/support", ShardSplit.HELD_OUT, null, shard.examples())))
        .isNotEqualTo(first);
  }

  @Test
  void anyAvroReaderReadsTheExamplesAndTheTextStaysSearchable() throws Exception {
    byte[] bytes = ShardWriter.encode(shard);

    try (DataFileStream<TrainingExample> stream =
        new DataFileStream<>(
            new ByteArrayInputStream(bytes), new SpecificDatumReader<>(TrainingExample.class))) {
      assertThat(stream.getMetaString(ShardFormat.SOURCES_KEY))
          .isEqualTo(
              "perennial.examples.v1:0:3\nperennial.examples.v1:0:4\nperennial.examples.v1:1:9");
      assertThat((Iterable<TrainingExample>) stream).hasSize(3);
    }
    assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).contains("made in Quorn", "p-2");
  }

  @Test
  void aReaderOfAnotherTenantOrAdapterKeyIsRefused() {
    Digest digest = ShardWriter.write(store, shard);

    assertThatThrownBy(() -> ShardReader.read(store, digest, "globex", null))
        .isInstanceOf(ShardAccessException.class)
        .hasMessageContaining("belongs to tenant acme, not globex");
    assertThatThrownBy(() -> ShardReader.read(store, digest, "acme", "acme/sales"))
        .isInstanceOf(ShardAccessException.class)
        .hasMessageContaining("belongs to adapter key acme/support, not acme/sales");
  }

  @Test
  void anExampleOfAnotherKeyCannotBeWrittenIntoAShard() {
    Shard mixed =
        new Shard(
            "acme",
            "acme/support",
            ShardSplit.TRAIN,
            null,
            List.of(at(0, 1, text("acme/sales", "p-1", "Sales data."))));

    assertThatThrownBy(() -> ShardWriter.encode(mixed))
        .isInstanceOf(TrainerException.class)
        .hasMessageContaining("does not belong in a shard of acme/support");
  }

  @Test
  void aBlobThatIsNotAShardHasNoHeaderAndIsNotRead() {
    Digest digest = store.put("{\"files\":{}}".getBytes(StandardCharsets.UTF_8));

    assertThat(ShardReader.header(store, digest)).isEmpty();
    assertThatThrownBy(() -> ShardReader.read(store, digest, "acme", null))
        .isInstanceOf(TrainerException.class)
        .hasMessageContaining("is not a readable shard");
  }

  @Test
  void aRewriteLeavesTheSubjectOutAndNamesItsPredecessor() {
    Digest digest = ShardWriter.write(store, shard);

    Shard rewritten = shard.without("p-1", digest.hex());

    assertThat(rewritten.examples()).extracting(e -> e.position().offset()).containsExactly(4L);
    Digest written = ShardWriter.write(store, rewritten);
    assertThat(ShardReader.header(store, written).orElseThrow().predecessor())
        .isEqualTo(digest.hex());
  }

  @Test
  void positionsMergeIntoContiguousRangesPerPartition() {
    List<OffsetRange> ranges =
        Shard.offsetRanges(
            List.of(
                new SourcePosition("t", 0, 5),
                new SourcePosition("t", 0, 3),
                new SourcePosition("t", 0, 4),
                new SourcePosition("t", 0, 7),
                new SourcePosition("t", 1, 7)));

    assertThat(ranges)
        .containsExactly(
            new OffsetRange("t", 0, 3L, 6L),
            new OffsetRange("t", 0, 7L, 8L),
            new OffsetRange("t", 1, 7L, 8L));
  }

  @Test
  void tokensAreTheUtf8BytesOfWhatIsTrained() {
    assertThat(ExampleContent.tokens(text("acme/a", "p", "héllo"))).isEqualTo(6);
    assertThat(ExampleContent.tokens(sft("acme/a", "p", "Q:", " A"))).isEqualTo(4);
    // a pair feeds the prompt with each answer; a rating the prompt and its answer
    assertThat(ExampleContent.tokens(Examples.preference("acme/a", "p", "Q:", " A", " BB")))
        .isEqualTo(9);
    assertThat(ExampleContent.tokens(Examples.correction("acme/a", "p", "Q:", " A", " BB")))
        .isEqualTo(9);
    assertThat(ExampleContent.tokens(Examples.rating("acme/a", "p", "Q:", " A", false)))
        .isEqualTo(4);
  }

  @Test
  void feedbackExamplesNeedBothAnswersOfAPairAndTheLabelOfARating() {
    TrainingExample pair = Examples.preference("acme/a", "p", "Q:", " A", " B");
    pair.setRejected(null);
    TrainingExample rating = Examples.rating("acme/a", "p", "Q:", " A", true);
    rating.setDesirable(null);

    assertThat(ExampleContent.problems(pair)).containsExactly("rejected is missing");
    assertThat(ExampleContent.problems(rating)).containsExactly("desirable is missing");
    assertThat(ExampleContent.problems(Examples.correction("acme/a", "p", "Q:", " A", " B")))
        .isEmpty();
  }
}
