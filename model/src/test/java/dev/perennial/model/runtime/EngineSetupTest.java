package dev.perennial.model.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What pretraining records of the engine, the CPU and the environment beside its weights. */
class EngineSetupTest {

  private static final String ZEN4 =
      """
      processor\t: 0
      vendor_id\t: AuthenticAMD
      cpu family\t: 25
      model name\t: AMD EPYC 9R14
      flags\t\t: fpu sse sse2 avx fma avx2 avx512f avx512dq avx512bw avx512vl avx512_bf16 \
      avx512_vnni sha_ni

      processor\t: 1
      vendor_id\t: AuthenticAMD
      model name\t: AMD EPYC 9R14
      flags\t\t: fpu sse sse2 avx fma avx2 avx512f avx512dq avx512bw avx512vl avx512_bf16 \
      avx512_vnni sha_ni
      """;

  @Test
  void atenPicksAvx512OnlyWithVlBwDqAndFmaAndHonoursAValidOverride() {
    Set<String> avx512 = Set.of("avx2", "fma", "avx512f", "avx512vl", "avx512bw", "avx512dq");
    assertThat(EngineSetup.atenCpuCapability(null, avx512)).isEqualTo("avx512");
    assertThat(EngineSetup.atenCpuCapability(null, Set.of("avx2", "fma", "avx512f")))
        .isEqualTo("avx2");
    assertThat(EngineSetup.atenCpuCapability(null, Set.of("avx2"))).isEqualTo("default");
    assertThat(EngineSetup.atenCpuCapability("avx2", avx512)).isEqualTo("avx2");
    assertThat(EngineSetup.atenCpuCapability("default", avx512)).isEqualTo("default");
    assertThat(EngineSetup.atenCpuCapability("AVX2", avx512))
        .as("ATen compares the value exactly and ignores an unknown one")
        .isEqualTo("avx512");
  }

  @Test
  void recordsTheCpuItsKernelFlagsAndEveryPinningVariableSetOrNot() {
    Map<String, String> environment = Map.of("ATEN_CPU_CAPABILITY", "avx2", "MKL_CBWR", "AVX2");

    EngineSetup setup = EngineSetup.of(ZEN4, environment::get);

    assertThat(setup.cpuVendor()).isEqualTo("AuthenticAMD");
    assertThat(setup.cpuModel()).isEqualTo("AMD EPYC 9R14");
    assertThat(setup.cpuFlags())
        .containsExactly(
            "avx",
            "avx2",
            "fma",
            "avx512f",
            "avx512dq",
            "avx512bw",
            "avx512vl",
            "avx512_vnni",
            "avx512_bf16");
    assertThat(setup.atenCpuCapability()).isEqualTo("avx2");
    assertThat(setup.environment().keySet())
        .containsExactlyElementsOf(EngineSetup.PINNING_VARIABLES);
    assertThat(setup.environment())
        .containsEntry("ATEN_CPU_CAPABILITY", "avx2")
        .containsEntry("MKL_CBWR", "AVX2")
        .containsEntry("OMP_NUM_THREADS", null);
    assertThat(EngineSetup.of(ZEN4, name -> null).atenCpuCapability()).isEqualTo("avx512");
  }

  @Test
  void recordsTheEngineVersionsItsNativeLibraryAndItsThreadCounts() {
    ModelRuntime.setThreads(1);

    EngineSetup setup = EngineSetup.of(ZEN4, name -> null);

    assertThat(setup.pytorchVersion()).matches("\\d+\\.\\d+\\.\\d+");
    assertThat(setup.djlVersion()).matches("\\d+\\.\\d+\\.\\d+");
    assertThat(setup.nativeLibrary())
        .startsWith(setup.pytorchVersion() + "-")
        .contains("cpu")
        .doesNotContain("/");
    assertThat(setup.intraOpThreads()).isEqualTo(1);
    assertThat(setup.interOpThreads()).isPositive();
  }

  @Test
  void withoutCpuInformationTheCpuAndCapabilityAreUnknown() {
    EngineSetup setup = EngineSetup.of(null, name -> null);

    assertThat(setup.cpuVendor()).isEqualTo("unknown");
    assertThat(setup.cpuModel()).isEqualTo("unknown");
    assertThat(setup.cpuFlags()).isEmpty();
    assertThat(setup.atenCpuCapability()).isEqualTo("unknown");
  }
}
