package dev.perennial.core.store;

/**
 * Which of an adapter's files hold trained values. Every file but PEFT's configuration does; the
 * configuration (rank, alpha, target modules) is the same for every adapter of one recipe, so an
 * erasure's purge of an adapter's weights keeps it.
 */
public final class AdapterFiles {

  /** PEFT's configuration file: no trained values. */
  public static final String CONFIG_FILE = "adapter_config.json";

  private AdapterFiles() {}

  public static boolean holdsWeights(String fileName) {
    return !CONFIG_FILE.equals(fileName);
  }
}
