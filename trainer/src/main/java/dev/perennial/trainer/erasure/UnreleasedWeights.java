package dev.perennial.trainer.erasure;

import dev.perennial.trainer.accumulate.CandidateEntry;
import dev.perennial.trainer.accumulate.ErasureMark;
import dev.perennial.trainer.accumulate.ReleaseEntry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which weight blobs of a tenant's candidates that were never released an erasure leaves to delete.
 * A candidate is purged when it holds erased data ({@link Taint}: its job's data was erased, or the
 * release it was trained on top of or moved onto a new base holds erased data), no release was made
 * of it (the publisher retracts and purges releases) and its weights were not purged already. Of
 * its blobs, those that another adapter of the tenant still holds are kept: a candidate that is not
 * purged (released, or trained on no erased data) and every release (content-addressed blobs are
 * shared: a REBASE carry-over copies its release's files). While a release's blobs are unknown
 * (learnt before they were recorded, and its candidate's too), nothing is purged.
 */
public final class UnreleasedWeights {

  private UnreleasedWeights() {}

  /** The erasure whose data a candidate of a key holds, or null. */
  @FunctionalInterface
  public interface Taint {
    ErasureMark of(String adapterKey, CandidateEntry candidate);
  }

  /** One adapter key's candidates and releases. */
  public record KeyLineage(
      String adapterKey,
      Collection<CandidateEntry> candidates,
      Collection<ReleaseEntry> releases) {}

  /**
   * One candidate's purge.
   *
   * @param delete its blobs (hex) to delete
   * @param shared its blobs that another adapter of the tenant holds, kept
   */
  public record Purge(
      String adapterKey,
      CandidateEntry candidate,
      ErasureMark mark,
      List<String> delete,
      List<String> shared) {}

  /**
   * What to purge now.
   *
   * @param waiting candidates that are to be purged but wait for {@code unknownReleases}
   * @param unknownReleases releases ({@code key vN}) whose blobs are unknown
   */
  public record Plan(List<Purge> purges, List<String> waiting, List<String> unknownReleases) {}

  /**
   * Every blob (hex) that a candidate not purged or a release of these keys holds, or empty while a
   * release's blobs are unknown (it could hold any). What a sweep of adapters that no record names
   * ({@link OrphanAdapterSweeper}) must keep.
   */
  public static Optional<Set<String>> heldBlobs(Collection<KeyLineage> keys) {
    Set<String> held = new HashSet<>();
    for (KeyLineage key : keys) {
      Map<String, CandidateEntry> byId = new HashMap<>();
      for (CandidateEntry candidate : key.candidates()) {
        byId.put(candidate.candidateId(), candidate);
        if (candidate.weightsPurgedBy() == null && candidate.weightBlobs() != null) {
          held.addAll(candidate.weightBlobs());
        }
      }
      for (ReleaseEntry release : key.releases()) {
        List<String> blobs = release.weightBlobs();
        CandidateEntry candidate = byId.get(release.candidateId());
        if (blobs == null && candidate != null) {
          blobs = candidate.weightBlobs();
        }
        if (blobs == null) {
          return Optional.empty();
        }
        held.addAll(blobs);
      }
    }
    return Optional.of(held);
  }

  public static Plan plan(Collection<KeyLineage> keys, Taint taint) {
    List<Purge> toPurge = new ArrayList<>();
    Set<String> held = new HashSet<>();
    List<String> unknownReleases = new ArrayList<>();
    for (KeyLineage key : keys) {
      Map<String, CandidateEntry> byId = new HashMap<>();
      Set<String> released = new HashSet<>();
      key.candidates().forEach(candidate -> byId.put(candidate.candidateId(), candidate));
      for (ReleaseEntry release : key.releases()) {
        released.add(release.candidateId());
        List<String> blobs = release.weightBlobs();
        CandidateEntry candidate = byId.get(release.candidateId());
        if (blobs == null && candidate != null) {
          blobs = candidate.weightBlobs();
        }
        if (blobs == null) {
          unknownReleases.add(key.adapterKey() + " v" + release.version());
        } else {
          held.addAll(blobs);
        }
      }
      for (CandidateEntry candidate : key.candidates()) {
        if (candidate.weightsPurgedBy() != null || candidate.weightBlobs() == null) {
          continue;
        }
        ErasureMark mark =
            released.contains(candidate.candidateId())
                ? null
                : taint.of(key.adapterKey(), candidate);
        if (mark == null) {
          held.addAll(candidate.weightBlobs());
        } else {
          toPurge.add(new Purge(key.adapterKey(), candidate, mark, List.of(), List.of()));
        }
      }
    }
    if (!unknownReleases.isEmpty()) {
      List<String> waiting =
          toPurge.stream().map(purge -> purge.candidate().candidateId()).toList();
      return new Plan(List.of(), waiting, unknownReleases);
    }
    List<Purge> purges = new ArrayList<>();
    for (Purge purge : toPurge) {
      List<String> delete = new ArrayList<>();
      List<String> shared = new ArrayList<>();
      for (String blob : purge.candidate().weightBlobs()) {
        (held.contains(blob) ? shared : delete).add(blob);
      }
      purges.add(new Purge(purge.adapterKey(), purge.candidate(), purge.mark(), delete, shared));
    }
    return new Plan(purges, List.of(), List.of());
  }
}
