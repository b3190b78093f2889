package dev.perennial.core.config;

import dev.perennial.core.PerennialException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Collects configuration values from their sources, later ones winning: the properties file, then
 * the environment ({@link EnvironmentVariables}). A deployable's config class validates the result.
 */
public final class ConfigLoader {

  private ConfigLoader() {}

  /** The file's values (if a file is given) overridden by this process's environment. */
  public static Map<String, String> load(Path propertiesFile) {
    return load(propertiesFile, System.getenv());
  }

  /**
   * The file's values (if {@code propertiesFile} is not null) overridden by the given environment.
   */
  public static Map<String, String> load(Path propertiesFile, Map<String, String> environment) {
    Map<String, String> values = new TreeMap<>();
    if (propertiesFile != null) {
      values.putAll(readProperties(propertiesFile));
    }
    values.putAll(EnvironmentVariables.toProperties(environment));
    return values;
  }

  /** Every key and value of a properties file, read as UTF-8. */
  public static Map<String, String> readProperties(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new PerennialException("Configuration file " + file.toAbsolutePath() + " not found");
    }
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException | IllegalArgumentException e) {
      throw new PerennialException(
          "Cannot read configuration file " + file.toAbsolutePath() + ": " + e.getMessage(), e);
    }
    Map<String, String> values = new TreeMap<>();
    properties.stringPropertyNames().forEach(key -> values.put(key, properties.getProperty(key)));
    return values;
  }
}
