package dev.perennial.model.tokenizer.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.model.ModelException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The renderer gives what Jinja2 gives under transformers' settings, on the real Llama 3, Llama 3.1
 * and Qwen2.5 instruct templates and on a template that uses every construct it implements: the
 * expected texts come from {@code src/test/python/chat_template_reference.py} (Jinja2 itself).
 */
class ChatTemplateTest {

  @Test
  void realTemplatesRenderExactlyAsJinja2RendersThem() throws IOException {
    JsonNode expected = resource("expected.json");
    int checked = 0;
    for (JsonNode example : expected.get("cases")) {
      String name = example.get("template").asText();
      Map<String, String> specials = new LinkedHashMap<>();
      example
          .get("specials")
          .fields()
          .forEachRemaining(e -> specials.put(e.getKey(), e.getValue().asText()));
      ChatTemplate template = ChatTemplate.parse(text(name), specials);
      List<ChatMessage> messages = new ArrayList<>();
      for (JsonNode message : example.get("messages")) {
        messages.add(
            new ChatMessage(message.get("role").asText(), message.get("content").asText()));
      }

      String rendered = template.render(messages, example.get("add_generation_prompt").asBoolean());

      assertThat(rendered)
          .as(
              "%s, %d messages, add_generation_prompt %s",
              name, messages.size(), example.get("add_generation_prompt"))
          .isEqualTo(example.get("rendered").asText());
      checked++;
    }
    assertThat(checked).isEqualTo(32);
  }

  @Test
  void aWholeNumberOfTypeFloatPrintsAsPythonPrintsItWhateverTheDefaultLocale() {
    // what a template prints becomes the tokens an adapter trains on: it must not depend on the
    // machine's locale (a German one writes 2,0)
    ChatTemplate numbers = ChatTemplate.parse("{{ 4 / 2 }} {{ [1.0, 0.5] }}", Map.of());
    Locale before = Locale.getDefault();
    String rendered;
    try {
      Locale.setDefault(Locale.GERMANY);
      rendered = numbers.render(List.of(ChatMessage.user("hi")), false);
    } finally {
      Locale.setDefault(before);
    }

    assertThat(rendered).isEqualTo("2.0 [1.0, 0.5]");
  }

  @Test
  void anExchangeSplitsIntoThePromptAndTheAnswerWithItsEndOfTurn() throws IOException {
    ChatTemplate qwen =
        ChatTemplate.parse(text("qwen2.5-instruct.jinja"), Map.of("eos_token", "<|im_end|>"));

    ChatTemplate.Exchange exchange = qwen.exchange("Question: Where?\nAnswer:", " Aldermoor");

    assertThat(exchange.prompt())
        .endsWith("<|im_start|>user\nQuestion: Where?\nAnswer:<|im_end|>\n<|im_start|>assistant\n");
    assertThat(exchange.answer()).isEqualTo(" Aldermoor<|im_end|>\n");
  }

  @Test
  void whatTheRendererDoesNotImplementIsRefusedByName() {
    assertThatThrownBy(() -> ChatTemplate.parse("{% macro m() %}x{% endmacro %}", Map.of()))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("{% macro %}");
    ChatTemplate filter = ChatTemplate.parse("{{ messages[0].content | wordwrap(5) }}", Map.of());
    assertThatThrownBy(() -> filter.render(List.of(ChatMessage.user("hello there")), false))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("the filter 'wordwrap'");
    ChatTemplate today = ChatTemplate.parse("{{ strftime_now('%d %b %Y') }}", Map.of());
    assertThatThrownBy(() -> today.render(List.of(ChatMessage.user("hi")), false))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("strftime_now");
    // Python formats a string with '%'; the renderer does not, and says so rather than "refuses"
    ChatTemplate formatting = ChatTemplate.parse("{{ '%s!' % 'hi' }}", Map.of());
    assertThatThrownBy(() -> formatting.render(List.of(ChatMessage.user("hi")), false))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("formats a string with '%', which the renderer does not implement");
  }

  @Test
  void aStringTimesAnIntegerRepeatsItAsPythonDoes() {
    ChatTemplate repeats =
        ChatTemplate.parse(
            "{{ 'ab' * 3 }}|{{ 3 * 'ab' }}|{{ 'ab' * 0 }}|{{ 'ab' * -2 }}|{{ '-' * messages|length }}"
                + "|{{ ['x'] * 2 }}|{{ 'ab' * true }}",
            Map.of());

    assertThat(repeats.render(List.of(ChatMessage.user("a"), ChatMessage.assistant("b")), false))
        .isEqualTo("ababab|ababab|||--|['x', 'x']|ab");
    // Python refuses a count that is not an integer, and so does the renderer, saying why
    ChatTemplate byAFloat = ChatTemplate.parse("{{ 'ab' * 1.5 }}", Map.of());
    assertThatThrownBy(() -> byAFloat.render(List.of(ChatMessage.user("a")), false))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("repeats a string 1.5 times")
        .hasMessageContaining("the count must be an integer");
  }

