package dev.perennial.evaluator.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perennial.evaluator.EvaluatorException;
import dev.perennial.evaluator.area.EvaluationArea;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryStoreTest {

  @TempDir Path folder;

  private static HistoryEntry entry(String candidateId, String location) {
    ScoreMatrix matrix =
        ScoreMatrix.baseOnly("general", 0.99)
            .grow("candidate", "candidate", 0.0, Double.NaN, new double[] {0.95, 0.5});
    ScoreMatrix likelihood =
        ScoreMatrix.baseOnly("general", 0.99)
            .grow("candidate", "candidate", 0.3, Double.NaN, new double[] {0.98, 0.6});
    return new HistoryEntry(
        candidateId,
        location,
        Instant.parse("2025-06-01T12:00:00Z"),
        true,
        null,
        List.of(TaskRef.general(), new TaskRef("candidate", List.of("ab".repeat(32)))),
        matrix,
        likelihood,
        List.of(
            new MeasurePoint(
                "candidate", ContinualMeasures.of(matrix), ContinualMeasures.of(likelihood))));
  }

  @Test
  void aKeysHistoryRoundTripsThroughItsFileWithUnmeasuredScoresAsNull() throws Exception {
    HistoryStore store = new HistoryStore(new EvaluationArea(folder));
    KeyHistory history =
        KeyHistory.empty("acme/support").with(entry("c1", "sha256:" + "1".repeat(64)));

    store.write(history);

    Path file = folder.resolve("history/acme/support.json");
    assertThat(Files.readString(file)).contains("null").contains(HistoryStore.FORMAT);
    KeyHistory read = store.read("acme/support");
    assertThat(read.entries()).hasSize(1);
    HistoryEntry entry = read.entries().get(0);
    assertThat(entry.matrix()).isEqualTo(history.entries().get(0).matrix());
    assertThat(entry.likelihood()).isEqualTo(history.entries().get(0).likelihood());
    assertThat(entry.tasks()).isEqualTo(history.entries().get(0).tasks());
    assertThat(entry.lineage()).isEqualTo(history.entries().get(0).lineage());
    assertThat(store.read("acme/other").entries()).isEmpty();
  }

  @Test
  void aFormerHistoryFileIsReadWithItsMatrixAsTheLikelihoodAndNoExactMatch() throws Exception {
    Path file = folder.resolve("history/acme/support.json");
    Files.createDirectories(file.getParent());
    Files.writeString(
        file,
        """
        {"format": "perennial.evaluation.history/v1", "adapterKey": "acme/support",
         "entries": [{"candidateId": "c1", "location": "sha256:11",
           "evaluatedAt": "2025-06-01T12:00:00Z", "passed": true, "incumbentVersion": null,
           "tasks": [{"label": "general", "shards": []}, {"label": "candidate", "shards": []}],
           "matrix": {"tasks": ["general", "candidate"],
             "rows": [{"label": "base", "scores": [0.99, 0.3]},
                      {"label": "candidate", "scores": [0.98, 0.6]}]},
           "lineage": [{"label": "candidate",
             "measures": {"acc": 0.79, "bwt": -0.01, "fwt": null, "forgetting": 0.01}}]}]}
        """);

    HistoryEntry entry =
        new HistoryStore(new EvaluationArea(folder)).read("acme/support").entries().get(0);

    assertThat(entry.likelihood().get(1, 1)).isEqualTo(0.6);
    assertThat(entry.matrix().get(1, 1)).isNaN();
    assertThat(entry.likelihoodMeasures().acc()).isEqualTo(0.79);
    assertThat(entry.measures().acc()).isNaN();
  }

  @Test
  void aReleasedCandidateIsFoundByItsLocationAndRelabelledAsItsVersion() {
    String location = "sha256:" + "2".repeat(64);
    KeyHistory history =
        KeyHistory.empty("acme/support")
            .with(entry("c1", "sha256:" + "1".repeat(64)))
            .with(entry("c2", location));

    HistoryEntry release = history.byLocation(location).orElseThrow().asRelease("v2");

    assertThat(release.candidateId()).isEqualTo("c2");
    assertThat(release.matrix().rows()).containsExactly("base", "v2");
    assertThat(release.matrix().tasks()).containsExactly("general", "v2");
    assertThat(release.likelihood().rows()).containsExactly("base", "v2");
    assertThat(release.tasks().get(1).label()).isEqualTo("v2");
    assertThat(release.lineage().get(0).label()).isEqualTo("v2");
  }

  @Test
  void aReEvaluatedCandidateReplacesItsEntryAndTheOldestEntriesGoFirst() {
    KeyHistory history = KeyHistory.empty("acme/support");
    for (int i = 0; i < KeyHistory.MAX_ENTRIES + 5; i++) {
      history = history.with(entry("c" + i, "sha256:" + "3".repeat(64)));
    }
    history = history.with(entry("c10", "sha256:" + "4".repeat(64)));

    assertThat(history.entries()).hasSize(KeyHistory.MAX_ENTRIES);
    assertThat(history.entries().get(0).candidateId()).isEqualTo("c5");
    assertThat(history.entries()).filteredOn(e -> e.candidateId().equals("c10")).hasSize(1);
    assertThat(history.byLocation("sha256:" + "4".repeat(64))).isPresent();
  }

  @Test
  void anInvalidAdapterKeyNamesNoFileAndUnusualCandidateIdsNeverLeaveTheArea() {
    EvaluationArea area = new EvaluationArea(folder);

    assertThatThrownBy(() -> area.historyFile("../etc/pass wd"))
        .isInstanceOf(EvaluatorException.class)
        .hasMessageContaining("is not of the form tenant/adapter");
    assertThatThrownBy(() -> area.historyFile("../etc"))
        .isInstanceOf(EvaluatorException.class)
        .hasMessageContaining("not a valid name");
    assertThat(area.reportFolder("../etc/pass wd", "c1").normalize())
        .isEqualTo(
            folder
                .toAbsolutePath()
                .normalize()
                .resolve("reports/~invalid/..~2Fetc~2Fpass~20wd/c1"));
    assertThat(area.historyFile("acme/support"))
        .isEqualTo(folder.toAbsolutePath().normalize().resolve("history/acme/support.json"));
    assertThat(area.reportFolder("acme/support", "acme/support@1-abc#candidate").getFileName())
        .hasToString("acme~2Fsupport~401-abc~23candidate");
  }
}
