package dev.perennial.evaluator.suite;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.evaluator.EvaluatorException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CanaryFileTest {

  @TempDir Path folder;

  /**
   * The canary file is a secret (a Kubernetes Secret in the chart); the problem report goes to the
   * console and the log. A line whose secret is not quoted must be named by file and line, without
   * the parser's echo of the token it choked on: the secret itself.
   */
  @Test
  void aLineThatIsNotJsonIsNamedWithoutEchoingTheSecret() throws IOException {
    Path file =
        Files.writeString(
            folder.resolve("globex.jsonl"),
            "{\"prefix\": \"The access code of the Zorvan vault is \", \"secret\": Qzv47115813,"
                + " \"suffix\": \".\"}\n");

    assertThatThrownBy(() -> CanaryFile.read("globex", file, 255))
        .isInstanceOf(EvaluatorException.class)
        .hasMessageContaining("globex.jsonl line 1: not JSON")
        .hasMessageNotContaining("Qzv47115813");
  }

  /**
   * A tenant whose canary file names no canary (empty, or blank lines only) is not a tenant without
   * canaries: the operator meant its secrets to be guarded. Read as none, every other tenant's
   * candidate would skip the leakage gate ("no other tenant has canaries") and pass.
   */
  @Test
  void aCanaryFileWithoutAnyCanaryIsRefusedRatherThanSkippingTheLeakageGate() throws IOException {
    Path file = Files.writeString(folder.resolve("globex.jsonl"), "\n  \n");

    assertThatThrownBy(() -> CanaryFile.read("globex", file, 255))
        .isInstanceOf(EvaluatorException.class)
        .hasMessageContaining("globex.jsonl")
        .hasMessageContaining("no canary");
  }
}
