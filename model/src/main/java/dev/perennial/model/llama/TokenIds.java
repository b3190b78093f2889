package dev.perennial.model.llama;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Token ids as Hugging Face's files write them ({@code bos_token_id}, {@code eos_token_id} in
 * {@code config.json} and {@code generation_config.json}): a number or a list of numbers.
 */
public final class TokenIds {

  private TokenIds() {}

  /**
   * The ids {@code node} holds, none when it is absent or null. An entry that is not an integer id
   * (null in a list, a token's text) is added to {@code notIds} instead, never read as id 0.
   */
  public static List<Integer> read(JsonNode node, List<JsonNode> notIds) {
    List<Integer> ids = new ArrayList<>();
    if (node == null || node.isNull()) {
      return ids;
    }
    for (JsonNode id : node.isArray() ? node : List.of(node)) {
      if (id.isIntegralNumber() && id.canConvertToInt()) {
        ids.add(id.asInt());
      } else {
        notIds.add(id);
      }
    }
    return ids;
  }
}
