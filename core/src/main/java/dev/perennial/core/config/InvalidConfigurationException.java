package dev.perennial.core.config;

import dev.perennial.core.PerennialException;
import java.util.List;

/** Every problem found in a configuration at once, each naming the key it is about. */
public class InvalidConfigurationException extends PerennialException {

  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public InvalidConfigurationException(List<String> problems) {
    super(describe(problems));
    this.problems = List.copyOf(problems);
  }

  /** One line per problem, each starting with the key it is about. */
  public List<String> problems() {
    return problems;
  }

  private static String describe(List<String> problems) {
    StringBuilder message =
        new StringBuilder("Invalid configuration (")
            .append(problems.size())
            .append(problems.size() == 1 ? " problem):" : " problems):");
    problems.forEach(
        problem -> message.append(System.lineSeparator()).append("  - ").append(problem));
    return message.toString();
  }
}
