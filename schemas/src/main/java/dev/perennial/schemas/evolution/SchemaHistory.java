package dev.perennial.schemas.evolution;

import dev.perennial.schemas.SchemasException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * The published versions of every record schema, kept in the repository as {@code
 * <root>/<RecordName>/v1.avsc}, {@code v2.avsc}, ...: each file a self-contained schema (named
 * types inlined) in its published form.
 */
public final class SchemaHistory {

  private static final Pattern VERSION_FILE = Pattern.compile("v([1-9][0-9]*)\\.avsc");

  private final Path root;
  private final Map<String, List<Schema>> versionsByRecord;

  private SchemaHistory(Path root, Map<String, List<Schema>> versionsByRecord) {
    this.root = root;
    this.versionsByRecord = versionsByRecord;
  }

  /**
   * Reads the history under {@code root}.
   *
   * @throws SchemasException naming the file, if a file is not a schema, a folder is named after
   *     another record than its schemas, or versions do not run v1, v2, ... without a gap
   */
  public static SchemaHistory load(Path root) {
    Map<String, List<Schema>> versionsByRecord = new TreeMap<>();
    try (Stream<Path> folders = Files.list(root)) {
      for (Path folder : folders.filter(Files::isDirectory).sorted().toList()) {
        versionsByRecord.put(folder.getFileName().toString(), loadVersions(folder));
      }
    } catch (IOException e) {
      throw new SchemasException("cannot read schema history " + root + ": " + e, e);
    }
    return new SchemaHistory(root, versionsByRecord);
  }

  private static List<Schema> loadVersions(Path folder) throws IOException {
    Map<Integer, Schema> byVersion = new TreeMap<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : files.sorted().toList()) {
        Matcher name = VERSION_FILE.matcher(file.getFileName().toString());
        if (!name.matches()) {
          throw new SchemasException(
              "unexpected file " + file + " in schema history: versions are named v1.avsc, ...");
        }
        Schema schema = parse(file);
        if (!schema.getName().equals(folder.getFileName().toString())) {
          throw new SchemasException(
              file + " holds record " + schema.getFullName() + ", not " + folder.getFileName());
        }
        byVersion.put(Integer.parseInt(name.group(1)), schema);
      }
    }
    List<Schema> versions = new ArrayList<>();
    for (Map.Entry<Integer, Schema> entry : byVersion.entrySet()) {
      if (entry.getKey() != versions.size() + 1) {
        throw new SchemasException(
            "schema history " + folder + " misses v" + (versions.size() + 1) + ".avsc");
      }
      versions.add(entry.getValue());
    }
    return List.copyOf(versions);
  }

  private static Schema parse(Path file) throws IOException {
    try {
      return new Schema.Parser().parse(file.toFile());
    } catch (SchemaParseException e) {
      throw new SchemasException(file + " is not a valid Avro schema: " + e.getMessage(), e);
    }
  }

  /** The names of the records that have a history. */
  public List<String> recordNames() {
    return List.copyOf(versionsByRecord.keySet());
  }

  /**
   * Every published version of {@code recordName}, v1 first.
   *
   * @throws SchemasException if the record has no history
   */
  public List<Schema> versions(String recordName) {
    List<Schema> versions = versionsByRecord.get(recordName);
    if (versions == null || versions.isEmpty()) {
      throw new SchemasException(
          "no schema history for " + recordName + ": add " + fileFor(recordName, 1));
    }
    return versions;
  }

  /** Where version {@code version} of {@code recordName} lies. */
  public Path fileFor(String recordName, int version) {
    return root.resolve(recordName).resolve("v" + version + ".avsc");
  }
}
