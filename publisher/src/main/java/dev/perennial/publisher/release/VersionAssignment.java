package dev.perennial.publisher.release;

import java.util.OptionalInt;

/**
 * The version a passed candidate gets, decided from the key's state alone, so the same verdict
 * never yields two versions: a candidate already in the release area keeps its version.
 */
public record VersionAssignment(int version, Kind kind) {

  public enum Kind {
    /** A fresh number: the next above every announced version and every folder. */
    NEW,
    /**
     * The candidate's folder exists but its announcement never committed (a crash in between):
     * announce that folder, write nothing.
     */
    UNANNOUNCED,
    /** The candidate is published already: nothing to do (a verdict delivered twice). */
    ALREADY_PUBLISHED
  }

  public static VersionAssignment assign(KeyState state, String candidateId) {
    OptionalInt existing = state.versionOf(candidateId);
    if (existing.isEmpty()) {
      return new VersionAssignment(state.nextVersion(), Kind.NEW);
    }
    int version = existing.getAsInt();
    return new VersionAssignment(
        version, state.isAnnounced(version) ? Kind.ALREADY_PUBLISHED : Kind.UNANNOUNCED);
  }
}
