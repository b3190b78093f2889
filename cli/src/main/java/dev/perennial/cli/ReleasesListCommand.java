package dev.perennial.cli;

import dev.perennial.core.config.ConfigLoader;
import dev.perennial.publisher.config.PublisherConfig;
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
        "Lists every published version: key, version, aliases, retracted or not, gates. Reads"
            + " releases.v1 and the release area; changes nothing.")
public final class ReleasesListCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Properties file; PERENNIAL_* environment variables override it.")
  Path configFile;

  @Override
  public Integer call() {
    PublisherConfig config = PublisherConfig.readOnly(ConfigLoader.load(configFile));
    spec.commandLine().getOut().print(ReleaseTable.render(ReleaseSnapshot.read(config)));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
