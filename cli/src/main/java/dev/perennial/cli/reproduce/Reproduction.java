package dev.perennial.cli.reproduce;

import dev.perennial.core.crypto.Digest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeSet;

/**
 * What rebuilding a release found: its files rebuilt bit-identically ({@link Outcome#REPRODUCED}),
 * or not ({@link Outcome#DIFFERS}); data it was trained on deleted by an erasure, so that it can
 * never be rebuilt ({@link Outcome#ERASED}); or a manifest or store that lacks what training needs
 * ({@link Outcome#INCOMPLETE}). Each outcome has its own exit status.
 */
public record Reproduction(Outcome outcome, List<String> lines) {

  /** How a rebuild ended, and the exit status {@code releases reproduce} gives it. */
  public enum Outcome {
    REPRODUCED(0),
    DIFFERS(1),
    ERASED(3),
    INCOMPLETE(4);

    private final int exitCode;

    Outcome(int exitCode) {
      this.exitCode = exitCode;
    }

    public int exitCode() {
      return exitCode;
    }
  }

  /**
   * Every file of the release against the rebuilt one, digest by digest; a file on one side only
   * differs too.
   */
  public static Reproduction compared(
      SortedMap<String, Digest> released, Map<String, Digest> rebuilt) {
    List<String> lines = new ArrayList<>();
    boolean same = true;
    TreeSet<String> names = new TreeSet<>(released.keySet());
    names.addAll(rebuilt.keySet());
    for (String name : names) {
      Digest was = released.get(name);
      Digest now = rebuilt.get(name);
      boolean equal = was != null && was.equals(now);
      same &= equal;
      lines.add(String.format("  %-9s %s", equal ? "same" : "DIFFERS", name));
      lines.add("    released " + (was == null ? "(no such file)" : was));
      lines.add("    rebuilt  " + (now == null ? "(no such file)" : now));
    }
    lines.add(
        same
            ? "reproduced: every file is bit-identical"
            : "differs: the rebuilt adapter is not the released one");
    return new Reproduction(same ? Outcome.REPRODUCED : Outcome.DIFFERS, lines);
  }

  /**
   * Data the release was trained on is gone from the store. When an erasure replaced the release,
   * or rewrote a lost shard, the release is not reproducible by design.
   */
  public static Reproduction lost(List<LostData.Lost> lost, LostData.Replacement replacement) {
    List<String> lines = new ArrayList<>();
    Optional<LostData.Erasure> erasure = replacement.erasure();
    boolean erased = erasure.isPresent();
    for (LostData.Lost each : lost) {
      erased |= each.rewrittenAs().isPresent();
      lines.add(
          "  gone: "
              + each.what()
              + " "
              + each.digest()
              + each.rewrittenAs()
                  .map(
                      digest ->
                          " (deleted by an erasure: rewritten as "
                              + digest
                              + " without the erased subject's examples)")
                  .orElse(""));
    }
    erasure.ifPresent(
        found ->
            lines.add(
                "  erasure "
                    + found.requestId()
                    + " replaced this release with v"
                    + found.replacedBy()
                    + " (its manifest and the audit record name the request)"));
    replacement
        .unreadable()
        .forEach(
            version ->
                lines.add(
                    "  cannot read the later release "
                        + version
                        + " (it may be an erasure's replacement of this one)"));
    lines.add(
        erased
            ? "not reproducible by design: an erasure deleted data this release was trained on"
            : "cannot rebuild: data this release was trained on is gone from the artifact store,"
                + (replacement.unreadable().isEmpty()
                    ? " and no erasure names it"
                    : " and no readable later release names an erasure"));
    return new Reproduction(erased ? Outcome.ERASED : Outcome.INCOMPLETE, lines);
  }

  /** What the manifest or this installation lacks to train the release again. */
  public static Reproduction incomplete(List<String> reasons) {
    List<String> lines = new ArrayList<>();
    reasons.forEach(reason -> lines.add("  " + reason));
    lines.add("cannot rebuild: the manifest does not record everything training needs");
    return new Reproduction(Outcome.INCOMPLETE, lines);
  }

  /** Notes on what may keep a rebuild from being bit-identical, printed before the result. */
  public static List<String> notes(
      String releasedDevice, String device, String releasedTrainer, String trainer) {
    List<String> notes = new ArrayList<>();
    if (!releasedDevice.equals(device)) {
      notes.add(
          "note: trained on "
              + releasedDevice
              + ", rebuilt on "
              + device
              + ": training is bit-identical on one kind of device only (GPU kernels and CPU"
              + " kernels round differently)");
    }
    if (!releasedTrainer.equals(trainer)) {
      notes.add(
          "note: trained by trainer "
              + releasedTrainer
              + ", rebuilt by "
              + trainer
              + ": a different trainer may train differently");
    }
    return notes;
  }
}
