package dev.perennial.model.tokenizer.chat;

import dev.perennial.model.ModelException;
import dev.perennial.model.tokenizer.chat.Nodes.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's chat template (the Jinja text in {@code tokenizer_config.json} or {@code
 * chat_template.jinja}), rendered the way transformers' {@code apply_chat_template} renders it:
 * Jinja with {@code trim_blocks} and {@code lstrip_blocks}, the variables {@code messages}, {@code
 * add_generation_prompt}, {@code tools} and {@code documents} (both None) and the special token
 * texts ({@code bos_token}, {@code eos_token}, {@code unk_token}, {@code pad_token}).
 *
 * <p>The renderer implements the Jinja subset real Llama 3 / 3.1 / 3.2, Qwen2 / 2.5 and Mistral
 * templates use (see {@link TemplateParser} and {@link TemplateFunctions}); a tag, filter, test,
 * method or function it does not implement is refused by name, never skipped. One deliberate
 * difference: {@code strftime_now} is not defined, so templates that put today's date in the system
 * prompt (Llama 3.2) fall back to their own fixed date, and the same conversation gives the same
 * tokens on every day.
 */
public final class ChatTemplate {

  private final String source;
  private final List<Statement> template;
  private final Map<String, Object> specialTokens;

  private ChatTemplate(String source, List<Statement> template, Map<String, Object> specialTokens) {
    this.source = source;
    this.template = template;
    this.specialTokens = specialTokens;
  }

  /**
   * Parses a template; a syntax error or a tag the renderer does not implement is refused here.
   *
   * @param specialTokens the texts of {@code bos_token}, {@code eos_token}, ... by variable name
   */
  public static ChatTemplate parse(String source, Map<String, String> specialTokens) {
    Map<String, Object> tokens = new HashMap<>();
    specialTokens.forEach((name, text) -> tokens.put(name, text));
    return new ChatTemplate(source, TemplateParser.parse(source), tokens);
  }

  public String source() {
    return source;
  }

  /** Renders a conversation; {@code addGenerationPrompt} opens the assistant's turn. */
  public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
    Map<String, Object> variables = new HashMap<>(specialTokens);
    List<Object> list = new ArrayList<>();
    for (ChatMessage message : messages) {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("role", message.role());
      map.put("content", message.content());
      list.add(map);
    }
    variables.put("messages", list);
    variables.put("add_generation_prompt", addGenerationPrompt);
    variables.put("tools", null);
    variables.put("documents", null);
    return TemplateRenderer.render(template, variables);
  }

  /**
   * A prompt and its answer as one rendered conversation: the user turn with the assistant's turn
   * opened ({@code prompt}), and the whole exchange ({@code full}), which starts with {@code
   * prompt}.
   */
  public record Exchange(String prompt, String full) {

    /** The assistant's part as the template renders it (its end-of-turn marker included). */
    public String answer() {
      return full.substring(prompt.length());
    }
  }

  /** The rendering of {@code [user: userText]} with the assistant's turn opened. */
  public String exchangePrompt(String userText) {
    return render(List.of(ChatMessage.user(userText)), true);
  }

  /**
   * Renders a single-turn exchange. A template whose full conversation does not start with its
   * prompt (so the answer's tokens could not be told apart) is refused.
   */
  public Exchange exchange(String userText, String assistantText) {
    String prompt = exchangePrompt(userText);
    String full =
        render(List.of(ChatMessage.user(userText), ChatMessage.assistant(assistantText)), false);
    if (!full.startsWith(prompt)) {
      throw new ModelException(
          "the chat template renders a conversation with an answer that does not start with the"
              + " same conversation's prompt, so the answer's tokens cannot be told apart");
    }
    return new Exchange(prompt, full);
  }
}
