package dev.perennial.cli;

import dev.perennial.core.PerennialException;
import dev.perennial.publisher.config.PublisherConfig;
import dev.perennial.publisher.release.BaseChoice;
import dev.perennial.publisher.report.ReleaseTable;
import dev.perennial.publisher.service.ReleaseSnapshot;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code perennial releases list}: every published version of every key, from releases.v1. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description =
        "Lists published versions: key, version, base model, aliases on that base, retracted or"
            + " not, gates; each key's newest base unless --base says otherwise. Reads releases.v1"
            + " and the release area; changes nothing. A version whose manifest does not verify with"
            + " the pinned keys (as releases verify checks it) is marked quarantined.")
public final class ReleasesListCommand extends ConsoleCommand {

  @Mixin ConfigFileOption configFile;

  @Option(
      names = "--base",
      paramLabel = "NAME|DIGEST|all",
      description =
          "The base model whose versions to list (its name or digest), or all; default: each"
              + " key's newest base (the base of its newest release).")
  String base;

  @Override
  int run(PrintWriter out) {
    PublisherConfig config = PublisherConfig.readOnly(configFile.values());
    String table;
    try {
      table =
          ReleaseTable.render(
              PinnedKeys.screen(ReleaseSnapshot.read(config), configFile.values(), err()),
              BaseChoice.parse(base));
    } catch (IllegalArgumentException e) {
      throw new PerennialException(e.getMessage());
    }
    out.print(table);
    return 0;
  }
}
