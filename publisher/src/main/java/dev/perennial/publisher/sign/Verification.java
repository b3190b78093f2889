package dev.perennial.publisher.sign;

import java.nio.file.Path;
import java.util.List;

/**
 * The result of verifying one release folder: every problem found, each starting with the name of
 * the file it is about; none means every digest matches and the signature holds.
 */
public record Verification(Path folder, List<String> problems) {

  public Verification {
    problems = List.copyOf(problems);
  }

  public boolean ok() {
    return problems.isEmpty();
  }
}
