package dev.perennial.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.model.TestModels;
import dev.perennial.model.runtime.LanguageModel;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The decoder agrees with an independent implementation of Hugging Face's forward pass: the
 * fixtures' expected logits come from {@code src/test/python/hf_reference_logits.py} (plain PyTorch
 * following transformers' modeling_llama), run once on the committed checkpoints. The Llama fixture
 * has q/k/v/o biases, head_dim != hidden/heads, grouped-query attention and llama3 rope scaling;
 * the Qwen2 fixture has q/k/v biases, one key/value head and tied embeddings.
 */
class HfReferenceTest {

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2"})
  void logitsMatchTheReferenceImplementation(String fixture)
      throws IOException, URISyntaxException {
    Path folder = Path.of(HfReferenceTest.class.getResource("/hf-reference/" + fixture).toURI());
    HfCheckpoint checkpoint = HfCheckpoint.open(folder);
    Map<String, HostTensor> tensors = new HashMap<>();
    checkpoint.tensorNames().forEach(name -> tensors.put(name, checkpoint.read(name)));
    ObjectMapper json = new ObjectMapper();
    JsonNode tokens;
    JsonNode expected;
    try (InputStream in = HfReferenceTest.class.getResourceAsStream("/hf-reference/tokens.json")) {
      tokens = json.readTree(in);
    }
    try (InputStream in =
        HfReferenceTest.class.getResourceAsStream(
            "/hf-reference/" + fixture + "/expected_logits.json")) {
      expected = json.readTree(in).get("logits");
    }
    long[][] ids = new long[tokens.size()][tokens.get(0).size()];
    for (int r = 0; r < ids.length; r++) {
      for (int t = 0; t < ids[r].length; t++) {
        ids[r][t] = tokens.get(r).get(t).asLong();
      }
    }

    float[] actual;
    try (LanguageModel model = TestModels.model(checkpoint.config(), tensors, null)) {
      actual = TestModels.logits(model, ids);
    }

    assertThat(actual).hasSize(expected.size());
    double worst = 0;
    for (int i = 0; i < actual.length; i++) {
      worst = Math.max(worst, Math.abs(actual[i] - expected.get(i).asDouble()));
    }
    assertThat(worst).as("largest logit difference").isLessThan(1e-4);
  }
}
