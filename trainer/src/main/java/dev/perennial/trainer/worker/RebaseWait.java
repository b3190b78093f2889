package dev.perennial.trainer.worker;

import dev.perennial.schemas.release.StableRelease;
import dev.perennial.schemas.v1.TrainingJob;
import java.util.List;
import java.util.Optional;

/**
 * Whether an ordinary job (a seal's, or a manual one) must wait for its key to move to the worker's
 * base. A key whose stable release is on another base, with none on the worker's, would otherwise
 * get a fresh adapter that knows only this job's data: the update would silently drop what the
 * release learnt. Its data stays in its shards, and the key's REBASE job onto the worker's base
 * trains on all of them.
 */
final class RebaseWait {

  private RebaseWait() {}

  /**
   * Why {@code job} must wait, or empty when it may train.
   *
   * @param workerBase the digest of the base the worker trains ordinary jobs on
   * @param stable the key's stable release on that base
   * @param elsewhere the key's stable releases on other bases
   */
  static Optional<String> reason(
      TrainingJob job,
      String workerBase,
      Optional<StableRelease> stable,
      List<StableRelease> elsewhere) {
    if (!StableRelease.isContinuedBy(job.getTrigger())
        || stable.isPresent()
        || elsewhere.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(message(job.getAdapterKey(), workerBase, elsewhere.get(0)));
  }

  /** The reason a key whose stable release {@code release} is on another base waits. */
  static String message(String adapterKey, String workerBase, StableRelease release) {
    return adapterKey
        + " has no stable release on this worker's base "
        + workerBase
        + " but v"
        + release.version()
        + " on base "
        + release.baseModelDigest()
        + ": a fresh adapter would drop what v"
        + release.version()
        + " learnt, so the job's data waits in its shards for the key's REBASE job onto this"
        + " base (perennial bases announce; announcing it again retries a key whose last REBASE"
        + " job was refused, undecided or given up), which trains on all of them";
  }
}
