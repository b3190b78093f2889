package dev.perennial.trainer.lineage;

import dev.perennial.model.runtime.ModelRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The trainer's version as the build recorded it (project version and the source commit it was
 * built from), with the DJL and PyTorch versions it runs on (the engine's kernels decide the
 * weights' last bits), for the lineage of every candidate.
 */
public final class TrainerVersion {

  private static final String RESOURCE = "/dev/perennial/trainer/trainer.properties";
  private static final Pattern FULL_COMMIT = Pattern.compile("[0-9a-f]{40}");
  private static final Pattern DECLARED_COMMIT = Pattern.compile("[0-9a-f]{7,40}");
  private static final String BUILD = load();
  private static String version;

  private TrainerVersion() {}

  /**
   * {@code perennial-trainer 0.1.0 (source 9723ce2..., DJL 0.35.1, PyTorch 2.7.1)}; loads the
   * engine.
   */
  public static synchronized String get() {
    if (version == null) {
      version =
          BUILD
              + ", DJL "
              + ModelRuntime.djlVersion()
              + ", PyTorch "
              + ModelRuntime.engine().getVersion()
              + ")";
    }
    return version;
  }

  /**
   * What the build recorded, up to the engine: {@code perennial-trainer <version> (source
   * <commit>}. A snapshot version names no code, so the commit does: the one the build ran in,
   * {@code with uncommitted changes} when its working tree had some; else the one declared to a
   * build outside a git checkout; else {@code source unknown}.
   */
  static String describe(Properties build) {
    String commit = build.getProperty("source.commit", "");
    String declared = build.getProperty("source.declared", "");
    String source;
    if (FULL_COMMIT.matcher(commit).matches()) {
      source =
          commit
              + ("true".equals(build.getProperty("source.dirty"))
                  ? " with uncommitted changes"
                  : "");
    } else if (DECLARED_COMMIT.matcher(declared).matches()) {
      source = declared;
    } else {
      source = "unknown";
    }
    return "perennial-trainer " + build.getProperty("version", "unknown") + " (source " + source;
  }

  private static String load() {
    Properties properties = new Properties();
    try (InputStream in = TrainerVersion.class.getResourceAsStream(RESOURCE)) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      // described as unknown below, as a missing resource is
    }
    return describe(properties);
  }
}