  @Test
  void divisionByZeroIsRefusedAsPythonsZeroDivisionError() {
    for (String division :
        List.of("7 // 0", "7 % 0", "7 / 0", "7.5 // 0.0", "7.5 % 0", "1 / 0.0")) {
      ChatTemplate template = ChatTemplate.parse("{{ " + division + " }}", Map.of());
      assertThatThrownBy(() -> template.render(List.of(ChatMessage.user("a")), false))
          .as(division)
          .isInstanceOf(ModelException.class)
          .hasMessageContaining("divides by zero, which Python refuses (ZeroDivisionError)");
    }
  }

  @Test
  void integerArithmeticBeyondALongIsRefusedNotWrapped() {
    // Python's integers do not overflow; a long that wrapped would print a wrong number
    for (String overflow :
        List.of(
            "9223372036854775807 + 1",
            "-9223372036854775807 - 2",
            "4611686018427387904 * 2",
            "-(-9223372036854775807 - 1)",
            "(-9223372036854775807 - 1) // -1")) {
      ChatTemplate template = ChatTemplate.parse("{{ " + overflow + " }}", Map.of());
      assertThatThrownBy(() -> template.render(List.of(ChatMessage.user("a")), false))
          .as(overflow)
          .isInstanceOf(ModelException.class)
          .hasMessageContaining("beyond a 64-bit integer");
    }
    assertThatThrownBy(() -> ChatTemplate.parse("{{ 9223372036854775808 }}", Map.of()))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("the integer 9223372036854775808 is beyond a long");
    ChatTemplate edge =
        ChatTemplate.parse("{{ 9223372036854775806 + 1 }}|{{ -7 // 2 }}|{{ -7 % 3 }}", Map.of());
    assertThat(edge.render(List.of(ChatMessage.user("a")), false))
        .isEqualTo("9223372036854775807|-4|2");
  }

  @Test
  void aFloatsRemainderTakesTheDivisorsSignAsInPython() {
    ChatTemplate remainders =
        ChatTemplate.parse("{{ -7.0 % 3 }}|{{ 7.0 % -3 }}|{{ 7.5 % 2 }}", Map.of());

    assertThat(remainders.render(List.of(ChatMessage.user("a")), false)).isEqualTo("2.0|-2.0|1.5");
  }

  @Test
  void aBoolEqualsItsIntegerAndIntegersCompareExactlyAsInPython() {
    ChatTemplate equalities =
        ChatTemplate.parse(
            "{{ true == 1 }}|{{ false == 0 }}|{{ true == 1.0 }}|{{ 1 == 1.0 }}|{{ 1 in [true] }}"
                + "|{{ true != 1 }}|{{ 9007199254740993 == 9007199254740992 }}|{{ true < 2 }}",
            Map.of());

    assertThat(equalities.render(List.of(ChatMessage.user("a")), false))
        .isEqualTo("True|True|True|True|True|False|False|True");
  }

  @Test
  void aTemplateThatRaisesRefusesTheConversationWithItsOwnMessage() {
    ChatTemplate alternating =
        ChatTemplate.parse(
            "{% for m in messages %}{% if (m.role == 'user') != (loop.index0 % 2 == 0) %}"
                + "{{ raise_exception('Conversation roles must alternate user/assistant') }}"
                + "{% endif %}[{{ m.content }}]{% endfor %}",
            Map.of());

    assertThat(
            alternating.render(List.of(ChatMessage.user("a"), ChatMessage.assistant("b")), false))
        .isEqualTo("[a][b]");
    assertThatThrownBy(() -> alternating.render(List.of(ChatMessage.assistant("b")), false))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("Conversation roles must alternate user/assistant");
  }

  @Test
  void aTemplatesErrorNeverQuotesTheConversationsText() {
    // A message's text is a subject's example when the trainer renders it; errors are logged.
    String secret = "Zix 1234-5678";
    List<ChatMessage> conversation = List.of(ChatMessage.user(secret));
    for (String failing :
        List.of(
            "{% for role, content in messages %}{% endfor %}",
            "{{ 'ab' * messages[0].content }}",
            "{{ nothing[messages[0].content] }}",
            "{{ raise_exception('refused: ' + messages[0].content) }}")) {
      ChatTemplate template = ChatTemplate.parse(failing, Map.of());

      assertThatThrownBy(() -> template.render(conversation, false))
          .as(failing)
          .isInstanceOf(ModelException.class)
          .hasMessageStartingWith(failing.contains("raise_exception") ? "the" : "chat template")
          .hasMessageNotContaining("1234");
    }
  }

  private static JsonNode resource(String name) throws IOException {
    return new ObjectMapper().readTree(text(name));
  }

  private static String text(String name) throws IOException {
    try (InputStream in = ChatTemplateTest.class.getResourceAsStream("/chat-templates/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
