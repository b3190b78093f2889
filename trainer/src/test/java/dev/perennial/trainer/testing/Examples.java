package dev.perennial.trainer.testing;

import dev.perennial.core.crypto.Digest;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.v1.ExampleKind;
import dev.perennial.schemas.v1.SourceRef;
import dev.perennial.schemas.v1.TrainingExample;
import dev.perennial.trainer.shard.HeldOutSplit;
import dev.perennial.trainer.shard.SourcePosition;
import dev.perennial.trainer.shard.SourcedExample;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/** Training examples for tests: ids are the SHA-256 of the content, as ingest makes them. */
public final class Examples {

  public static final String EXAMPLES_TOPIC = "perennial.examples.v1";
  private static final Instant AT = Instant.parse("2026-01-02T03:04:05Z");

  private Examples() {}

  /** A TEXT example of {@code adapterKey} (tenant = the part before the slash). */
  public static TrainingExample text(String adapterKey, String subject, String text) {
    String tenant = AdapterKey.parse(adapterKey).tenant();
    return TrainingExample.newBuilder()
        .setExampleId(id(adapterKey + "\n" + subject + "\n" + text))
        .setAdapterKey(adapterKey)
        .setTenant(tenant)
        .setSubjectPseudonym(subject)
        .setKind(ExampleKind.TEXT)
        .setText(text)
        .setSource(new SourceRef("perennial.documents.v1", 0, 0L))
        .setEventId("event-" + text.hashCode())
        .setConsentVersion("consent-1")
        .setRedactions(Map.of())
        .setOccurredAt(AT)
        .setIngestedAt(AT)
        .build();
  }

  /** An SFT example. */
  public static TrainingExample sft(
      String adapterKey, String subject, String prompt, String completion) {
    TrainingExample example = text(adapterKey, subject, prompt + completion);
    example.setKind(ExampleKind.SFT);
    example.setText(null);
    example.setPrompt(prompt);
    example.setCompletion(completion);
    return example;
  }

  /** A PREFERENCE example: {@code chosen} over {@code rejected}. */
  public static TrainingExample preference(
      String adapterKey, String subject, String prompt, String chosen, String rejected) {
    return pair(ExampleKind.PREFERENCE, adapterKey, subject, prompt, chosen, rejected);
  }

  /** A CORRECTION example: {@code corrected} chosen over the {@code original} response. */
  public static TrainingExample correction(
      String adapterKey, String subject, String prompt, String corrected, String original) {
    return pair(ExampleKind.CORRECTION, adapterKey, subject, prompt, corrected, original);
  }

  /** A RATING example of {@code answer}, desirable or not. */
  public static TrainingExample rating(
      String adapterKey, String subject, String prompt, String answer, boolean desirable) {
    TrainingExample example = sft(adapterKey, subject, prompt, answer);
    example.setExampleId(id(adapterKey + "\n" + subject + "\n" + prompt + answer + desirable));
    example.setKind(ExampleKind.RATING);
    example.setDesirable(desirable);
    example.setRating(desirable ? 5 : 1);
    return example;
  }

  private static TrainingExample pair(
      ExampleKind kind,
      String adapterKey,
      String subject,
      String prompt,
      String chosen,
      String rejected) {
    TrainingExample example = text(adapterKey, subject, kind + prompt + chosen + "\n" + rejected);
    example.setKind(kind);
    example.setText(null);
    example.setPrompt(prompt);
    example.setChosen(chosen);
    example.setRejected(rejected);
    return example;
  }

  public static SourcedExample at(int partition, long offset, TrainingExample example) {
    return new SourcedExample(new SourcePosition(EXAMPLES_TOPIC, partition, offset), example);
  }

  /** Examples made in order until {@code trained} of them are on the training side. */
  public static List<TrainingExample> untilTrained(
      HeldOutSplit split, int trained, IntFunction<TrainingExample> make) {
    List<TrainingExample> examples = new ArrayList<>();
    int count = 0;
    for (int i = 0; count < trained; i++) {
      TrainingExample example = make.apply(i);
      examples.add(example);
      count += split.isHeldOut(example.getExampleId()) ? 0 : 1;
    }
    return examples;
  }

  public static String id(String content) {
    return Digest.of(content.getBytes(StandardCharsets.UTF_8)).hex();
  }
}
