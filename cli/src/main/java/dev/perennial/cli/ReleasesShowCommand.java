package dev.perennial.cli;

import dev.perennial.core.PerennialException;
import dev.perennial.core.config.ConfigLoader;
import dev.perennial.publisher.config.PublisherConfig;
import dev.perennial.publisher.release.KeyState;
import dev.perennial.publisher.release.ReleaseRegistry;
import dev.perennial.publisher.release.StoredRelease;
import dev.perennial.publisher.report.ReleaseTable;
import dev.perennial.publisher.service.ReleaseSnapshot;
import dev.perennial.schemas.key.AdapterKey;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code perennial releases show KEY [VERSION|ALIAS]}: one key's versions, or one manifest. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description =
        "Shows a key's versions, or one release (by version number or alias) with its folder and"
            + " manifest. Reads releases.v1 and the release area; changes nothing.")
public final class ReleasesShowCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "KEY", description = "Adapter key, tenant/adapter.")
  String key;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "VERSION|ALIAS",
      description = "A version number (3 or v3) or an alias (stable, canary).")
  String which;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Properties file; PERENNIAL_* environment variables override it.")
  Path configFile;

  @Override
  public Integer call() {
    AdapterKey adapterKey = Arguments.adapterKey(spec, key);
    PublisherConfig config = PublisherConfig.readOnly(ConfigLoader.load(configFile));
    ReleaseRegistry registry = ReleaseSnapshot.read(config);
    KeyState state =
        registry
            .find(adapterKey)
            .filter(found -> found.latestVersion() > 0)
            .orElseThrow(() -> new PerennialException("No releases of " + adapterKey));
    PrintWriter out = spec.commandLine().getOut();
    if (which == null) {
      out.print(ReleaseTable.render(ReleaseRegistry.empty().with(state)));
    } else {
      int version = resolve(state, which);
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
      out.printf("%s v%d%s%n", adapterKey, version, state.isRetracted(version) ? " RETRACTED" : "");
      out.printf("folder    %s%n", release.folder());
      out.printf("manifest  %s%n", release.manifest().digest());
      out.println(new String(release.manifest().bytes(), StandardCharsets.UTF_8).strip());
    }
    out.flush();
    return 0;
  }

  private static int resolve(KeyState state, String which) {
    Optional<Integer> number = Arguments.version(which);
    if (number.isPresent()) {
      return number.get();
    }
    return state
        .alias(which)
        .orElseThrow(
            () ->
                new PerennialException(
                    state.key()
                        + " has no alias "
                        + which
                        + " (aliases: "
                        + (state.aliases().isEmpty() ? "none" : state.aliases())
                        + ")"));
  }
}
