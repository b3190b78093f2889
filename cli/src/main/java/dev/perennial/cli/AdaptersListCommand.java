package dev.perennial.cli;

import dev.perennial.core.config.PerennialConfig;
import dev.perennial.schemas.v1.AdapterImport;
import dev.perennial.trainer.imports.AdapterImports;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code perennial adapters list}: each adapter key's latest import. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description =
        "Lists the latest import of each adapter key (imports.v1): key, import id, source, the base"
            + " it was checked against, when and by whom. The verdict on its IMPORT candidate is in"
            + " the evaluator's report and the audit trail.")
public final class AdaptersListCommand extends ConsoleCommand {

  @Mixin ConfigFileOption configFile;

  @Override
  int run(PrintWriter out) {
    for (AdapterImport imported : AdapterImports.list(new PerennialConfig(configFile.values()))) {
      out.printf(
          "%s  %s  %s  on %s  %s by %s%s%n",
          imported.getAdapterKey(),
          imported.getImportId(),
          imported.getSource(),
          imported.getBaseModelName(),
          imported.getImportedAt(),
          imported.getImportedBy(),
          imported.getReason() == null ? "" : " (" + imported.getReason() + ")");
    }
    return 0;
  }
}
