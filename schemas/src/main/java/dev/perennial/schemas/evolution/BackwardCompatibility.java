package dev.perennial.schemas.evolution;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

/**
 * BACKWARD compatibility in the registry's transitive sense: a reader with the new schema can read
 * data written with every earlier one.
 */
public final class BackwardCompatibility {

  private BackwardCompatibility() {}

  /**
   * Why {@code reader} cannot read data written with each of {@code writers} (oldest first); empty
   * when it can read them all.
   */
  public static List<String> problems(Schema reader, List<Schema> writers) {
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < writers.size(); i++) {
      SchemaCompatibility.SchemaPairCompatibility pair =
          SchemaCompatibility.checkReaderWriterCompatibility(reader, writers.get(i));
      for (Incompatibility incompatibility : pair.getResult().getIncompatibilities()) {
        problems.add(
            "cannot read v"
                + (i + 1)
                + ": "
                + incompatibility.getType()
                + " at "
                + incompatibility.getLocation()
                + ": "
                + incompatibility.getMessage());
      }
    }
    return problems;
  }
}
