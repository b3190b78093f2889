package dev.perennial.trainer.lineage;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The trainer's version as the build recorded it, for the lineage of every candidate. */
public final class TrainerVersion {

  private static final String RESOURCE = "/dev/perennial/trainer/trainer.properties";
  private static final String VERSION = load();

  private TrainerVersion() {}

  public static String get() {
    return VERSION;
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
