package dev.perennial.evaluator.suite;

import dev.perennial.core.crypto.Digest;
import dev.perennial.core.store.ArtifactStore;
import dev.perennial.evaluator.UnusableCandidateException;
import dev.perennial.evaluator.gate.GateNames;
import dev.perennial.schemas.v1.TrainingExample;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * Reads the trainer's held-out shards (trainer/README.md, "Shards": an Avro object container file
 * of {@code TrainingExample}s whose metadata names format, tenant, adapter key and split). A shard
 * of another tenant or adapter key, or one holding an example of anyone else, is refused before any
 * example is used.
 */
public final class HeldOutShards {

  static final String FORMAT_KEY = "perennial.shard.format";
  static final String FORMAT_VERSION = "1";
  static final String TENANT_KEY = "perennial.tenant";
  static final String ADAPTER_KEY_KEY = "perennial.adapter.key";

  private HeldOutShards() {}

  /**
   * The examples of the shard stored under {@code digest}, checked against its digest.
   *
   * @throws dev.perennial.core.store.ArtifactNotFoundException when there is no such blob
   * @throws dev.perennial.core.store.CorruptArtifactException when it does not match its digest
   * @throws UnusableCandidateException (gate {@value GateNames#INTEGRITY}) when the blob is no
   *     shard, or a shard of someone else
   */
  public static List<EvalExample> read(
      ArtifactStore store, Digest digest, String tenant, String adapterKey) {
    byte[] content = store.read(digest);
    try (DataFileStream<TrainingExample> stream =
        new DataFileStream<>(
            new ByteArrayInputStream(content), new SpecificDatumReader<>(TrainingExample.class))) {
      if (!FORMAT_VERSION.equals(stream.getMetaString(FORMAT_KEY))) {
        throw new UnusableCandidateException(
            GateNames.INTEGRITY, "Blob " + digest + " is not a shard of format " + FORMAT_VERSION);
      }
      requireOwner(digest, "tenant", stream.getMetaString(TENANT_KEY), tenant);
      requireOwner(digest, "adapter key", stream.getMetaString(ADAPTER_KEY_KEY), adapterKey);
      List<EvalExample> examples = new ArrayList<>();
      while (stream.hasNext()) {
        TrainingExample example = stream.next();
        requireOwner(digest, "example's tenant", example.getTenant(), tenant);
        requireOwner(digest, "example's adapter key", example.getAdapterKey(), adapterKey);
        EvalExample evaluated = toEvalExample(example);
        if (evaluated != null) {
          examples.add(evaluated);
        }
      }
      return examples;
    } catch (IOException | AvroRuntimeException e) {
      throw new UnusableCandidateException(
          GateNames.INTEGRITY, "Blob " + digest + " is not a readable shard: " + e, e);
    }
  }

  /**
   * What of an example is evaluated, as the answer the trainer teaches: TEXT its text, SFT its
   * prompt and completion, PREFERENCE and CORRECTION their prompt and chosen answer (with the
   * rejected answer, for the feedback suite's pairs), a desirable RATING its prompt and rated
   * answer; null for anything without those (an undesirable rating's answer is what not to say).
   */
  static EvalExample toEvalExample(TrainingExample example) {
    return switch (example.getKind()) {
      case TEXT -> nonEmpty(example.getText()) ? EvalExample.text(example.getText()) : null;
      case SFT ->
          nonEmpty(example.getPrompt()) && nonEmpty(example.getCompletion())
              ? EvalExample.question(example.getPrompt(), example.getCompletion())
              : null;
      case PREFERENCE, CORRECTION -> preference(example);
      case RATING ->
          Boolean.TRUE.equals(example.getDesirable())
                  && nonEmpty(example.getPrompt())
                  && nonEmpty(example.getCompletion())
              ? EvalExample.question(example.getPrompt(), example.getCompletion())
              : null;
      default -> null;
    };
  }

  /** A pair with both answers; its chosen answer alone when the rejected one is missing. */
  private static EvalExample preference(TrainingExample example) {
    if (!nonEmpty(example.getPrompt()) || !nonEmpty(example.getChosen())) {
      return null;
    }
    return nonEmpty(example.getRejected())
        ? EvalExample.preference(example.getPrompt(), example.getChosen(), example.getRejected())
        : EvalExample.question(example.getPrompt(), example.getChosen());
  }

  private static boolean nonEmpty(String value) {
    return value != null && !value.isEmpty();
  }

  private static void requireOwner(Digest digest, String what, String actual, String expected) {
    if (!expected.equals(actual)) {
      throw new UnusableCandidateException(
          GateNames.INTEGRITY,
          "Shard " + digest + ": " + what + " is " + actual + ", not " + expected + "; refused");
    }
  }
}
