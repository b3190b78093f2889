package dev.perennial.ingest.privacy;

import dev.perennial.core.PerennialException;

/**
 * Ingest refuses to start: its pseudonym secret is not the one that pseudonymised the data already
 * written, and no change was declared. The message names the key to set and how to go on.
 */
public class PseudonymSecretChangedException extends PerennialException {

  private static final long serialVersionUID = 1L;

  public PseudonymSecretChangedException(String message) {
    super(message);
  }
}
