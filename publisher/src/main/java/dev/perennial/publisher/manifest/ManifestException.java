package dev.perennial.publisher.manifest;

import dev.perennial.publisher.PublisherException;

/** A manifest that cannot be read, or that lacks what every manifest has. */
public class ManifestException extends PublisherException {

  private static final long serialVersionUID = 1L;

  public ManifestException(String message) {
    super(message);
  }

  public ManifestException(String message, Throwable cause) {
    super(message, cause);
  }
}
