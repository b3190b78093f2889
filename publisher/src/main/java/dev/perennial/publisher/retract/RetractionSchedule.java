package dev.perennial.publisher.retract;

import dev.perennial.core.crypto.Digest;
import dev.perennial.publisher.PublisherException;
import dev.perennial.schemas.key.AdapterKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
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
 *
 * <p>Beside them, in {@code <root>/.retractions/given-up/}, the ERASURE jobs the worker gave up
 * ({@link GivenUpErasure}) before the publisher read them, written the same way before the
 * give-up's offset is committed, so the job's retraction does not wait when it is read, whatever
 * happened in between. One is removed with its job's schedule, or once it has been kept for the max
 * wait ({@link RetractionDeadlines}) when no schedule came of it (the job was decided before the
 * give-up was read).
 *
 * <p>And in {@code <root>/.retractions/unreadable/}, the {@code training-jobs.v1} records the
 * publisher could not read ({@link UnreadableJob}), written the same way before the record's offset
 * is committed: each may have been an ERASURE job, so its key stays quarantined for as long as the
 * file is there. The publisher never removes one: an operator does, which lifts the quarantine at
 * the next start.
 */
public final class RetractionSchedule {

  private static final Logger log = LoggerFactory.getLogger(RetractionSchedule.class);

  /** The folder under the release area's root (a dot name: the area's scan passes it by). */
  public static final String FOLDER = ".retractions";

  /** The folder under {@link #FOLDER} of the given-up jobs. */
  public static final String GIVEN_UP_FOLDER = "given-up";

  /** The folder under {@link #FOLDER} of the training jobs that could not be read. */
  public static final String UNREADABLE_FOLDER = "unreadable";

  private static final String SUFFIX = ".json";

  private final Path folder;
  private final Path givenUpFolder;
  private final Path unreadableFolder;
  private final SortedMap<String, ScheduledRetraction> pending = new TreeMap<>();
  private final SortedMap<String, GivenUpErasure> givenUp = new TreeMap<>();

  /** Read by readiness from other threads. */
  private final SortedMap<String, UnreadableJob> unreadable = new ConcurrentSkipListMap<>();

  /** Read by readiness and a gauge from other threads. */
  private final List<String> problems = new CopyOnWriteArrayList<>();

  /** The schedule of the release area at {@code areaRoot}; nothing is read before {@link #load}. */
  public RetractionSchedule(Path areaRoot) {
    this.folder = areaRoot.resolve(FOLDER);
    this.givenUpFolder = folder.resolve(GIVEN_UP_FOLDER);
    this.unreadableFolder = folder.resolve(UNREADABLE_FOLDER);
  }

  /**
   * Reads every schedule, given-up job and unreadable training job of the area. A file that cannot
   * be read is left in place, logged and named in {@link #problems()}: what it would retract is not
   * known, so nothing decides on it (a given-up job's retraction then waits when its job is read,
   * as without the give-up).
   */
  public void load() {
    pending.clear();
    givenUp.clear();
    unreadable.clear();
    problems.clear();
    readInto(
        pending,
        folder,
        ScheduledRetraction::parse,
        scheduled -> fileName(scheduled.key(), scheduled.jobId()),
        scheduled -> scheduled.key() + " job " + scheduled.jobId(),
        "A scheduled retraction cannot be read, nothing is decided on it");
    readInto(
        givenUp,
        givenUpFolder,
        GivenUpErasure::parse,
        job -> fileName(job.key(), job.jobId()),
        job -> job.key() + " job " + job.jobId(),
        "A given-up ERASURE job cannot be read: its retraction waits when the job is read");
    // an unreadable one's key is not known: the other keys cannot be held for it, readiness names
    // the file
    readInto(
        unreadable,
        unreadableFolder,
        UnreadableJob::parse,
        RetractionSchedule::fileName,
        job -> job.key() + " " + job.position(),
        "A kept unreadable training job cannot be read");
  }

  /**
   * Reads each file of {@code in} into {@code kept} under its name; one that cannot be parsed, or
   * whose content would be kept under another name, is logged with {@code unreadable} and named in
   * {@link #problems()}.
   */
  private <T> void readInto(
      Map<String, T> kept,
      Path in,
      Function<byte[], T> parse,
      Function<T, String> nameOf,
      Function<T, String> named,
      String unreadable) {
    for (Path file : files(in)) {
      try {
        T job = parse.apply(Files.readAllBytes(file));
        String name = nameOf.apply(job);
        if (!file.getFileName().toString().equals(name)) {
          throw new PublisherException("it names " + named.apply(job) + ", not its file name");
        }
        kept.put(name, job);
      } catch (IOException | PublisherException e) {
        String problem = file + ": " + e.getMessage();
        log.error("{}: {}", unreadable, problem);
        problems.add(problem);
      }
    }
  }

