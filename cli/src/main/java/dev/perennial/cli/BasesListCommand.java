package dev.perennial.cli;

import dev.perennial.core.config.ConfigLoader;
import dev.perennial.core.config.PerennialConfig;
import dev.perennial.schemas.v1.BaseAnnouncement;
import dev.perennial.trainer.rebase.BaseAnnouncements;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code perennial bases list}: every announced base and the one it succeeds. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "Lists the announced bases (bases.v1): name, digest, location, what it succeeds.")
public final class BasesListCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Properties file; PERENNIAL_* environment variables override it.")
  Path configFile;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    for (BaseAnnouncement base :
        BaseAnnouncements.list(new PerennialConfig(ConfigLoader.load(configFile)))) {
      out.printf(
          "%s  %s  %s%s%n",
          base.getName(),
          base.getDigest(),
          base.getLocation(),
          base.getSucceeds() == null ? "" : "  succeeds " + base.getSucceeds().getName());
    }
    out.flush();
    return 0;
  }
}
