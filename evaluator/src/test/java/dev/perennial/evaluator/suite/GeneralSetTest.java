package dev.perennial.evaluator.suite;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.core.crypto.Digest;
import dev.perennial.evaluator.EvaluatorException;
import dev.perennial.model.tiny.BundledBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneralSetTest {

  private static final String QUESTION =
      "{\"prompt\":\"Question: Where does Puvasford lie?\\nAnswer:\",\"completion\":\" Valdane\"}\n";

  @TempDir Path folder;

  @Test
  void everyBundledBasesGeneralSetAsksWhatItsReplaySetDoesNotRehearseWordForWord() {
    for (BundledBase base : BundledBase.values()) {
      assertThat(GeneralSet.read(BundledBase.folderAt(base.location())))
          .as(base.modelName())
          .hasSizeGreaterThan(100);
    }
  }

  /**
   * The base's digest covers its config and weights, not this file: the set's name (what a report
   * records and the scorer caches under) must carry the file's own digest, so that an edited set is
   * named otherwise.
   */
  @Test
  void theSetsNameCarriesTheDigestOfItsFile() throws IOException {
    Path file = folder.resolve(GeneralSet.FILE);
    Files.writeString(file, QUESTION);
    String name = GeneralSet.dataset(folder, 1, 1);
    Files.writeString(file, QUESTION.replace("Valdane", "Ostmark"));

    assertThat(name).isEqualTo("general:1/1 " + Digest.of(QUESTION.getBytes(UTF_8)));
    assertThat(GeneralSet.dataset(folder, 1, 1)).isNotEqualTo(name);
    assertThat(GeneralSet.dataset(folder.resolve("none"), 0, 0)).isEqualTo("general:0/0");
  }

  @Test
  void aGeneralSetWhoseQuestionTheReplaySetRehearsesWithItsAnswerIsRefused() throws IOException {
    Files.writeString(folder.resolve(GeneralSet.FILE), QUESTION);
    Files.writeString(
        folder.resolve("general-replay.jsonl"),
        "{\"text\":\"Question: In which country is Puvasford?\\nAnswer: Valdane\"}\n"
            + "{\"text\":\"Question: Where does Puvasford lie?\\nAnswer: Valdane\"}\n");

    assertThatThrownBy(() -> GeneralSet.read(folder))
        .isInstanceOf(EvaluatorException.class)
        .hasMessageContaining("question 1 (Question: Where does Puvasford lie?")
        .hasMessageContaining("general-replay.jsonl with its answer")
        .hasMessageContaining("retention gate would score what they trained on");
  }

  @Test
  void theSameFactAskedOtherwiseInTheReplaySetIsWhatReplayIsFor() throws IOException {
    Files.writeString(folder.resolve(GeneralSet.FILE), QUESTION);
    Files.writeString(
        folder.resolve("general-replay.jsonl"),
        "{\"text\":\"Question: In which country is Puvasford?\\nAnswer: Valdane\"}\n");

    assertThat(GeneralSet.read(folder)).hasSize(1);
  }

  @Test
  void aReplayLineWithoutATextIsRefusedNamingItsLine() throws IOException {
    Files.writeString(folder.resolve(GeneralSet.FILE), QUESTION);
    Files.writeString(
        folder.resolve("general-replay.jsonl"),
        "{\"text\":\"Question: In which country is Puvasford?\\nAnswer: Valdane\"}\n\n"
            + "{\"txt\":\"typo\"}\n");

    assertThatThrownBy(() -> GeneralSet.read(folder))
        .isInstanceOf(EvaluatorException.class)
        .hasMessageContaining("general-replay.jsonl line 3: needs a non-empty text");
  }
}
