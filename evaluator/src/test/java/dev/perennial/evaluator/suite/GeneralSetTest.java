package dev.perennial.evaluator.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
