package dev.perennial.model.runtime;

import dev.perennial.model.ModelException;

/**
 * DJL's offline mode, switched on here before DJL first loads, whatever command line started the
 * JVM. Offline, DJL never downloads a native library (it fails instead) and never sends telemetry:
 * otherwise its first use probes the EC2 metadata address and, on AWS, reports to DJL's telemetry
 * bucket, and a missing native library or a {@code PYTORCH_VERSION} that differs from the bundled
 * one makes it download libtorch from publish.djl.ai.
 *
 * <p>Every way into DJL goes through {@link ModelRuntime} or the model layer's tokenizer, which
 * call {@link #enforce()} first.
 */
public final class DjlOffline {

  /** The system property DJL reads for its offline mode. */
  public static final String PROPERTY = "ai.djl.offline";

  /** The environment variable DJL reads first; it overrides {@link #PROPERTY}. */
  public static final String ENVIRONMENT = "DJL_OFFLINE";

  private DjlOffline() {}

  /**
   * Switches DJL's offline mode on; refuses an environment whose {@code DJL_OFFLINE} switches it
   * off, since DJL would let that override the property.
   */
  public static synchronized void enforce() {
    String environment = System.getenv(ENVIRONMENT);
    if (environment != null && !Boolean.parseBoolean(environment)) {
      throw new ModelException(
          ENVIRONMENT
              + "="
              + environment
              + " in the environment switches DJL's offline mode off (it overrides -D"
              + PROPERTY
              + "), which would let DJL download native libraries and send telemetry; Perennial"
              + " runs DJL offline only: unset "
              + ENVIRONMENT
              + " or set it to true");
    }
    if (!"true".equals(System.getProperty(PROPERTY))) {
      System.setProperty(PROPERTY, "true");
    }
  }
}
