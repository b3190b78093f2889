package dev.perennial.cli;

import dev.perennial.core.PerennialException;
import dev.perennial.publisher.release.ReleaseArea;
import dev.perennial.publisher.sign.ReleaseVerifier;
import dev.perennial.publisher.sign.Verification;
import dev.perennial.schemas.key.AdapterKey;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code perennial releases verify [KEY [VERSION]]}: recomputes the digest of every file and checks
 * the manifest's signature; exit status 1 when anything fails, each problem naming its file.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Verifies releases in the release area: the Ed25519 signature of each manifest.json and the"
          + " SHA-256 of every file it lists; files the manifest does not list fail too.",
      "Without KEY every release is verified; without VERSION every version of KEY, up to its"
          + " highest folder (a folder missing below it fails: none is ever removed). Needs no"
          + " Kafka. Exit status 1 if any release fails, or (without KEY) when the area holds"
          + " folders that are no release of a valid key (STRAY): those are never served or"
          + " verified."
    })
public final class ReleasesVerifyCommand extends ConsoleCommand {

  @Parameters(index = "0", arity = "0..1", paramLabel = "KEY", description = "tenant/adapter")
  String key;

  @Parameters(index = "1", arity = "0..1", paramLabel = "VERSION", description = "3 or v3")
  String version;

  @Option(
      names = "--release-path",
      paramLabel = "DIR",
      description = "The release area (default: perennial.publisher.release.path).")
  Path releasePath;

  @Option(
      names = "--public-key",
      paramLabel = "FILE",
      description =
          "Check signatures with this public key (PEM) only, e.g. one fetched from"
              + " GET /v1/public-key; default: the keys pinned in the configuration (the signing"
              + " key's and perennial.publisher.trusted.keys). Keys the release area publishes are"
              + " never trusted.")
  Path publicKey;

  @Mixin ConfigFileOption configFile;

  @Override
  int run(PrintWriter out) {
    ReleaseArea area = ReleaseArea.existing(releasePath());
    ReleaseVerifier verifier =
        publicKey != null
            ? ReleaseVerifier.withKey(ReleaseArea.readPublicKey(publicKey))
            : ReleaseVerifier.withPinnedKeys(pinnedKeys());
    ReleaseArea.Scan scan = area.scan(false);
    SortedMap<AdapterKey, List<Integer>> targets = targets(area, scan);
    List<String> strays = key == null ? scan.strays() : List.of();
    int failed = 0;
    int count = 0;
    for (Map.Entry<AdapterKey, List<Integer>> entry : targets.entrySet()) {
      int highest =
          entry.getValue().isEmpty() ? 0 : entry.getValue().get(entry.getValue().size() - 1);
      for (int number : entry.getValue()) {
        count++;
        Path folder = area.folder(entry.getKey(), number);
        Verification verification =
            Files.isDirectory(folder)
                ? verifier.verify(folder, entry.getKey(), number)
                : new Verification(
                    folder,
                    List.of(
                        "the release folder is missing, though the key has v"
                            + highest
                            + " (versions are given out in order and a release folder is never"
                            + " removed)"));
        if (verification.ok()) {
          out.printf("OK      %s v%d%n", entry.getKey(), number);
        } else {
          failed++;
          out.printf("FAILED  %s v%d (%s)%n", entry.getKey(), number, verification.folder());
          verification.problems().forEach(problem -> out.printf("        %s%n", problem));
        }
      }
    }
    strays.forEach(stray -> out.printf("STRAY   %s%n", stray));
    if (count == 0 && strays.isEmpty()) {
      throw new PerennialException("No releases to verify in " + area.root());
    }
    out.printf(
        "%d release%s verified, %d failed%s%n",
        count,
        count == 1 ? "" : "s",
        failed,
        strays.isEmpty() ? "" : ", " + strays.size() + " stray (no release of a valid key)");
    return failed == 0 && strays.isEmpty() ? 0 : 1;
  }

  /** The keys the configuration pins; refuses to guess when it pins none. */
  private List<PublicKey> pinnedKeys() {
    List<PublicKey> keys = PinnedKeys.of(configFile.values());
    if (keys.isEmpty()) {
      throw new PerennialException(PinnedKeys.NONE);
    }
    return keys;
  }

  private Path releasePath() {
    return Arguments.releasePath(
        spec, releasePath, releasePath == null ? configFile.values() : Map.of());
  }

  /**
   * The version folders to verify, readable manifest or not: every version of a key up to its
   * highest folder.
   */
  private SortedMap<AdapterKey, List<Integer>> targets(ReleaseArea area, ReleaseArea.Scan scan) {
    SortedMap<AdapterKey, List<Integer>> targets = new TreeMap<>();
    if (key != null) {
      AdapterKey adapterKey = Arguments.adapterKey(spec, key);
      if (version != null) {
        int number = Arguments.requireVersion(spec, version);
        if (!Files.isDirectory(area.folder(adapterKey, number))) {
          throw new PerennialException(
              "No release folder " + adapterKey + " v" + number + " in " + area.root());
        }
        targets.put(adapterKey, List.of(number));
        return targets;
      }
    }
    scan.highestFolder()
        .forEach(
            (found, highest) -> {
              if (key == null || found.toString().equals(key)) {
                List<Integer> versions = new ArrayList<>();
                for (int number = 1; number <= highest; number++) {
                  versions.add(number); // a missing one fails: no release folder is removed
                }
                targets.put(found, versions);
              }
            });
    return targets;
  }
}
