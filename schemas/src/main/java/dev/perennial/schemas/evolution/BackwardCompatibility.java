package dev.perennial.schemas.evolution;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

/**
 * BACKWARD compatibility in the registry's transitive sense: a reader with the new schema can read
 * data written with every earlier one. Avro's {@link SchemaCompatibility} decides, and one more
 * rule it lacks: a value keeps its logical type ({@code timestamp-millis} read as {@code
 * timestamp-micros}, or a decimal read with another scale, is compatible to Avro but every old
 * value would be read as another one).
 */
public final class BackwardCompatibility {

  /** The problem type of a changed logical type, beside Avro's own {@code IncompatibilityType}s. */
  public static final String LOGICAL_TYPE_CHANGED = "LOGICAL_TYPE_CHANGED";

  private BackwardCompatibility() {}

  /**
   * Why {@code reader} cannot read data written with each of {@code writers} (oldest first); empty
   * when it can read them all.
   */
  public static List<String> problems(Schema reader, List<Schema> writers) {
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < writers.size(); i++) {
      String version = "cannot read v" + (i + 1) + ": ";
      pairProblems(reader, writers.get(i)).forEach(problem -> problems.add(version + problem));
    }
    return problems;
  }

  /**
   * Why {@code reader} cannot read data written with {@code writer}: Avro's incompatibilities and
   * every changed logical type; empty when it can.
   */
  static List<String> pairProblems(Schema reader, Schema writer) {
    List<String> problems = new ArrayList<>();
    SchemaCompatibility.SchemaPairCompatibility pair =
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    for (Incompatibility incompatibility : pair.getResult().getIncompatibilities()) {
      problems.add(
          incompatibility.getType()
              + " at "
              + incompatibility.getLocation()
              + ": "
              + incompatibility.getMessage());
    }
    for (String changed : logicalTypeChanges(reader, writer)) {
      problems.add(LOGICAL_TYPE_CHANGED + " at " + changed);
    }
    return problems;
  }

  /**
   * Where a value that {@code writer} wrote is read by {@code reader} with another logical type (or
   * with one where it had none, or none where it had one), walking the two as Avro resolves them.
   */
  static List<String> logicalTypeChanges(Schema reader, Schema writer) {
    List<String> changes = new ArrayList<>();
    walk(reader, writer, "", true, changes, new HashSet<>());
    return changes;
  }

  /**
   * Where a value that {@code writer} wrote with one logical type is read by {@code reader} with
   * another: what a reader must refuse in a foreign writer's schema. A value written without a
   * logical type is read as the reader's (apps in languages without logical types write plain
   * longs), so only two declared, different ones conflict.
   */
  public static List<String> conflictingLogicalTypes(Schema reader, Schema writer) {
    List<String> conflicts = new ArrayList<>();
    walk(reader, writer, "", false, conflicts, new HashSet<>());
    return conflicts;
  }

  private static void walk(
      Schema reader,
      Schema writer,
      String path,
      boolean plainDiffers,
      List<String> changes,
      Set<String> seen) {
    if (writer.getType() == Schema.Type.UNION) {
      for (Schema branch : writer.getTypes()) {
        walk(reader, branch, path, plainDiffers, changes, seen);
      }
      return;
    }
    if (reader.getType() == Schema.Type.UNION) {
      Schema branch = readerBranch(reader, writer);
      if (branch != null) {
        walk(branch, writer, path, plainDiffers, changes, seen);
      }
      return;
    }
    LogicalType read = reader.getLogicalType();
    LogicalType written = writer.getLogicalType();
    if (!sameLogicalType(read, written) && (plainDiffers || (read != null && written != null))) {
      changes.add(
          (path.isEmpty() ? "/" : path)
              + ": written as "
              + describe(writer, written)
              + ", read as "
              + describe(reader, read));
    }
    switch (reader.getType()) {
      case RECORD -> {
        if (writer.getType() != Schema.Type.RECORD
            || !seen.add(reader.getFullName() + "<" + writer.getFullName())) {
          return;
        }
        for (Schema.Field field : reader.getFields()) {
          Schema.Field source = writerField(writer, field);
          if (source != null) {
            walk(
                field.schema(),
                source.schema(),
                path + "/" + field.name(),
                plainDiffers,
                changes,
                seen);
          }
        }
      }
      case ARRAY -> {
        if (writer.getType() == Schema.Type.ARRAY) {
          walk(
              reader.getElementType(),
              writer.getElementType(),
              path + "[]",
              plainDiffers,
              changes,
              seen);
        }
      }
      case MAP -> {
        if (writer.getType() == Schema.Type.MAP) {
          walk(
              reader.getValueType(),
              writer.getValueType(),
              path + "{}",
              plainDiffers,
              changes,
              seen);
        }
      }
      default -> {}
    }
  }

  /** The field of {@code writer} that {@code field} reads: the same name, or one of its aliases. */
  private static Schema.Field writerField(Schema writer, Schema.Field field) {
    Schema.Field same = writer.getField(field.name());
    if (same != null) {
      return same;
    }
    for (String alias : field.aliases()) {
      Schema.Field aliased = writer.getField(alias);
      if (aliased != null) {
        return aliased;
      }
    }
    return null;
  }

  /** The branch of the reader's union that data of {@code writer} resolves to, first match wins. */
  private static Schema readerBranch(Schema reader, Schema writer) {
    for (Schema branch : reader.getTypes()) {
      if (branch.getType() == writer.getType()
          && (!isNamed(branch) || branch.getName().equals(writer.getName()))) {
        return branch;
      }
    }
    return null;
  }

  private static boolean isNamed(Schema schema) {
    return switch (schema.getType()) {
      case RECORD, ENUM, FIXED -> true;
      default -> false;
    };
  }

  /** The same logical type by name, and for decimals the same precision and scale. */
  private static boolean sameLogicalType(LogicalType a, LogicalType b) {
    if (a == null || b == null) {
      return a == b;
    }
    return a.getName().equals(b.getName())
        && (!(a instanceof LogicalTypes.Decimal) || Objects.equals(a, b));
  }

  private static String describe(Schema schema, LogicalType logicalType) {
    String type = schema.getType().getName();
    if (logicalType == null) {
      return "plain " + type;
    }
    if (logicalType instanceof LogicalTypes.Decimal decimal) {
      return type + " decimal(" + decimal.getPrecision() + ", " + decimal.getScale() + ")";
    }
    return type + " " + logicalType.getName();
  }
}
