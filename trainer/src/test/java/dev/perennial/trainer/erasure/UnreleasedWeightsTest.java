package dev.perennial.trainer.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.crypto.Digest;
import dev.perennial.trainer.accumulate.CandidateEntry;
import dev.perennial.trainer.accumulate.ErasureMark;
import dev.perennial.trainer.accumulate.ReleaseEntry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UnreleasedWeightsTest {

  private static final ErasureMark MARK = new ErasureMark("erase-1");
  private static final String KEY = "acme/support";

  /** The candidates whose ids are tainted hold erased data. */
  private static UnreleasedWeights.Taint tainted(String... candidateIds) {
    Set<String> ids = Set.of(candidateIds);
    return (key, candidate) -> ids.contains(candidate.candidateId()) ? MARK : null;
  }

  private static String blob(String name) {
    return Digest.of(name.getBytes(StandardCharsets.UTF_8)).hex();
  }

  private static CandidateEntry candidate(String id, String... blobs) {
    return new CandidateEntry(id, id + "-job", null, null, List.of(blobs), null);
  }

  private static UnreleasedWeights.Plan plan(
      List<CandidateEntry> candidates, List<ReleaseEntry> releases, UnreleasedWeights.Taint taint) {
    return UnreleasedWeights.plan(
        List.of(new UnreleasedWeights.KeyLineage(KEY, candidates, releases)), taint);
  }

  @Test
  void anUnreleasedCandidateHoldingErasedDataLosesItsWeightsAndNoOtherCandidateDoes() {
    CandidateEntry refused = candidate("refused", blob("w1"), blob("i1"));
    CandidateEntry clean = candidate("clean", blob("w2"), blob("i2"));

    UnreleasedWeights.Plan plan = plan(List.of(refused, clean), List.of(), tainted("refused"));

    assertThat(plan.purges())
        .singleElement()
        .satisfies(
            purge -> {
              assertThat(purge.candidate()).isEqualTo(refused);
              assertThat(purge.mark()).isEqualTo(MARK);
              assertThat(purge.delete()).containsExactlyInAnyOrder(blob("w1"), blob("i1"));
              assertThat(purge.shared()).isEmpty();
            });
  }

  @Test
  void aReleasedCandidateIsLeftToThePublisherAndItsBlobsAreKept() {
    CandidateEntry released = candidate("released", blob("w1"), blob("i1"));
    // a REBASE carry-over copies the released adapter's weights: the same blobs
    CandidateEntry copy = candidate("copy", blob("w1"), blob("i1"), blob("i3"));

    UnreleasedWeights.Plan plan =
        plan(
            List.of(released, copy),
            List.of(new ReleaseEntry(1, "released", MARK, null)),
            tainted("released", "copy"));

    assertThat(plan.purges())
        .singleElement()
        .satisfies(
            purge -> {
              assertThat(purge.candidate()).isEqualTo(copy);
              assertThat(purge.delete()).containsExactly(blob("i3"));
              assertThat(purge.shared()).containsExactlyInAnyOrder(blob("w1"), blob("i1"));
            });
  }

  @Test
  void aBlobThatACandidateTrainedOnNoErasedDataHoldsIsKept() {
    CandidateEntry tainted = candidate("tainted", blob("w1"), blob("i1"));
    CandidateEntry clean = candidate("clean", blob("w1"), blob("i2"));
    UnreleasedWeights.KeyLineage other =
        new UnreleasedWeights.KeyLineage("acme/sales", List.of(clean), List.of());

    UnreleasedWeights.Plan plan =
        UnreleasedWeights.plan(
            List.of(new UnreleasedWeights.KeyLineage(KEY, List.of(tainted), List.of()), other),
            tainted("tainted"));

    assertThat(plan.purges().get(0).delete()).containsExactly(blob("i1"));
    assertThat(plan.purges().get(0).shared()).containsExactly(blob("w1"));
  }

  @Test
  void aReleaseKeepsTheBlobsItsRecordNamesEvenWhenItsCandidateIsUnknown() {
    CandidateEntry tainted = candidate("tainted", blob("w1"), blob("i1"));

    UnreleasedWeights.Plan plan =
        plan(
            List.of(tainted),
            List.of(new ReleaseEntry(4, "imported-long-ago", null, List.of(blob("w1")))),
            tainted("tainted"));

    assertThat(plan.purges().get(0).delete()).containsExactly(blob("i1"));
    assertThat(plan.purges().get(0).shared()).containsExactly(blob("w1"));
  }

  @Test
  void nothingIsPurgedWhileAReleasesBlobsAreUnknown() {
    CandidateEntry tainted = candidate("tainted", blob("w1"));
    ReleaseEntry unknown = new ReleaseEntry(2, "learnt-before-blobs", null, null);

    UnreleasedWeights.Plan plan = plan(List.of(tainted), List.of(unknown), tainted("tainted"));

    assertThat(plan.purges()).isEmpty();
    assertThat(plan.waiting()).containsExactly("tainted");
    assertThat(plan.unknownReleases()).containsExactly("acme/support v2");
  }

  @Test
  void aCandidatePurgedAlreadyOrWithUnknownBlobsIsNotPurgedAgain() {
    CandidateEntry purged = candidate("purged", blob("w1")).weightsPurgedBy("erase-0");
    CandidateEntry unknown = new CandidateEntry("unknown", "unknown-job", null, null, null, null);

    UnreleasedWeights.Plan plan =
        plan(List.of(purged, unknown), List.of(), tainted("purged", "unknown"));

    assertThat(plan.purges()).isEmpty();
    assertThat(plan.waiting()).isEmpty();
  }

  @Test
  void theWeightBlobsOfAnAdapterAreItsFolderIndexAndEveryFileButItsConfiguration() {
    String index = blob("index");
    List<String> blobs =
        CandidateWeights.of(
            "sha256:" + index,
            Map.of(
                "adapter_config.json", blob("config"),
                "adapter_model.safetensors", blob("weights"),
                "broken", "not-a-digest"));

    assertThat(blobs).containsExactlyInAnyOrder(index, blob("weights"));
    assertThat(CandidateWeights.of("some/folder", Map.of("adapter_model.safetensors", blob("w"))))
        .containsExactly(blob("w"));
  }
}
