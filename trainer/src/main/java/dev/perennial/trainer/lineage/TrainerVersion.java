package dev.perennial.trainer.lineage;

import ai.djl.engine.Engine;
import dev.perennial.model.runtime.ModelRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The trainer's version as the build recorded it, with the DJL and PyTorch versions it runs on (the
 * engine's kernels decide the weights' last bits), for the lineage of every candidate.
 */
public final class TrainerVersion {

  private static final String RESOURCE = "/dev/perennial/trainer/trainer.properties";
  private static final String BUILD = load();
  private static String version;

  private TrainerVersion() {}

  /** {@code perennial-trainer 0.1.0 (DJL 0.35.1, PyTorch 2.7.1)}; loads the engine. */
  public static synchronized String get() {
    if (version == null) {
      version =
          BUILD
              + " (DJL "
              + Engine.getDjlVersion()
              + ", PyTorch "
              + ModelRuntime.engine().getVersion()
              + ")";
    }
    return version;
  }

  private static String load() {
    try (InputStream in = TrainerVersion.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return "unknown";
      }
      Properties properties = new Properties();
      properties.load(in);
      return "perennial-trainer " + properties.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