  /** The schedule files in {@code directory} (none when it does not exist). */
  private static List<Path> files(Path directory) {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(directory)) {
      return entries
          .filter(Files::isRegularFile)
          .filter(file -> file.getFileName().toString().endsWith(SUFFIX))
          .toList();
    } catch (IOException | UncheckedIOException e) {
      throw new PublisherException("Cannot list " + directory + ": " + e.getMessage(), e);
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
    return keepFirst(
        pending,
        folder,
        fileName(scheduled.key(), scheduled.jobId()),
        scheduled,
        ScheduledRetraction::bytes,
        "Cannot schedule the retraction of " + scheduled.key() + " " + scheduled.versions());
  }

  /**
   * Keeps a job the worker gave up unless it is kept already (then the first one stays).
   *
   * @throws PublisherException when the file cannot be written
   */
  public GivenUpErasure noteGivenUp(GivenUpErasure job) {
    return keepFirst(
        givenUp,
        givenUpFolder,
        fileName(job.key(), job.jobId()),
        job,
        GivenUpErasure::bytes,
        "Cannot keep that " + job.key() + " job " + job.jobId() + " was given up");
  }

  /**
   * Keeps a training job that could not be read unless it is kept already (then the first one
   * stays): its key is quarantined until an operator removes the file.
   *
   * @throws PublisherException when the file cannot be written
   */
  public UnreadableJob keepUnreadable(UnreadableJob job) {
    return keepFirst(
        unreadable,
        unreadableFolder,
        fileName(job),
        job,
        UnreadableJob::bytes,
        "Cannot keep that " + job.key() + " " + job.position() + " could not be read");
  }

  /**
   * Writes {@code job} as {@code name} in {@code in} and keeps it in {@code kept}, unless a job of
   * that name is kept already: then the first one stays.
   *
   * @return the job kept under the name
   * @throws PublisherException with {@code failure} when the file cannot be written
   */
  private <T> T keepFirst(
      Map<String, T> kept, Path in, String name, T job, Function<T, byte[]> bytes, String failure) {
    T known = kept.get(name);
    if (known != null) {
      return known;
    }
    write(in, name, bytes.apply(job), failure);
    kept.put(name, job);
    return job;
  }

  /** The file that keeps (or would keep) {@code job}: what an operator removes to lift it. */
  public Path file(UnreadableJob job) {
    return unreadableFolder.resolve(fileName(job));
  }

  /**
   * The training jobs that could not be read, each by the file that keeps it, in a stable order.
   */
  public SortedMap<Path, UnreadableJob> unreadable() {
    SortedMap<Path, UnreadableJob> kept = new TreeMap<>();
    unreadable.forEach((name, job) -> kept.put(unreadableFolder.resolve(name), job));
    return kept;
  }

  /** Whether (and how) the worker gave up the job, as far as it was kept. */
  public Optional<GivenUpErasure> givenUp(AdapterKey key, String jobId) {
    return Optional.ofNullable(givenUp.get(fileName(key, jobId)));
  }

  /** The retraction that waits for the job, if any. */
  public Optional<ScheduledRetraction> pending(AdapterKey key, String jobId) {
    return Optional.ofNullable(pending.get(fileName(key, jobId)));
  }

  /** Every given-up job kept, in a stable order. */
  public Collection<GivenUpErasure> givenUp() {
    return List.copyOf(givenUp.values());
  }

  /** Forgets a given-up job (its file is deleted). */
  public void forget(GivenUpErasure job) {
    String name = fileName(job.key(), job.jobId());
    delete(givenUpFolder, name);
    givenUp.remove(name);
  }

  /** Writes a file atomically, forced to disk with its folder. */
  private static void write(Path directory, String name, byte[] bytes, String failure) {
    Path file = directory.resolve(name);
    Path partial = directory.resolve("." + name + "." + UUID.randomUUID());
    try {
      Files.createDirectories(directory);
      Files.write(partial, bytes, StandardOpenOption.CREATE_NEW);
      force(partial);
      Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
      force(directory);
      force(directory.getParent());
    } catch (IOException e) {
      throw new PublisherException(failure + " in " + directory + ": " + e, e);
    } finally {
      try {
        Files.deleteIfExists(partial);
      } catch (IOException e) {
        log.warn("Cannot remove {}: {}", partial, e.toString());
      }
    }
  }

  private static void delete(Path directory, String name) {
    try {
      Files.deleteIfExists(directory.resolve(name));
      force(directory);
    } catch (NoSuchFileException e) {
      // the folder is gone: nothing to remove
    } catch (IOException e) {
      throw new PublisherException("Cannot remove " + directory.resolve(name) + ": " + e, e);
    }
  }

  /**
   * Forgets a schedule whose releases are retracted (its file is deleted), and the give-up of its
   * job if one was kept.
   */
  public void remove(ScheduledRetraction scheduled) {
    String name = fileName(scheduled.key(), scheduled.jobId());
    GivenUpErasure job = givenUp.get(name);
    if (job != null) {
      forget(job);
    }
    delete(folder, name);
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
  private static String fileName(AdapterKey key, String jobId) {
    return Digest.of((key + "\u0000" + jobId).getBytes(StandardCharsets.UTF_8)).hex() + SUFFIX;
  }

  private static String fileName(UnreadableJob job) {
    return Digest.of(job.id().getBytes(StandardCharsets.UTF_8)).hex() + SUFFIX;
  }

  private static void force(Path path) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}
