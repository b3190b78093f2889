package dev.perennial.evaluator.testing;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.v1.ExampleKind;
import dev.perennial.schemas.v1.SourceRef;
import dev.perennial.schemas.v1.TrainingExample;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;

/** Shards in the trainer's format (trainer/README.md, "Shards"), written into a store. */
public final class TestShards {

  private TestShards() {}

  /** A text example of the key. */
  public static TrainingExample text(String adapterKey, String text) {
    return example(adapterKey, ExampleKind.TEXT, text, null, null);
  }

  /** A question/answer example of the key (SFT). */
  public static TrainingExample question(String adapterKey, String prompt, String completion) {
    return example(adapterKey, ExampleKind.SFT, null, prompt, completion);
  }

  /** A preference pair of the key: {@code chosen} preferred over {@code rejected}. */
  public static TrainingExample preference(
      String adapterKey, String prompt, String chosen, String rejected) {
    TrainingExample pair =
        example(adapterKey, ExampleKind.PREFERENCE, null, prompt, chosen + "|" + rejected);
    pair.setCompletion(null);
    pair.setChosen(chosen);
    pair.setRejected(rejected);
    return pair;
  }

  private static TrainingExample example(
      String adapterKey, ExampleKind kind, String text, String prompt, String completion) {
    String content = kind + "|" + text + "|" + prompt + "|" + completion;
    return TrainingExample.newBuilder()
        .setExampleId(Digest.of(content.getBytes(StandardCharsets.UTF_8)).hex())
        .setAdapterKey(adapterKey)
        .setTenant(AdapterKey.parse(adapterKey).tenant())
        .setSubjectPseudonym("p-test")
        .setKind(kind)
        .setText(text)
        .setPrompt(prompt)
        .setCompletion(completion)
        .setSource(new SourceRef("perennial.documents.v1", 0, 0L))
        .setEventId("event-" + content.hashCode())
        .setConsentVersion("consent-1")
        .setRedactions(Map.of())
        .setOccurredAt(Instant.parse("2025-01-01T00:00:00Z"))
        .setIngestedAt(Instant.parse("2025-01-01T00:00:01Z"))
        .build();
  }

  /**
   * Stores the examples as a shard of {@code adapterKey} with the split given ({@code train} or
   * {@code held-out}); returns its digest (hex).
   */
  public static String store(
      ArtifactStore store, String adapterKey, String split, List<TrainingExample> examples) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<String> sources = new ArrayList<>();
    for (int i = 0; i < examples.size(); i++) {
      sources.add("perennial.examples.v1:0:" + i);
    }
    try (DataFileWriter<TrainingExample> writer =
        new DataFileWriter<>(new SpecificDatumWriter<>(TrainingExample.class))) {
      writer.setCodec(CodecFactory.nullCodec());
      writer.setMeta("perennial.shard.format", "1");
      writer.setMeta("perennial.tenant", AdapterKey.parse(adapterKey).tenant());
      writer.setMeta("perennial.adapter.key", adapterKey);
      writer.setMeta("perennial.split", split);
      writer.setMeta("perennial.sources", String.join("\n", sources));
      writer.create(TrainingExample.getClassSchema(), out);
      for (TrainingExample example : examples) {
        writer.append(example);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return store.put(out.toByteArray()).hex();
  }
}
