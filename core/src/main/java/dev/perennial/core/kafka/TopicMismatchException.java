package dev.perennial.core.kafka;

import dev.perennial.core.PerennialException;
import java.util.List;

/** Existing topics that differ from what Perennial needs; none of them is used as it is. */
public class TopicMismatchException extends PerennialException {

  private static final long serialVersionUID = 1L;

  private final List<String> mismatches;

  public TopicMismatchException(List<String> mismatches) {
    super(
        "Existing topics differ from what Perennial needs; fix or delete them:"
            + System.lineSeparator()
            + "  - "
            + String.join(System.lineSeparator() + "  - ", mismatches));
    this.mismatches = List.copyOf(mismatches);
  }

  /** One line per difference, each naming the topic and the setting. */
  public List<String> mismatches() {
    return mismatches;
  }
}
