package dev.perennial.publisher.release;

import dev.perennial.publisher.PublisherException;
import java.nio.file.Path;

/** A release folder is already there; published versions are never overwritten. */
public class ReleaseExistsException extends PublisherException {

  private static final long serialVersionUID = 1L;

  public ReleaseExistsException(Path folder) {
    super("Release folder " + folder + " already exists; a published version is never overwritten");
  }
}
