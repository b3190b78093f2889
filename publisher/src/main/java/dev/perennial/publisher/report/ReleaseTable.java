package dev.perennial.publisher.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.core.crypto.Digest;
import dev.perennial.publisher.release.BaseChoice;
import dev.perennial.publisher.release.KeyState;
import dev.perennial.publisher.release.PurgeNotice;
import dev.perennial.publisher.release.ReleaseRegistry;
import dev.perennial.publisher.release.StoredRelease;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The release table people read at the end of a local run and from {@code perennial releases list}:
 * one row per published version, newest first within a key, with its base model, its aliases (on
 * that base), whether it is retracted ({@code retracted,purged} once its weights are deleted), the
 * exact match on its new facts, and its gates (the evaluation's key metrics). By default it lists
 * each key's versions on the key's newest base; a {@link BaseChoice} picks another base or every
 * base. Asked for one base, a key with no release on it (one not yet re-based onto a new base) has
 * one row saying where its {@code stable} is instead. A quarantined version (its manifest did not
 * verify with the pinned keys) is listed on every base as {@code quarantined}, with its aliases and
 * none of what its manifest claims (base, published time, gates: {@code -}).
 *
 * <pre>
 * KEY           VERSION  BASE            ALIASES  STATUS     PUBLISHED             NEW-FACT EM                        GATES
 * acme/support  v2       perennial-tiny  stable   published  2025-06-01T12:00:00Z  0.95 of 20 taught, 0.33 of 6 unseen  learning 0.820 ok, leakage 0.400 ok
 * acme/support  v1       perennial-tiny  -        retracted  2025-06-01T11:00:00Z  0.50 of 4                          learning 0.790 ok, leakage 0.300 ok
 * </pre>
 */
public final class ReleaseTable {

  private static final String[] HEADER = {
    "KEY", "VERSION", "BASE", "ALIASES", "STATUS", "PUBLISHED", "NEW-FACT EM", "GATES"
  };

  private ReleaseTable() {}

  /** The table of each key's newest base. */
  public static String render(ReleaseRegistry registry) {
    return render(registry, BaseChoice.NEWEST);
  }

  /**
   * The table, ending in a newline; a line saying so when nothing is published.
   *
   * @throws IllegalArgumentException when no key has a release on a named base (a base never
   *     released on, or a misspelt one), naming the bases each key has
   */
  public static String render(ReleaseRegistry registry, BaseChoice choice) {
    List<String[]> rows = new ArrayList<>();
    List<KeyState> notOnBase = new ArrayList<>();
    for (KeyState state : registry.keys().values()) {
      if (state.latestVersion() == 0) {
        continue;
      }
      if (!choice.covers(state)) {
        notOnBase.add(state);
        rows.add(notOnBase(state, choice.requested()));
        continue;
      }
      List<Digest> bases = choice.select(state);
      List<StoredRelease> releases = new ArrayList<>(state.releases().values());
      Collections.reverse(releases);
      for (StoredRelease release : releases) {
        if (!state.isAnnounced(release.version())) {
          continue;
        }
        if (state.isQuarantined(release.version())) {
          rows.add(quarantined(state, release.version()));
        } else if (bases.contains(release.manifest().baseModelDigest())) {
          rows.add(row(state, release));
        }
      }
    }
    if (rows.isEmpty()) {
      return "No releases yet.\n";
    }
    if (notOnBase.size() == rows.size()) {
      throw new IllegalArgumentException(
          "no key has a release on base "
              + choice.requested()
              + "; "
              + notOnBase.stream()
                  .map(state -> state.key() + " has " + BaseChoice.bases(state))
                  .collect(Collectors.joining("; ")));
    }
    int[] widths = new int[HEADER.length];
    for (String[] row : prepend(HEADER, rows)) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder table = new StringBuilder();
    for (String[] row : prepend(HEADER, rows)) {
      for (int i = 0; i < row.length; i++) {
        boolean last = i == row.length - 1;
        table.append(last ? row[i] : String.format(Locale.ROOT, "%-" + widths[i] + "s  ", row[i]));
      }
      table.append('\n');
    }
    return table.toString();
  }

  private static String[] row(KeyState state, StoredRelease release) {
    int version = release.version();
    Digest base = release.manifest().baseModelDigest();
    List<String> aliases =
        state.aliases(base).entrySet().stream()
            .filter(alias -> alias.getValue() == version)
            .map(Map.Entry::getKey)
            .toList();
    return new String[] {
      state.key().toString(),
      "v" + version,
      state.baseName(base),
      aliases.isEmpty() ? "-" : String.join(",", aliases),
      state.isRetracted(version)
          ? (PurgeNotice.isPurged(release.folder()) ? "retracted,purged" : "retracted")
          : "published",
      release.manifest().publishedAt().toString(),
      newFactExactMatch(release.manifest().evaluationMetrics()),
      gates(release.manifest().tree().path("evaluation").path("gates"))
    };
  }

  /** A quarantined version's row: its aliases on any base, nothing its manifest claims. */
  private static String[] quarantined(KeyState state, int version) {
    List<String> aliases =
        state.baseAliases().values().stream()
            .flatMap(onBase -> onBase.entrySet().stream())
            .filter(alias -> alias.getValue() == version)
            .map(Map.Entry::getKey)
            .distinct()
            .toList();
    return new String[] {
      state.key().toString(),
      "v" + version,
      "-",
      aliases.isEmpty() ? "-" : String.join(",", aliases),
      state.isRetracted(version) ? "retracted,quarantined" : "quarantined",
      "-",
      "-",
      "-"
    };
  }

  /**
   * The row of a key with no release on the base asked for (not yet re-based onto it): where its
   * newest base's {@code stable} points instead.
   */
  private static String[] notOnBase(KeyState state, String base) {
    String stays =
        state
            .newestBase()
            .map(
                newest ->
                    state
                        .alias(newest, "stable")
                        .map(version -> "stable v" + version + " on " + state.baseName(newest))
                        .orElse("no stable on " + state.baseName(newest)))
            .orElse("no release");
    return new String[] {
      state.key().toString(), "-", base, "-", "not on this base: " + stays, "-", "-", "-"
    };
  }

  /**
   * Exact match on the new data: {@code 0.90 of 20 taught, 0.00 of 10 unseen} (the questions its
   * job trained on, then its held-out questions, asked in no form it trained on); {@code 0.83 of 6}
   * for a release evaluated before taught questions were measured; {@code -} without any.
   */
  static String newFactExactMatch(Map<String, Double> metrics) {
    String unseen = exactMatch(metrics, "learning.exact.match", "learning.questions");
    String taught = exactMatch(metrics, "learning.taught.exact.match", "learning.taught.questions");
    if (taught == null) {
      return unseen == null ? "-" : unseen;
    }
    return taught + " taught, " + (unseen == null ? "none" : unseen) + " unseen";
  }

  private static String exactMatch(Map<String, Double> metrics, String match, String questions) {
    Double value = metrics.get(match);
    Double count = metrics.get(questions);
    if (value == null || count == null || count == 0) {
      return null;
    }
    return String.format(Locale.ROOT, "%.2f of %d", value, Math.round(count));
  }

  /** {@code learning 0.820 ok, leakage 0.400 ok}. */
  static String gates(JsonNode gates) {
    List<String> parts = new ArrayList<>();
    gates.forEach(
        gate ->
            parts.add(
                String.format(
                    Locale.ROOT,
                    "%s %.3f %s",
                    gate.path("name").asText(),
                    gate.path("value").asDouble(),
                    gate.path("passed").asBoolean() ? "ok" : "FAILED")));
    return parts.isEmpty() ? "-" : parts.stream().collect(Collectors.joining(", "));
  }

  private static List<String[]> prepend(String[] header, List<String[]> rows) {
    List<String[]> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    return all;
  }
}
