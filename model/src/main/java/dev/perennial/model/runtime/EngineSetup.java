package dev.perennial.model.runtime;

import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.jni.LibUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * What the bits of a CPU computation depend on besides its settings: the engine's versions and
 * native library, its thread counts, the CPU, the vector kernels PyTorch picks on that CPU, and the
 * environment variables that pin those choices. Recorded beside pretrained weights so that a digest
 * that another machine does not reproduce can be explained after the fact.
 *
 * @param djlVersion DJL's version
 * @param pytorchVersion the PyTorch engine's version
 * @param nativeLibrary the name of the folder the libtorch in use was loaded from (DJL names it by
 *     version, build date and flavour, e.g. {@code 2.7.1-20250812-cpu-linux-x86_64})
 * @param intraOpThreads PyTorch's intra-op threads when recorded
 * @param interOpThreads PyTorch's inter-op threads when recorded
 * @param cpuVendor {@code vendor_id} of {@code /proc/cpuinfo} ({@code unknown} without it)
 * @param cpuModel {@code model name} of {@code /proc/cpuinfo} ({@code unknown} without it)
 * @param cpuFlags which of {@link #RECORDED_FLAGS} the CPU has (what PyTorch and MKL choose their
 *     kernels by)
 * @param atenCpuCapability the vector kernels ATen dispatches to ({@code default}, {@code avx2} or
 *     {@code avx512}), by ATen's own rule ({@link #atenCpuCapability(String, Set)}); {@code
 *     unknown} when the CPU's flags cannot be read
 * @param environment every variable of {@link #PINNING_VARIABLES}, null where unset
 */
public record EngineSetup(
    String djlVersion,
    String pytorchVersion,
    String nativeLibrary,
    int intraOpThreads,
    int interOpThreads,
    String cpuVendor,
    String cpuModel,
    List<String> cpuFlags,
    String atenCpuCapability,
    Map<String, String> environment) {

  /**
   * Environment variables that change which kernels the engine runs or on how many threads: ATen's
   * vector kernels, MKL's code path (conditional numerical reproducibility) and its instruction
   * sets, oneDNN's instruction sets, OpenMP's and MKL's thread counts, and the libtorch DJL loads.
   */
  public static final List<String> PINNING_VARIABLES =
      List.of(
          "ATEN_CPU_CAPABILITY",
          "MKL_CBWR",
          "MKL_ENABLE_INSTRUCTIONS",
          "ONEDNN_MAX_CPU_ISA",
          "DNNL_MAX_CPU_ISA",
          "OMP_NUM_THREADS",
          "MKL_NUM_THREADS",
          "PYTORCH_LIBRARY_PATH");

  /** The CPU flags recorded: the vector extensions ATen, MKL and oneDNN dispatch on. */
  public static final List<String> RECORDED_FLAGS =
      List.of(
          "avx",
          "avx2",
          "fma",
          "avx512f",
          "avx512dq",
          "avx512bw",
          "avx512vl",
          "avx512_vnni",
          "avx512_bf16",
          "amx_tile",
          "amx_bf16");

  private static final String UNKNOWN = "unknown";
  private static final Path CPU_INFO = Path.of("/proc/cpuinfo");

  public EngineSetup {
    cpuFlags = List.copyOf(cpuFlags);
    environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
  }

  /** The setup of this process now (loads the engine). */
  public static EngineSetup current() {
    ModelRuntime.engine();
    String cpuInfo;
    try {
      cpuInfo = Files.readString(CPU_INFO);
    } catch (IOException | RuntimeException e) {
      cpuInfo = null;
    }
    return of(cpuInfo, System::getenv);
  }

  /**
   * The setup of this process's engine on a CPU described by {@code cpuInfo} (the text of {@code
   * /proc/cpuinfo}, or null where there is none) in an environment read through {@code getenv}.
   */
  static EngineSetup of(String cpuInfo, UnaryOperator<String> getenv) {
    ModelRuntime.engine();
    Map<String, String> environment = new LinkedHashMap<>();
    for (String variable : PINNING_VARIABLES) {
      environment.put(variable, getenv.apply(variable));
    }
    String vendor = cpuInfo == null ? UNKNOWN : field(cpuInfo, "vendor_id");
    String model = cpuInfo == null ? UNKNOWN : field(cpuInfo, "model name");
    Set<String> flags = cpuInfo == null ? null : flags(cpuInfo);
    List<String> recorded =
        flags == null ? List.of() : RECORDED_FLAGS.stream().filter(flags::contains).toList();
    return new EngineSetup(
        ModelRuntime.djlVersion(),
        ModelRuntime.engine().getVersion(),
        Path.of(LibUtils.getLibtorchPath()).getFileName().toString(),
        JniUtils.getNumThreads(),
        JniUtils.getNumInteropThreads(),
        vendor,
        model,
        recorded,
        flags == null ? UNKNOWN : atenCpuCapability(environment.get("ATEN_CPU_CAPABILITY"), flags),
        environment);
  }

  /**
   * ATen's choice of vector kernels on x86 (PyTorch 2.x, {@code compute_cpu_capability}): the
   * {@code ATEN_CPU_CAPABILITY} variable when it is {@code avx512}, {@code avx2} or {@code default}
   * (any other value is ignored, with a warning from PyTorch); otherwise {@code avx512} on a CPU
   * with AVX-512 VL, BW, DQ and FMA, {@code avx2} on one with AVX2 and FMA, else {@code default}.
   */
  public static String atenCpuCapability(String override, Set<String> cpuFlags) {
    if (override != null && Set.of("avx512", "avx2", "default").contains(override)) {
      return override;
    }
    if (cpuFlags.containsAll(List.of("avx512vl", "avx512bw", "avx512dq", "fma"))) {
      return "avx512";
    }
    if (cpuFlags.containsAll(List.of("avx2", "fma"))) {
      return "avx2";
    }
    return "default";
  }

  private static String field(String cpuInfo, String name) {
    for (String line : cpuInfo.split("\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equals(name)) {
        return line.substring(colon + 1).trim();
      }
    }
    return UNKNOWN;
  }

  private static Set<String> flags(String cpuInfo) {
    String flags = field(cpuInfo, "flags");
    if (flags.equals(UNKNOWN)) {
      return new TreeSet<>();
    }
    return new TreeSet<>(Arrays.asList(flags.toLowerCase(Locale.ROOT).split("\\s+")));
  }
}
