package dev.perennial.trainer.shard;

import dev.perennial.schemas.privacy.ExampleCrypto;
import dev.perennial.schemas.v1.TrainingExample;
import java.util.ArrayList;
import java.util.List;

/**
 * What of a {@link TrainingExample} is trained on, by kind: TEXT its text, SFT its prompt and
 * completion, PREFERENCE its prompt and chosen answer (trained as a completion; the rejected answer
 * is kept but not trained on). {@link #problems} and {@link #tokens} also read an encrypted example
 * (from its sealed fields' lengths), so the accumulator counts and checks examples without
 * decrypting them.
 */
public final class ExampleContent {

  private ExampleContent() {}

  /** Why the example cannot be trained on; empty when it can. */
  public static List<String> problems(TrainingExample example) {
    List<String> problems = new ArrayList<>();
    if (!example.getAdapterKey().startsWith(example.getTenant() + "/")) {
      problems.add(
          "adapter key "
              + example.getAdapterKey()
              + " does not belong to tenant "
              + example.getTenant());
    }
    switch (example.getKind()) {
      case TEXT -> requireText(example, "text", problems);
      case SFT -> {
        requireText(example, "prompt", problems);
        requireText(example, "completion", problems);
      }
      case PREFERENCE -> {
        requireText(example, "prompt", problems);
        requireText(example, "chosen", problems);
      }
      default -> problems.add("kind " + example.getKind() + " cannot be trained on");
    }
    return problems;
  }

  /** The prompt the loss ignores: empty for TEXT. */
  public static String prompt(TrainingExample example) {
    return switch (example.getKind()) {
      case SFT, PREFERENCE -> example.getPrompt();
      default -> "";
    };
  }

  /** The text the loss is on: the text, the completion or the chosen answer. */
  public static String target(TrainingExample example) {
    return switch (example.getKind()) {
      case TEXT -> example.getText();
      case SFT -> example.getCompletion();
      case PREFERENCE -> example.getChosen();
      default ->
          throw new IllegalArgumentException("kind " + example.getKind() + " is not trained");
    };
  }

  /**
   * Tokens the example feeds the model, counted as UTF-8 bytes of prompt and target: exact for the
   * bundled byte-level base, an overestimate for subword tokenizers.
   */
  public static long tokens(TrainingExample example) {
    return switch (example.getKind()) {
      case TEXT -> ExampleCrypto.contentBytes(example, "text");
      case SFT ->
          ExampleCrypto.contentBytes(example, "prompt")
              + ExampleCrypto.contentBytes(example, "completion");
      case PREFERENCE ->
          ExampleCrypto.contentBytes(example, "prompt")
              + ExampleCrypto.contentBytes(example, "chosen");
      default ->
          throw new IllegalArgumentException("kind " + example.getKind() + " is not trained");
    };
  }

  private static void requireText(TrainingExample example, String field, List<String> problems) {
    if (ExampleCrypto.contentBytes(example, field) == 0) {
      problems.add(field + " is missing");
    }
  }
}
