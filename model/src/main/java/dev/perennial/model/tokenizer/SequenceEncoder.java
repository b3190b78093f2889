package dev.perennial.model.tokenizer;

import dev.perennial.model.ModelException;
import dev.perennial.model.tokenizer.chat.ChatTemplate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How text and a tenant's exchanges become token sequences for one base model, the same way in
 * training, scoring and generation:
 *
 * <ul>
 *   <li>text: {@code [BOS] text EOS}, every token a loss target; BOS only when the tokenizer starts
 *       sequences with one;
 *   <li>a prompt and its completion on a base without a chat template: {@code [BOS]
 *       prompt+completion EOS}, the two texts tokenized <em>together</em> (separately, subword
 *       merges at the boundary would differ from what the model reads); a token is a loss target
 *       when its text ends after the prompt, so a token straddling the boundary counts as
 *       completion;
 *   <li>a prompt and its completion on a base with a chat template: the template renders the
 *       conversation {@code [user: prompt, assistant: completion]}; the loss is on the tokens that
 *       end after the rendering of {@code [user: prompt]} with the assistant's turn opened (the
 *       answer and the template's end-of-turn marker); nothing is added around what the template
 *       renders (its own BOS text, if it writes one, is the BOS);
 *   <li>a generation prompt: the same prompt rendering, without the answer.
 * </ul>
 *
 * Text that contains one of the tokenizer's special tokens (say {@code <|im_end|>} in a user's
 * message) is refused, so no example can forge a turn or an end of sequence.
 */
public final class SequenceEncoder {

  private SequenceEncoder() {}

  /**
   * Token ids and, for each, whether it is a loss target.
   *
   * @param counted counted[i] says whether tokens[i] is predicted in the loss (counted[0] is always
   *     false: nothing predicts the first token)
   */
  public record Sequence(int[] tokens, boolean[] counted) {}

  /** A text example: loss on every token. */
  public static Sequence text(TextTokenizer tokenizer, String text) {
    checkContent(tokenizer, text);
    int[] ids = tokenizer.encode(text);
    int offset = tokenizer.bosId() >= 0 ? 1 : 0;
    int[] tokens = new int[offset + ids.length + 1];
    boolean[] counted = new boolean[tokens.length];
    if (offset == 1) {
      tokens[0] = tokenizer.bosId();
    }
    System.arraycopy(ids, 0, tokens, offset, ids.length);
    tokens[tokens.length - 1] = tokenizer.eosId();
    Arrays.fill(counted, 1, counted.length, true);
    return new Sequence(tokens, counted);
  }

  /** A prompt and its completion: loss on the completion only. */
  public static Sequence completion(TextTokenizer tokenizer, String prompt, String completion) {
    checkContent(tokenizer, prompt);
    checkContent(tokenizer, completion);
    ChatTemplate template = tokenizer.chatTemplate();
    if (template != null) {
      ChatTemplate.Exchange exchange = template.exchange(prompt, completion);
      return marked(tokenizer, exchange.full(), exchange.prompt().length(), false, false);
    }
    return marked(tokenizer, prompt + completion, prompt.length(), true, true);
  }

  /** The ids generation starts from: the prompt as training showed it, up to the answer. */
  public static int[] prompt(TextTokenizer tokenizer, String prompt) {
    checkContent(tokenizer, prompt);
    ChatTemplate template = tokenizer.chatTemplate();
    if (template != null) {
      return tokenizer.encode(template.exchangePrompt(prompt));
    }
    int[] ids = tokenizer.encode(prompt);
    if (tokenizer.bosId() < 0) {
      if (ids.length == 0) {
        throw new ModelException(
            "this tokenizer starts sequences with no BOS token, so generation needs a non-empty"
                + " prompt");
      }
      return ids;
    }
    int[] withBos = new int[ids.length + 1];
    withBos[0] = tokenizer.bosId();
    System.arraycopy(ids, 0, withBos, 1, ids.length);
    return withBos;
  }

  private static Sequence marked(
      TextTokenizer tokenizer, String text, int answerFrom, boolean addBos, boolean addEos) {
    TextTokenizer.Encoded encoded = tokenizer.encodeWithEnds(text);
    int offset = addBos && tokenizer.bosId() >= 0 ? 1 : 0;
    int length = offset + encoded.ids().length + (addEos ? 1 : 0);
    int[] tokens = new int[length];
    boolean[] counted = new boolean[length];
    if (offset == 1) {
      tokens[0] = tokenizer.bosId();
    }
    for (int i = 0; i < encoded.ids().length; i++) {
      tokens[offset + i] = encoded.ids()[i];
      counted[offset + i] = encoded.ends()[i] > answerFrom;
    }
    if (addEos) {
      tokens[length - 1] = tokenizer.eosId();
      counted[length - 1] = true;
    }
    counted[0] = false;
    return new Sequence(tokens, counted);
  }

  /** Refuses text holding any of the tokenizer's special tokens, naming every one it holds. */
  public static void checkContent(TextTokenizer tokenizer, String text) {
    List<String> found = new ArrayList<>();
    for (String special : tokenizer.specialTokenTexts()) {
      if (!special.isEmpty() && text.contains(special)) {
        found.add(special);
      }
    }
    if (!found.isEmpty()) {
      throw new ModelException(
          "example text contains the special token"
              + (found.size() > 1 ? "s " : " ")
              + String.join(", ", found)
              + ", which the tokenizer would read as "
              + (found.size() > 1 ? "those tokens" : "that token")
              + "; refused");
    }
  }
}
