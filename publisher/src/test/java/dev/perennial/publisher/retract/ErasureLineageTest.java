package dev.perennial.publisher.retract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.publisher.testing.TestVerdicts;
import dev.perennial.schemas.v1.AdapterCandidate;
import dev.perennial.schemas.v1.ErasureDetails;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ErasureLineageTest {

  @TempDir Path folder;

  @Test
  void anOrdinaryCandidateReplacesNothing() {
    AdapterCandidate candidate =
        TestVerdicts.candidate(
            new dev.perennial.core.store.LocalArtifactStore(folder), "acme/support", "c-1", null);

    assertThat(ErasureLineage.of(candidate)).isEmpty();
  }

  @Test
  void aCandidateWithAnErasureNamesTheVersionsItReplaces() {
    // A candidate of the schema that carries the nullable erasure field (ErasureDetails).
    List<Schema.Field> fields = new ArrayList<>();
    fields.add(new Schema.Field("candidateId", Schema.create(Schema.Type.STRING)));
    fields.add(
        new Schema.Field(
            "erasure",
            Schema.createUnion(Schema.create(Schema.Type.NULL), ErasureDetails.getClassSchema()),
            null,
            Schema.Field.NULL_DEFAULT_VALUE));
    Schema schema = Schema.createRecord("AdapterCandidate", null, "test", false, fields);
    GenericRecord candidate = new GenericData.Record(schema);
    candidate.put("candidateId", "c-2");
    candidate.put(
        "erasure",
        ErasureDetails.newBuilder()
            .setRequestId("erase-7")
            .setSubjectPseudonym("p-1")
            .setAffectedVersions(List.of(2, 3))
            .build());

    assertThat(ErasureLineage.of(candidate)).contains(new ErasureLineage("erase-7", List.of(2, 3)));
  }
}
