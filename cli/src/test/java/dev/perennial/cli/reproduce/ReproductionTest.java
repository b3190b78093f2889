package dev.perennial.cli.reproduce;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.core.crypto.Digest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ReproductionTest {

  private static final Digest CONFIG = digest("config");
  private static final Digest WEIGHTS = digest("weights");

  private static Digest digest(String text) {
    return Digest.of(text.getBytes(StandardCharsets.UTF_8));
  }

  private static SortedMap<String, Digest> released() {
    return new TreeMap<>(
        Map.of("adapter_config.json", CONFIG, "adapter_model.safetensors", WEIGHTS));
  }

  @Test
  void aRebuildWithEveryFileBitIdenticalIsReproduced() {
    Reproduction reproduction = Reproduction.compared(released(), released());

    assertThat(reproduction.outcome()).isEqualTo(Reproduction.Outcome.REPRODUCED);
    assertThat(reproduction.outcome().exitCode()).isZero();
    assertThat(reproduction.lines())
        .contains("  same      adapter_model.safetensors", "    rebuilt  " + WEIGHTS)
        .last()
        .isEqualTo("reproduced: every file is bit-identical");
  }

  @Test
  void oneChangedOrMissingFileMakesTheRebuildDifferAndIsNamed() {
    Map<String, Digest> changed = Map.of("adapter_model.safetensors", digest("other"));

    Reproduction reproduction = Reproduction.compared(released(), changed);

    assertThat(reproduction.outcome()).isEqualTo(Reproduction.Outcome.DIFFERS);
    assertThat(reproduction.outcome().exitCode()).isEqualTo(1);
    assertThat(reproduction.lines())
        .containsSubsequence(
            "  DIFFERS   adapter_config.json",
            "    released " + CONFIG,
            "    rebuilt  (no such file)",
            "  DIFFERS   adapter_model.safetensors",
            "    released " + WEIGHTS,
            "    rebuilt  " + digest("other"))
        .last()
        .isEqualTo("differs: the rebuilt adapter is not the released one");
  }

  @Test
  void aShardAnErasureRewroteMakesTheReleaseNotReproducibleByDesign() {
    LostData.Lost shard =
        new LostData.Lost("training shard", digest("old"), Optional.of(digest("new")));

    Reproduction reproduction =
        Reproduction.lost(
            List.of(shard),
            new LostData.Replacement(Optional.of(new LostData.Erasure("erasure-7", 4)), List.of()));

    assertThat(reproduction.outcome()).isEqualTo(Reproduction.Outcome.ERASED);
    assertThat(reproduction.outcome().exitCode()).isEqualTo(3);
    assertThat(reproduction.lines())
        .containsExactly(
            "  gone: training shard "
                + digest("old")
                + " (deleted by an erasure: rewritten as "
                + digest("new")
                + " without the erased subject's examples)",
            "  erasure erasure-7 replaced this release with v4 (its manifest and the audit record"
                + " name the request)",
            "not reproducible by design: an erasure deleted data this release was trained on");
  }

  @Test
  void aShardGoneWithoutAnyErasureNamingItCannotBeRebuiltAndSaysSo() {
    LostData.Lost shard = new LostData.Lost("replay shard", digest("old"), Optional.empty());

    Reproduction reproduction =
        Reproduction.lost(List.of(shard), new LostData.Replacement(Optional.empty(), List.of()));

    assertThat(reproduction.outcome()).isEqualTo(Reproduction.Outcome.INCOMPLETE);
    assertThat(reproduction.outcome().exitCode()).isEqualTo(4);
    assertThat(reproduction.lines().get(reproduction.lines().size() - 1))
        .startsWith("cannot rebuild: data this release was trained on is gone");
  }

  @Test
  void aLaterReleaseThatCannotBeReadIsNamedNotPassedOver() {
    LostData.Lost shard = new LostData.Lost("replay shard", digest("old"), Optional.empty());

    Reproduction reproduction =
        Reproduction.lost(
            List.of(shard),
            new LostData.Replacement(Optional.empty(), List.of("v2: manifest.json is missing")));

    assertThat(reproduction.outcome()).isEqualTo(Reproduction.Outcome.INCOMPLETE);
    assertThat(reproduction.lines())
        .contains(
            "  cannot read the later release v2: manifest.json is missing (it may be an erasure's"
                + " replacement of this one)")
        .last()
        .asString()
        .endsWith("and no readable later release names an erasure");
  }

  @Test
  void anotherDeviceOrTrainerIsNotedAndTheSameIsNot() {
    assertThat(Reproduction.notes("cpu()", "cpu()", "0.1.0", "0.1.0")).isEmpty();
    assertThat(Reproduction.notes("gpu(0) NVIDIA H200", "cpu()", "0.1.0", "0.2.0"))
        .satisfiesExactly(
            device ->
                assertThat(device)
                    .startsWith("note: trained on gpu(0) NVIDIA H200, rebuilt on cpu()")
                    .contains("bit-identical on one kind of device only"),
            trainer -> assertThat(trainer).startsWith("note: trained by trainer 0.1.0, rebuilt"));
  }
}
