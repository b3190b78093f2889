package dev.perennial.publisher.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.core.store.LocalArtifactStore;
import dev.perennial.publisher.testing.TestVerdicts;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.ErasureDetails;
import dev.perennial.schemas.v1.EvaluationVerdict;
import dev.perennial.schemas.v1.JobTrigger;
import dev.perennial.schemas.v1.Lineage;
import dev.perennial.schemas.v1.LineageMethod;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AvroJsonTest {

  @TempDir Path folder;

  private AdapterCandidate candidate() {
    AdapterCandidate candidate =
        TestVerdicts.candidate(new LocalArtifactStore(folder), "acme/support", "cand-1", 3);
    candidate.setTrigger(JobTrigger.ERASURE);
    candidate.setErasure(
        ErasureDetails.newBuilder()
            .setRequestId("erasure-1")
            .setSubjectPseudonym("p-1")
            .setAffectedVersions(List.of(2, 3))
            .build());
    candidate.setLineage(
        Lineage.newBuilder().setMethod(LineageMethod.RETRAINED).setDataDigest("ab").build());
    candidate.getRecipe().setExtras(Map.of("threads", "2", "steps", "6"));
    return candidate;
  }

  @Test
  void aRecordReadsBackFromItsJsonAsItWas() {
    AdapterCandidate candidate = candidate();

    AdapterCandidate read = AvroJson.fromJson(AvroJson.toJson(candidate), AdapterCandidate.SCHEMA$);

    assertThat(read).isEqualTo(candidate);
    assertThat(read.getCreatedAt()).isEqualTo(TestVerdicts.AT);
  }

  @Test
  void aNullableTimestampIsAnInstantAndReadsBack() {
    EvaluationVerdict verdict =
        EvaluationVerdict.newBuilder(TestVerdicts.passed(candidate()))
            .setEvaluationStartedAt(TestVerdicts.AT.minusSeconds(3))
            .build();

    ObjectNode json = AvroJson.toJson(verdict);

    assertThat(json.get("evaluationStartedAt").asText()).isEqualTo("2025-06-01T11:59:57Z");
    assertThat((EvaluationVerdict) AvroJson.fromJson(json, EvaluationVerdict.SCHEMA$))
        .isEqualTo(verdict);
  }

  @Test
  void aFieldAnOlderDocumentLacksTakesItsSchemaDefault() {
    ObjectNode json = AvroJson.toJson(candidate());
    json.remove("replayShards");
    json.remove("trigger");

    AdapterCandidate read = AvroJson.fromJson(json, AdapterCandidate.SCHEMA$);

    assertThat(read.getReplayShards()).isEmpty();
    assertThat(read.getTrigger()).isNull();
  }

  @Test
  void aRequiredFieldThatIsMissingIsNamed() {
    ObjectNode json = AvroJson.toJson(candidate());
    json.remove("jobId");

    assertThatThrownBy(() -> AvroJson.fromJson(json, AdapterCandidate.SCHEMA$))
        .isInstanceOf(ManifestException.class)
        .hasMessage("dev.perennial.schemas.v1.AdapterCandidate.jobId is missing");
  }
}
