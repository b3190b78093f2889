package dev.perennial.schemas.evolution;

import dev.perennial.schemas.SchemasException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
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
 * types inlined) in its published form. A published version never changes, since apps and
 * registries hold its text: {@code <root>/published.sha256} records every file's SHA-256 (in {@code
 * sha256sum}'s format), and a history whose files differ from it does not load. The schemas jar
 * carries the same files under {@value #RESOURCE_FOLDER} ({@link #bundled()}).
 */
public final class SchemaHistory {

  /** The file under the root that records the SHA-256 of every published version. */
  public static final String DIGESTS_FILE = "published.sha256";

  /** Where on the class path the build puts the history. */
  public static final String RESOURCE_FOLDER = "avro-history";

  private static final Pattern VERSION_FILE = Pattern.compile("v([1-9][0-9]*)\\.avsc");
  private static final Pattern DIGEST_LINE = Pattern.compile("([0-9a-f]{64})  (\\S+)");
  private static final Pattern DIGESTED_FILE = Pattern.compile("([^/]+)/v([1-9][0-9]*)\\.avsc");

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
   *     another record than its schemas, versions do not run v1, v2, ... without a gap, or the
   *     files are not those {@value #DIGESTS_FILE} records (one changed, is gone or is new)
   */
  public static SchemaHistory load(Path root) {
    Map<String, List<Schema>> versionsByRecord = new TreeMap<>();
    try (Stream<Path> folders = Files.list(root)) {
      for (Path folder : folders.filter(Files::isDirectory).sorted().toList()) {
        versionsByRecord.put(folder.getFileName().toString(), loadVersions(folder));
      }
      checkPublished(root, versionsByRecord);
    } catch (IOException e) {
      throw new SchemasException("cannot read schema history " + root + ": " + e, e);
    }
    return new SchemaHistory(root, versionsByRecord);
  }

  /**
   * The history the schemas jar carries: every version {@value #DIGESTS_FILE} lists, each checked
   * against its digest, so a process can read data written with any published version.
   *
   * @throws SchemasException if a listed file is missing, differs from its digest, or versions do
   *     not run v1, v2, ... without a gap
   */
  public static SchemaHistory bundled() {
    Map<String, Map<Integer, Schema>> byRecord = new TreeMap<>();
    try {
      Map<String, String> recorded =
          recordedDigests(
              "the bundled " + DIGESTS_FILE,
              new String(resource(DIGESTS_FILE), StandardCharsets.UTF_8).lines().toList());
      for (Map.Entry<String, String> published : recorded.entrySet()) {
        String file = published.getKey();
        Matcher recordAndVersion = DIGESTED_FILE.matcher(file);
        if (!recordAndVersion.matches()) {
          throw new SchemasException(
              "the bundled " + DIGESTS_FILE + " names " + file + ", not <Record>/vN.avsc");
        }
        byte[] text = resource(file);
        if (!sha256(text).equals(published.getValue())) {
          throw new SchemasException(
              "the bundled " + file + " is not the version " + DIGESTS_FILE + " records");
        }
        byRecord
            .computeIfAbsent(recordAndVersion.group(1), record -> new TreeMap<>())
            .put(Integer.parseInt(recordAndVersion.group(2)), parse(Path.of(file), text));
      }
    } catch (IOException e) {
      throw new SchemasException("cannot read the bundled schema history: " + e, e);
    }
    Path root = Path.of(RESOURCE_FOLDER);
    Map<String, List<Schema>> versionsByRecord = new TreeMap<>();
    byRecord.forEach(
        (record, versions) ->
            versionsByRecord.put(record, withoutGaps(root.resolve(record), versions)));
    return new SchemaHistory(root, versionsByRecord);
  }

  /** The bytes of {@code name} under {@value #RESOURCE_FOLDER} on the class path. */
  private static byte[] resource(String name) throws IOException {
    String path = RESOURCE_FOLDER + "/" + name;
    try (InputStream in = SchemaHistory.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new SchemasException(path + " is not on the class path");
      }
      return in.readAllBytes();
    }
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
        Schema schema = parse(file, Files.readAllBytes(file));
        if (!schema.getName().equals(folder.getFileName().toString())) {
          throw new SchemasException(
              file + " holds record " + schema.getFullName() + ", not " + folder.getFileName());
        }
        byVersion.put(Integer.parseInt(name.group(1)), schema);
      }
    }
    return withoutGaps(folder, byVersion);
  }

  private static List<Schema> withoutGaps(Path folder, Map<Integer, Schema> byVersion) {
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

  /**
   * The SHA-256 {@value #DIGESTS_FILE} records for each file it names, from its {@code lines};
   * {@code source} names it in the error.
   */
  private static Map<String, String> recordedDigests(String source, List<String> lines) {
    Map<String, String> recorded = new TreeMap<>();
    for (String line : lines) {
      Matcher digest = DIGEST_LINE.matcher(line);
      if (!digest.matches()) {
        throw new SchemasException(
            source + " has a line that is not \"<sha256>  <Record>/vN.avsc\": " + line);
      }
      recorded.put(digest.group(2), digest.group(1));
    }
    return recorded;
  }

  /** Refuses a history whose files are not byte for byte those {@value #DIGESTS_FILE} records. */
  private static void checkPublished(Path root, Map<String, List<Schema>> versionsByRecord)
      throws IOException {
    Path digestsFile = root.resolve(DIGESTS_FILE);
    if (!Files.exists(digestsFile)) {
      throw new SchemasException(
          digestsFile + " is missing: it records the SHA-256 of every published version");
    }
    Map<String, String> recorded =
        recordedDigests(digestsFile.toString(), Files.readAllLines(digestsFile));
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, List<Schema>> record : versionsByRecord.entrySet()) {
      int versions = record.getValue().size();
      for (int version = 1; version <= versions; version++) {
        String file = record.getKey() + "/v" + version + ".avsc";
        String digest = sha256(Files.readAllBytes(root.resolve(file)));
        String published = recorded.remove(file);
        if (published == null) {
          problems.add(
              file
                  + " is new: when publishing it, add to "
                  + DIGESTS_FILE
                  + ": "
                  + digest
                  + "  "
                  + file);
        } else if (!published.equals(digest)) {
          problems.add(
              file
                  + " changed after it was published ("
                  + DIGESTS_FILE
                  + " records "
                  + published
                  + ", the file has "
                  + digest
                  + "): apps and registries hold the published text, so restore it and publish"
                  + " the change as "
                  + record.getKey()
                  + "/v"
                  + (versions + 1)
                  + ".avsc");
        }
      }
    }
    for (String gone : recorded.keySet()) {
      problems.add(gone + " was published and is gone: a published version is never removed");
    }
    if (!problems.isEmpty()) {
      throw new SchemasException(
          "schema history " + root + " is not what was published:\n" + String.join("\n", problems));
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static Schema parse(Path file, byte[] text) {
    try {
      return new Schema.Parser().parse(new String(text, StandardCharsets.UTF_8));
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
