package dev.perennial.trainer.accumulate;

import dev.perennial.schemas.v1.JobTrigger;
import java.util.List;

/**
 * A job the accumulator emitted, with the digests (hex) of the shards it trains on, holds out and
 * replays; {@code supersededBy} is set once an erasure removed data it trained on.
 *
 * @param carriedJobs earlier jobs whose data this one carries (their candidates had insufficient
 *     evidence); empty for none (and in entries written before rollovers)
 * @param rollover set once a verdict found its candidate's evidence insufficient: its data rolls
 *     into a later job of the key
 * @param rebaseTo the digest (hex) of the base a REBASE job moves the key to (null for other jobs)
 * @param distil whether a REBASE job asks to distil (after its key's carried-over candidate was
 *     refused); false in entries written before
 * @param undecided whether the evaluator found the candidate of a REBASE job undecided
 *     (insufficient evidence): the key is re-based again once its held-out pool has grown; false in
 *     entries written before
 * @param importId the import an IMPORT job starts from (null for other jobs)
 * @param refused whether the evaluator refused the candidate of a REBASE job; false in entries
 *     written before
 * @param announcedAt when the base a REBASE job moves the key to was announced (epoch millis) as
 *     the job was planned: announcing the base again afterwards re-bases a key whose last try was
 *     refused, undecided or given up; null for other jobs and in entries written before
 * @param sourceVersion the version of the key's release on the old base a REBASE job moves: the one
 *     it was planned from, then the one its candidate moved; null for other jobs and in entries
 *     written before
 * @param givenUp whether the worker gave the job up ({@code job-outcomes.v1}: training failed on
 *     every attempt, or it was skipped), so no candidate will come of it; false in entries written
 *     before. A given-up REBASE job is settled as a refused or undecided one is
 */
public record JobEntry(
    String jobId,
    JobTrigger trigger,
    List<String> trainShards,
    List<String> heldOutShards,
    List<String> replayShards,
    ErasureMark supersededBy,
    List<String> carriedJobs,
    Rollover rollover,
    String rebaseTo,
    boolean distil,
    boolean undecided,
    String importId,
    boolean refused,
    Long announcedAt,
    Integer sourceVersion,
    boolean givenUp) {

  /**
   * The data of a job whose candidate had insufficient evidence.
   *
   * @param into the later job of the key that carries it; null until one is sealed
   */
  public record Rollover(String candidateId, String into) {

    public boolean isPending() {
      return into == null;
    }
  }

  public JobEntry {
    carriedJobs = carriedJobs == null ? List.of() : List.copyOf(carriedJobs);
  }

  /** A job as sealed: nothing carried over into it, nothing rolled out of it yet. */
  public static JobEntry sealed(
      String jobId,
      JobTrigger trigger,
      List<String> trainShards,
      List<String> heldOutShards,
      List<String> replayShards,
      List<String> carriedJobs) {
    return new JobEntry(
        jobId,
        trigger,
        trainShards,
        heldOutShards,
        replayShards,
        null,
        carriedJobs,
        null,
        null,
        false,
        false,
        null,
        false,
        null,
        null,
        false);
  }

  /**
   * A REBASE job as sealed, moving the key's release {@code sourceVersion} to the base of digest
   * {@code rebaseTo} ({@code distil}: by distillation whatever the bases), planned on that base's
   * announcement of {@code announcedAt}.
   */
  public static JobEntry rebase(
      String jobId,
      List<String> trainShards,
      List<String> heldOutShards,
      String rebaseTo,
      boolean distil,
      long announcedAt,
      int sourceVersion) {
    return new JobEntry(
        jobId,
        JobTrigger.REBASE,
        trainShards,
        heldOutShards,
        List.of(),
        null,
        List.of(),
        null,
        rebaseTo,
        distil,
        false,
        null,
        false,
        announcedAt,
        sourceVersion,
        false);
  }

  /** An IMPORT job as sealed, starting from the import {@code importId}. */
  public static JobEntry imported(
      String jobId, List<String> trainShards, List<String> heldOutShards, String importId) {
    return new JobEntry(
        jobId,
        JobTrigger.IMPORT,
        trainShards,
        heldOutShards,
        List.of(),
        null,
        List.of(),
        null,
        null,
        false,
        false,
        importId,
        false,
        null,
        null,
        false);
  }

  /** This REBASE job with its candidate found undecided. */
  public JobEntry foundUndecided() {
    return new JobEntry(
        jobId,
        trigger,
        trainShards,
        heldOutShards,
        replayShards,
        supersededBy,
        carriedJobs,
        rollover,
        rebaseTo,
        distil,
        true,
        importId,
        refused,
        announcedAt,
        sourceVersion,
        givenUp);
  }

  /** This REBASE job as moving the key's release {@code version} (what its candidate moved). */
  public JobEntry moving(int version) {
    return new JobEntry(
        jobId,
        trigger,
        trainShards,
        heldOutShards,
        replayShards,
        supersededBy,
        carriedJobs,
        rollover,
        rebaseTo,
        distil,
        undecided,
        importId,
        refused,
        announcedAt,
        version,
        givenUp);
  }

  /** This REBASE job with its candidate refused. */
  public JobEntry foundRefused() {
    return new JobEntry(
        jobId,
        trigger,
        trainShards,
        heldOutShards,
        replayShards,
        supersededBy,
        carriedJobs,
        rollover,
        rebaseTo,
        distil,
        undecided,
        importId,
        true,
        announcedAt,
        sourceVersion,
        givenUp);
  }

  /** This job as given up by the worker: no candidate will come of it. */
  public JobEntry foundGivenUp() {
    return new JobEntry(
        jobId,
        trigger,
        trainShards,
        heldOutShards,
        replayShards,
        supersededBy,
        carriedJobs,
        rollover,
        rebaseTo,
        distil,
        undecided,
        importId,
        refused,
        announcedAt,
        sourceVersion,
        true);
  }

  /**
   * Whether this REBASE job was planned before the base's announcement of {@code
   * announcedAtMillis}: an entry written before announcements were recorded answers the current
   * one.
   */
  public boolean plannedBefore(long announcedAtMillis) {
    return announcedAt != null && announcedAt < announcedAtMillis;
  }

  /**
   * Whether this REBASE job was planned to move an older release than {@code version}; an entry
   * written before source versions were recorded counts as having moved it.
   */
  public boolean movedOlderThan(int version) {
    return sourceVersion != null && sourceVersion < version;
  }

  public JobEntry withShards(List<String> train, List<String> heldOut, List<String> replay) {
    return new JobEntry(
        jobId,
        trigger,
        train,
        heldOut,
        replay,
        supersededBy,
        carriedJobs,
        rollover,
        rebaseTo,
        distil,
        undecided,
        importId,
        refused,
        announcedAt,
        sourceVersion,
        givenUp);
  }

  public JobEntry supersededBy(ErasureMark mark) {
    return new JobEntry(
        jobId,
        trigger,
        trainShards,
        heldOutShards,
        replayShards,
        mark,
        carriedJobs,
        rollover,
        rebaseTo,
        distil,
        undecided,
        importId,
        refused,
        announcedAt,
        sourceVersion,
        givenUp);
  }

  public JobEntry rolledOver(Rollover newRollover) {
    return new JobEntry(
        jobId,
        trigger,
        trainShards,
        heldOutShards,
        replayShards,
        supersededBy,
        carriedJobs,
        newRollover,
        rebaseTo,
        distil,
        undecided,
        importId,
        refused,
        announcedAt,
        sourceVersion,
        givenUp);
  }
}
