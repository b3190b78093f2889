package dev.perennial.model.tokenizer;

import dev.perennial.model.ModelException;
import dev.perennial.model.tokenizer.chat.ChatTemplate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
 * The tenant's text is untrusted: it is encoded with special-token texts as plain text ({@link
 * TextTokenizer#encodeText}), so a literal {@code <|im_end|>} or {@code </s>} in a document forges
 * no turn or end of sequence; control tokens come only from BOS and EOS placed here and from the
 * chat template's own text. When the tenant's text holds such a text, the template's pieces and the
 * tenant's are encoded apart (the template rendered around placeholders); otherwise the rendering
 * is encoded whole, as before.
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

  /** Where the chat template renders the user's text (a private-use character). */
  private static final String USER_SLOT = "\uE000";

  /** Where the chat template renders the assistant's text. */
  private static final String ANSWER_SLOT = "\uE001";

  /** A text example: loss on every token. */
  public static Sequence text(TextTokenizer tokenizer, String text) {
    int[] ids = tokenizer.encodeText(text).ids();
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
    ChatTemplate template = tokenizer.chatTemplate();
    if (template == null) {
      return marked(
          tokenizer, tokenizer.encodeText(prompt + completion), prompt.length(), true, true);
    }
    if (!holdsSpecialText(tokenizer, prompt) && !holdsSpecialText(tokenizer, completion)) {
      ChatTemplate.Exchange exchange = template.exchange(prompt, completion);
      return marked(
          tokenizer,
          tokenizer.encodeWithEnds(exchange.full()),
          exchange.prompt().length(),
          false,
          false);
    }
    ChatTemplate.Exchange slots = template.exchange(USER_SLOT, ANSWER_SLOT);
    int answerFrom = slots.prompt().length() - USER_SLOT.length() + prompt.length();
    TextTokenizer.Encoded encoded =
        encodeAround(tokenizer, slots.full(), Map.of(USER_SLOT, prompt, ANSWER_SLOT, completion));
    return marked(tokenizer, encoded, answerFrom, false, false);
  }

  /** The ids generation starts from: the prompt as training showed it, up to the answer. */
  public static int[] prompt(TextTokenizer tokenizer, String prompt) {
    ChatTemplate template = tokenizer.chatTemplate();
    if (template != null) {
      if (!holdsSpecialText(tokenizer, prompt)) {
        return tokenizer.encode(template.exchangePrompt(prompt));
      }
      return encodeAround(tokenizer, template.exchangePrompt(USER_SLOT), Map.of(USER_SLOT, prompt))
          .ids();
    }
    int[] ids = tokenizer.encodeText(prompt).ids();
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
      TextTokenizer tokenizer,
      TextTokenizer.Encoded encoded,
      int answerFrom,
      boolean addBos,
      boolean addEos) {
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

  /**
   * Encodes a template's rendering around its slots: the template's pieces with their control
   * tokens, each slot's tenant text as plain text; ends count in the text with the slots filled.
   *
   * @throws ModelException when the template does not render each slot exactly once as given
   */
  private static TextTokenizer.Encoded encodeAround(
      TextTokenizer tokenizer, String rendered, Map<String, String> slots) {
    List<TextTokenizer.Encoded> pieces = new ArrayList<>();
    List<Integer> offsets = new ArrayList<>();
    Set<String> placed = new HashSet<>();
    int at = 0; // in the rendering
    int filled = 0; // the same place in the text with the slots filled
    while (true) {
      int next = rendered.length();
      String slot = null;
      for (String candidate : slots.keySet()) {
        int found = rendered.indexOf(candidate, at);
        if (found >= 0 && found < next) {
          next = found;
          slot = candidate;
        }
      }
      String own = rendered.substring(at, next);
      pieces.add(tokenizer.encodeWithEnds(own));
      offsets.add(filled);
      filled += own.length();
      if (slot == null) {
        break;
      }
      if (!placed.add(slot)) {
        throw new ModelException(
            "the chat template renders a message's text more than once, so untrusted text holding"
                + " a special token's text cannot be placed in it");
      }
      String tenant = slots.get(slot);
      pieces.add(tokenizer.encodeText(tenant));
      offsets.add(filled);
      filled += tenant.length();
      at = next + slot.length();
    }
    if (placed.size() != slots.size()) {
      throw new ModelException(
          "the chat template does not render every message's text as given, so untrusted text"
              + " holding a special token's text cannot be placed in it");
    }
    int length = pieces.stream().mapToInt(piece -> piece.ids().length).sum();
    int[] ids = new int[length];
    int[] ends = new int[length];
    int token = 0;
    for (int p = 0; p < pieces.size(); p++) {
      TextTokenizer.Encoded piece = pieces.get(p);
      for (int i = 0; i < piece.ids().length; i++, token++) {
        ids[token] = piece.ids()[i];
        ends[token] = offsets.get(p) + piece.ends()[i];
      }
    }
    return new TextTokenizer.Encoded(ids, ends);
  }

  /** Whether the text holds the text of one of the tokenizer's special tokens. */
  private static boolean holdsSpecialText(TextTokenizer tokenizer, String text) {
    for (String special : tokenizer.specialTokenTexts()) {
      if (!special.isEmpty() && text.contains(special)) {
        return true;
      }
    }
    return false;
  }
}
