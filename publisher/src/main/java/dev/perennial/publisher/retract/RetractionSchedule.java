package dev.perennial.publisher.retract;

import dev.perennial.core.crypto.Digest;
import dev.perennial.publisher.PublisherException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retractions that wait for a retrained release ({@link ScheduledRetraction}), kept in the
 * release area as {@code <root>/.retractions/<sha256 of key and job>.json}, so they outlive the
 * publisher's process: a new pod (same area) finds them at start. The publisher alone writes them,
 * on its one thread.
 *
 * <p>Like a release folder, a schedule is written (atomically, forced to disk) <em>before</em> the
 * transaction that audits it and commits the ERASURE job's offset: a job whose offset is committed
 * always left its schedule behind, and one whose transaction failed is delivered again and writes
 * the same file (the first {@code scheduledAt} stays). It is removed once its releases are
 * retracted in a committed state ({@link RetractionDeadlines}); a crash in between leaves a
 * schedule that the next start finds resolved and removes.
 */
public final class RetractionSchedule {

  private static final Logger log = LoggerFactory.getLogger(RetractionSchedule.class);

  /** The folder under the release area's root (a dot name: the area's scan passes it by). */
  public static final String FOLDER = ".retractions";

  private static final String SUFFIX = ".json";

  private final Path folder;
  private final SortedMap<String, ScheduledRetraction> pending = new TreeMap<>();
  private final List<String> problems = new ArrayList<>();

  /** The schedule of the release area at {@code areaRoot}; nothing is read before {@link #load}. */
  public RetractionSchedule(Path areaRoot) {
    this.folder = areaRoot.resolve(FOLDER);
  }

  /**
   * Reads every schedule of the area. A file that cannot be read is left in place, logged and named
   * in {@link #problems()}: what it would retract is not known, so nothing decides on it.
   */
  public void load() {
    pending.clear();
    problems.clear();
    if (!Files.isDirectory(folder)) {
      return;
    }
    List<Path> files;
    try (Stream<Path> entries = Files.list(folder)) {
      files = entries.filter(file -> file.getFileName().toString().endsWith(SUFFIX)).toList();
    } catch (IOException | UncheckedIOException e) {
      throw new PublisherException("Cannot list " + folder + ": " + e.getMessage(), e);
    }
    for (Path file : files) {
      try {
        ScheduledRetraction scheduled = ScheduledRetraction.parse(Files.readAllBytes(file));
        if (!file.getFileName().toString().equals(fileName(scheduled))) {
          throw new PublisherException(
              "it names " + scheduled.key() + " job " + scheduled.jobId() + ", not its file name");
        }
        pending.put(fileName(scheduled), scheduled);
      } catch (IOException | PublisherException e) {
        String problem = file + ": " + e.getMessage();
        log.error("A scheduled retraction cannot be read, nothing is decided on it: {}", problem);
        problems.add(problem);
      }
    }
  }

  /**
   * Keeps {@code scheduled} unless its job is scheduled already (then the first one stays, with its
   * {@code scheduledAt}).
   *
   * @return what is scheduled for the job
   * @throws PublisherException when the file cannot be written
   */
  public ScheduledRetraction add(ScheduledRetraction scheduled) {
    String name = fileName(scheduled);
    ScheduledRetraction known = pending.get(name);
    if (known != null) {
      return known;
    }
    Path file = folder.resolve(name);
    Path partial = folder.resolve("." + name + "." + UUID.randomUUID());
    try {
      Files.createDirectories(folder);
      Files.write(partial, scheduled.bytes(), StandardOpenOption.CREATE_NEW);
      force(partial);
      Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
      force(folder);
      force(folder.getParent());
    } catch (IOException e) {
      throw new PublisherException(
          "Cannot schedule the retraction of "
              + scheduled.key()
              + " "
              + scheduled.versions()
              + " in "
              + folder
              + ": "
              + e,
          e);
    } finally {
      try {
        Files.deleteIfExists(partial);
      } catch (IOException e) {
        log.warn("Cannot remove {}: {}", partial, e.toString());
      }
    }
    pending.put(name, scheduled);
    return scheduled;
  }

  /** Forgets a schedule whose releases are retracted (its file is deleted). */
  public void remove(ScheduledRetraction scheduled) {
    String name = fileName(scheduled);
    try {
      Files.deleteIfExists(folder.resolve(name));
      force(folder);
    } catch (NoSuchFileException e) {
      // the folder is gone: nothing to remove
    } catch (IOException e) {
      throw new PublisherException(
          "Cannot remove the scheduled retraction " + folder.resolve(name) + ": " + e, e);
    }
    pending.remove(name);
  }

  /** What waits, in a stable order. */
  public Collection<ScheduledRetraction> pending() {
    return List.copyOf(pending.values());
  }

  /** The files {@link #load} could not read, each with why. */
  public List<String> problems() {
    return List.copyOf(problems);
  }

  /** One file per key and job: a name of fixed shape, whatever the job id holds. */
  private static String fileName(ScheduledRetraction scheduled) {
    return Digest.of(
                (scheduled.key() + "\u0000" + scheduled.jobId()).getBytes(StandardCharsets.UTF_8))
            .hex()
        + SUFFIX;
  }

  private static void force(Path path) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}
