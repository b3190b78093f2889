package dev.perennial.cli;

import dev.perennial.core.PerennialException;
import dev.perennial.core.crypto.Digest;
import dev.perennial.publisher.config.PublisherConfig;
import dev.perennial.publisher.manifest.ManifestException;
import dev.perennial.publisher.release.BaseChoice;
import dev.perennial.publisher.release.KeyState;
import dev.perennial.publisher.release.PurgeNotice;
import dev.perennial.publisher.release.ReleaseRegistry;
import dev.perennial.publisher.release.StoredRelease;
import dev.perennial.publisher.report.ReleaseTable;
import dev.perennial.publisher.retract.WeightPurge;
import dev.perennial.publisher.service.ReleaseSnapshot;
import dev.perennial.schemas.key.AdapterKey;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code perennial releases show KEY [VERSION|ALIAS]}: one key's versions, or one manifest. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description =
        "Shows a key's versions, or one release (by version number or alias) with its folder and"
            + " manifest. Reads releases.v1 and the release area; changes nothing. A release whose"
            + " manifest does not verify with the pinned keys is marked QUARANTINED.")
public final class ReleasesShowCommand extends ConsoleCommand {

  @Parameters(index = "0", paramLabel = "KEY", description = "Adapter key, tenant/adapter.")
  String key;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "VERSION|ALIAS",
      description = "A version number (3 or v3) or an alias (stable, canary).")
  String which;

  @Option(
      names = "--base",
      paramLabel = "NAME|DIGEST|all",
      description =
          "The base model an alias is resolved on, or whose versions are listed (all: every"
              + " base); default: the key's newest base.")
  String base;

  @Mixin ConfigFileOption configFile;

  @Override
  int run(PrintWriter out) {
    AdapterKey adapterKey = Arguments.adapterKey(spec, key);
    PublisherConfig config = PublisherConfig.readOnly(configFile.values());
    ReleaseRegistry registry =
        PinnedKeys.screen(ReleaseSnapshot.read(config), configFile.values(), err());
    KeyState state =
        registry
            .find(adapterKey)
            .filter(found -> found.latestVersion() > 0)
            .orElseThrow(() -> new PerennialException("No releases of " + adapterKey));
    BaseChoice choice = BaseChoice.parse(base);
    List<Digest> bases;
    try {
      bases = choice.select(state);
    } catch (IllegalArgumentException e) {
      throw new PerennialException(e.getMessage());
    }
    if (which == null) {
      out.print(ReleaseTable.render(ReleaseRegistry.empty().with(state), choice));
    } else {
      int version = resolve(state, bases, which);
      StoredRelease release =
          state
              .release(version)
              .filter(r -> state.isAnnounced(version))
              .orElseThrow(
                  () ->
                      new PerennialException(
                          adapterKey
                              + " has no v"
                              + version
                              + " (latest is v"
                              + state.latestVersion()
                              + ")"));
      out.printf("%s v%d%s%n", adapterKey, version, status(state, release));
      out.printf("folder    %s%n", release.folder());
      out.printf("manifest  %s%n", release.manifest().digest());
      out.println(new String(release.manifest().bytes(), StandardCharsets.UTF_8).strip());
    }
    return 0;
  }

  /**
   * Empty for a published release; RETRACTED, and which weights were purged when they were, then on
   * a line of its own why it was retracted when the signed purge notice records it (the erasure
   * request, what became of the retrain; "unknown" and why when the notice does not read).
   * QUARANTINED and why for a release whose manifest does not verify: nothing it lists is repeated.
   */
  static String status(KeyState state, StoredRelease release) {
    Optional<String> quarantine = state.quarantine(release.version());
    if (quarantine.isPresent()) {
      return (state.isRetracted(release.version()) ? " RETRACTED," : "")
          + " QUARANTINED: "
          + quarantine.get()
          + "; the manifest below is not to be believed (see releases verify)";
    }
    if (!state.isRetracted(release.version())) {
      return "";
    }
    if (!PurgeNotice.isPurged(release.folder())) {
      return " RETRACTED";
    }
    String status =
        " RETRACTED, weights purged ("
            + String.join(", ", WeightPurge.weightFiles(release.manifest()).keySet())
            + " deleted; manifest and signature kept)";
    Optional<String> retraction;
    try {
      retraction = PurgeNotice.read(release.folder()).flatMap(PurgeNotice::retraction);
    } catch (ManifestException e) {
      // show reads without verifying; say so rather than fail the whole listing
      retraction = Optional.of("unknown: " + e.getMessage() + " (see releases verify)");
    }
    return retraction
        .map(reason -> status + System.lineSeparator() + "retraction " + reason)
        .orElse(status);
  }

  private static int resolve(KeyState state, List<Digest> bases, String which) {
    Optional<Integer> number = Arguments.version(which);
    if (number.isPresent()) {
      return number.get();
    }
    if (bases.size() != 1) {
      throw new PerennialException("An alias is resolved on one base; name it with --base");
    }
    Digest base = bases.get(0);
    return state
        .alias(base, which)
        .orElseThrow(
            () ->
                new PerennialException(
                    state.key()
                        + " has no alias "
                        + which
                        + " on base "
                        + state.baseName(base)
                        + " (aliases there: "
                        + (state.aliases(base).isEmpty() ? "none" : state.aliases(base))
                        + ")"));
  }
}
