package dev.perennial.ingest.app;

import dev.perennial.core.files.Folders;
import dev.perennial.ingest.topology.IngestTopology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consent table earlier versions of ingest kept in RocksDB ({@code <state.dir>/<application
 * id>/<task>/rocksdb/ingest-consent-store}): its files keep raw {@code tenant/subject} ids, erased
 * ones included, until RocksDB happens to compact them. The table is in memory now and Streams no
 * longer opens that folder, so nothing else would ever remove it: ingest deletes it at start,
 * before Streams takes its task folders.
 */
final class RetiredConsentStore {

  private static final Logger log = LoggerFactory.getLogger(RetiredConsentStore.class);

  private RetiredConsentStore() {}

  /**
   * Deletes every task's RocksDB consent folder of {@code applicationId} under {@code stateDir}.
   *
   * @return the folders deleted
   */
  static List<Path> delete(Path stateDir, String applicationId) {
    Path application = stateDir.resolve(applicationId);
    if (!Files.isDirectory(application)) {
      return List.of();
    }
    List<Path> retired;
    try (Stream<Path> tasks = Files.list(application)) {
      retired =
          tasks
              .map(task -> task.resolve("rocksdb").resolve(IngestTopology.CONSENT_STORE))
              .filter(Files::isDirectory)
              .sorted()
              .toList();
    } catch (IOException | UncheckedIOException e) {
      throw new IllegalStateException(
          "Cannot list ingest's state folder " + application + ": " + e, e);
    }
    for (Path folder : retired) {
      Folders.deleteRecursively(folder);
      log.info(
          "Deleted {}: the consent table an earlier version kept on disk (it is in memory now)",
          folder);
    }
    return retired;
  }
}
