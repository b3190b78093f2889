package dev.perennial.trainer.shard;

import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.schemas.key.InvalidAdapterKeyException;
import dev.perennial.schemas.privacy.ExampleCrypto;
import dev.perennial.schemas.v1.ExampleKind;
import dev.perennial.schemas.v1.TrainingExample;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What of a {@link TrainingExample} is trained on, by kind: TEXT its text and SFT its prompt and
 * completion (language-model loss); PREFERENCE and CORRECTION the prompt with the chosen and the
 * rejected answer (a pair), RATING the prompt with the rated answer and its label (feedback
 * objectives, see the worker's {@code FeedbackExamples}). {@link #problems} and {@link #tokens}
 * also read an encrypted example (from its sealed fields' lengths), so the accumulator counts and
 * checks examples without decrypting them.
 */
public final class ExampleContent {

  private ExampleContent() {}

  /** Why the example cannot be trained on; empty when it can. */
  public static List<String> problems(TrainingExample example) {
    List<String> problems = new ArrayList<>();
    adapterKeyProblem(example).ifPresent(problems::add);
    switch (example.getKind()) {
      case TEXT -> requireText(example, "text", problems);
      case SFT -> {
        requireText(example, "prompt", problems);
        requireText(example, "completion", problems);
      }
      case PREFERENCE, CORRECTION -> {
        requireText(example, "prompt", problems);
        requireText(example, "chosen", problems);
        requireText(example, "rejected", problems);
      }
      case RATING -> {
        requireText(example, "prompt", problems);
        requireText(example, "completion", problems);
        if (example.getDesirable() == null) {
          problems.add("desirable is missing");
        }
      }
      default -> problems.add("kind " + example.getKind() + " cannot be trained on");
    }
    return problems;
  }

  /** Whether the example is trained by a feedback objective (PREFERENCE, RATING, CORRECTION). */
  public static boolean isFeedback(TrainingExample example) {
    return switch (example.getKind()) {
      case PREFERENCE, RATING, CORRECTION -> true;
      default -> false;
    };
  }

  /** Whether the example holds an answer to learn: every kind but an undesirable rating. */
  public static boolean hasGoodAnswer(TrainingExample example) {
    return example.getKind() != ExampleKind.RATING || Boolean.TRUE.equals(example.getDesirable());
  }

  /** The prompt the loss ignores: empty for TEXT. */
  public static String prompt(TrainingExample example) {
    return switch (example.getKind()) {
      case SFT, PREFERENCE, RATING, CORRECTION -> example.getPrompt();
      default -> "";
    };
  }

  /**
   * The text the example is about: the text, the completion, the chosen answer (or correction), the
   * rated answer.
   */
  public static String target(TrainingExample example) {
    return switch (example.getKind()) {
      case TEXT -> example.getText();
      case SFT, RATING -> example.getCompletion();
      case PREFERENCE, CORRECTION -> example.getChosen();
      default ->
          throw new IllegalArgumentException("kind " + example.getKind() + " is not trained");
    };
  }

  /**
   * Tokens the example feeds the model, counted as UTF-8 bytes of prompt and target (a pair: the
   * prompt with each answer): exact for the bundled byte-level base, an overestimate for subword
   * tokenizers.
   */
  public static long tokens(TrainingExample example) {
    return switch (example.getKind()) {
      case TEXT -> ExampleCrypto.contentBytes(example, "text");
      case SFT ->
          ExampleCrypto.contentBytes(example, "prompt")
              + ExampleCrypto.contentBytes(example, "completion");
      case RATING ->
          ExampleCrypto.contentBytes(example, "prompt")
              + ExampleCrypto.contentBytes(example, "completion");
      case PREFERENCE, CORRECTION ->
          2 * ExampleCrypto.contentBytes(example, "prompt")
              + ExampleCrypto.contentBytes(example, "chosen")
              + ExampleCrypto.contentBytes(example, "rejected");
      default ->
          throw new IllegalArgumentException("kind " + example.getKind() + " is not trained");
    };
  }

  private static Optional<String> adapterKeyProblem(TrainingExample example) {
    AdapterKey key;
    try {
      key = AdapterKey.parse(example.getAdapterKey());
    } catch (InvalidAdapterKeyException e) {
      return Optional.of(e.getMessage());
    }
    if (!key.tenant().equals(example.getTenant())) {
      return Optional.of(
          "adapter key " + key + " does not belong to tenant " + example.getTenant());
    }
    return Optional.empty();
  }

  private static void requireText(TrainingExample example, String field, List<String> problems) {
    if (ExampleCrypto.contentBytes(example, field) == 0) {
      problems.add(field + " is missing");
    }
  }
}
