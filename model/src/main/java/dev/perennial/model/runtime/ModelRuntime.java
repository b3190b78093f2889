package dev.perennial.model.runtime;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import dev.perennial.model.ModelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PyTorch engine as the model layer uses it: device selection, intra-op thread count and the
 * engine's random seed.
 *
 * <p>CPU results are bit-reproducible only for the same thread count, so training and pretraining
 * set it explicitly through {@link #setThreads(int)} before their first operation; and only for the
 * same ATen kernels, which PyTorch picks by the CPU unless {@code ATEN_CPU_CAPABILITY} pins them
 * ({@link EngineSetup}).
 */
public final class ModelRuntime {

  private static final Logger LOG = LoggerFactory.getLogger(ModelRuntime.class);

  private ModelRuntime() {}

  /**
   * The engine, loaded on first use with DJL offline ({@link DjlOffline}): from the bundled
   * natives, DJL's engine cache or {@code PYTORCH_LIBRARY_PATH}, never downloaded.
   */
  public static Engine engine() {
    DjlOffline.enforce();
    try {
      return Engine.getEngine("PyTorch");
    } catch (RuntimeException e) {
      throw new ModelException(
          "the PyTorch engine failed to load, and Perennial never downloads its native libraries"
              + " (DJL runs offline). Provide them one of three ways: the jar"
              + " ai.djl.pytorch:pytorch-native-cpu (classifier linux-x86_64, the version in"
              + " the project's pom) on the class path, as the perennial command and the CPU image"
              + " have it; DJL's engine cache (ENGINE_CACHE_DIR, else DJL_CACHE_DIR, else"
              + " ~/.djl.ai) unpacked beforehand, as the images do at build time; or"
              + " PYTORCH_LIBRARY_PATH naming an unpacked libtorch of that version, as the CUDA"
              + " image does. Cause: "
              + causes(e),
          e);
    }
  }

  /** The DJL version, read with DJL offline (its first use would otherwise send telemetry). */
  public static String djlVersion() {
    DjlOffline.enforce();
    return Engine.getDjlVersion();
  }

  private static String causes(Throwable e) {
    StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      text.append(": ").append(cause.getMessage());
    }
    return text.toString();
  }

  /** The device for a choice: AUTO is the engine's default (a GPU when one is visible). */
  public static Device device(DeviceChoice choice) {
    Engine engine = engine();
    switch (choice) {
      case CPU:
        return Device.cpu();
      case GPU:
        if (engine.getGpuCount() == 0) {
          throw new ModelException("device gpu was requested but the PyTorch engine sees no GPU");
        }
        return Device.gpu();
      case AUTO:
      default:
        return engine.defaultDevice();
    }
  }

  /** Sets the engine's intra-op thread count (what CPU determinism depends on). */
  public static void setThreads(int threads) {
    if (threads < 1) {
      throw new ModelException("thread count must be at least 1, was " + threads);
    }
    engine();
    if (JniUtils.getNumThreads() != threads) {
      LOG.info("PyTorch intra-op threads {} -> {}", JniUtils.getNumThreads(), threads);
      JniUtils.setNumThreads(threads);
    }
  }

  /** The engine's current intra-op thread count. */
  public static int threads() {
    engine();
    return JniUtils.getNumThreads();
  }

  /**
   * Switches PyTorch's grad mode off on this thread until the returned handle is closed, which
   * restores the mode the thread had. Grad mode is per thread and on by default (the engine
   * switches it off only on the thread that loaded it); with it on, every operation is recorded for
   * backpropagation and in-place updates of trainable parameters are refused. A gradient collector
   * switches it on for its own lifetime.
   */
  public static GradMode gradModeOff() {
    engine();
    boolean before = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    return () -> JniUtils.setGradMode(before);
  }

  /** Restores the thread's grad mode when closed. */
  @FunctionalInterface
  public interface GradMode extends AutoCloseable {
    @Override
    void close();
  }

  /** Seeds the engine's random generator (dropout masks). */
  public static void seed(long seed) {
    engine().setRandomSeed((int) (seed ^ (seed >>> 32)));
  }
}
