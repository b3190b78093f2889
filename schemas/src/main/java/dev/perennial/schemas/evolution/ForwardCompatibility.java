package dev.perennial.schemas.evolution;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * FORWARD compatibility in the registry's transitive sense: a reader with any earlier schema, as an
 * app that copied a published version holds it, can read data written with the new one. The same
 * rules as {@link BackwardCompatibility}, the other way round.
 */
public final class ForwardCompatibility {

  private ForwardCompatibility() {}

  /**
   * Why readers with each of {@code readers} (oldest first) cannot read data written with {@code
   * writer}; empty when they all can.
   */
  public static List<String> problems(Schema writer, List<Schema> readers) {
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < readers.size(); i++) {
      String version = "v" + (i + 1) + " cannot read it: ";
      BackwardCompatibility.pairProblems(readers.get(i), writer)
          .forEach(problem -> problems.add(version + problem));
    }
    return problems;
  }
}
