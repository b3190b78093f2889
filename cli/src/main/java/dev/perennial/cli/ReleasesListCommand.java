package dev.perennial.cli;

import dev.perennial.core.PerennialException;
import dev.perennial.core.config.ConfigLoader;
import dev.perennial.publisher.config.PublisherConfig;
import dev.perennial.publisher.release.BaseChoice;
import dev.perennial.publisher.report.ReleaseTable;
import dev.perennial.publisher.service.ReleaseSnapshot;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code perennial releases list}: every published version of every key, from releases.v1. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description =
        "Lists published versions: key, version, base model, aliases on that base, retracted or"
            + " not, gates; each key's newest base unless --base says otherwise. Reads releases.v1"
            + " and the release area; changes nothing.")
public final class ReleasesListCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Properties file; PERENNIAL_* environment variables override it.")
  Path configFile;

  @Option(
      names = "--base",
      paramLabel = "NAME|DIGEST|all",
      description =
          "The base model whose versions to list (its name or digest), or all; default: each"
              + " key's newest base (the base of its newest release).")
  String base;

  @Override
  public Integer call() {
    PublisherConfig config = PublisherConfig.readOnly(ConfigLoader.load(configFile));
    String table;
    try {
      table = ReleaseTable.render(ReleaseSnapshot.read(config), BaseChoice.parse(base));
    } catch (IllegalArgumentException e) {
      throw new PerennialException(e.getMessage());
    }
    spec.commandLine().getOut().print(table);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
