package dev.perennial.model.tokenizer.chat;

import dev.perennial.model.ModelException;

/** One turn of a conversation: {@code system}, {@code user} or {@code assistant}, and its text. */
public record ChatMessage(String role, String content) {

  public ChatMessage {
    if (role == null || role.isBlank() || content == null) {
      throw new ModelException("a chat message needs a role and content");
    }
  }

  public static ChatMessage system(String content) {
    return new ChatMessage("system", content);
  }

  public static ChatMessage user(String content) {
    return new ChatMessage("user", content);
  }

  public static ChatMessage assistant(String content) {
    return new ChatMessage("assistant", content);
  }
}
