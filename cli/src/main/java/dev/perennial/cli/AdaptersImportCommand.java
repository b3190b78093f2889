package dev.perennial.cli;

import dev.perennial.model.peft.PeftAdapter;
import dev.perennial.model.runtime.BaseModel;
import dev.perennial.schemas.v1.AdapterImport;
import dev.perennial.trainer.config.TrainerConfig;
import dev.perennial.trainer.imports.AdapterImports;
import dev.perennial.trainer.worker.BaseModelSource;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code perennial adapters import KEY --from DIR}: the trainer continues the adapter in DIR on
 * KEY's data, and the evaluator gates the candidate as any other.
 */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Imports a LoRA adapter trained elsewhere (PEFT's layout: adapter_config.json and"
          + " adapter_model.safetensors) as an adapter key's starting point. The adapter is checked"
          + " against the trainer's configured base (Perennial can apply it, its tensors fit the"
          + " base's shapes, its weights are finite), stored in the artifact store, and announced"
          + " on imports.v1 (compacted, keyed by adapter key).",
      "The trainer's accumulator then plans one IMPORT job: the worker continues the imported"
          + " adapter on all of the key's current data, and the evaluator gates the candidate as"
          + " any other (an undecided one is refused). A key with no data yet gets the job with"
          + " its first. The release's lineage says IMPORTED, with the source named here.",
      "Exit codes: 0 imported; 1 refused (the adapter does not fit the base, or cannot be read;"
          + " or the artifact store holds nothing though the deployment wrote jobs: is its volume"
          + " mounted?)."
    })
public final class AdaptersImportCommand extends ConsoleCommand {

  @Parameters(index = "0", paramLabel = "KEY", description = "The adapter key, tenant/adapter.")
  String adapterKey;

  @Option(names = "--from", required = true, paramLabel = "DIR", description = "Adapter folder.")
  Path folder;

  @Option(
      names = "--source",
      paramLabel = "NAME",
      description = "How to name what is imported in lineage (a hub id, say; default: DIR).")
  String source;

  @Mixin RecordedByOptions recordedBy;

  @Mixin ConfigFileOption configFile;

  @Override
  int run(PrintWriter out) {
    TrainerConfig config = new TrainerConfig(configFile.values());
    BaseModel base = BaseModelSource.openBase(config);
    // checked before the store is opened: a refused adapter leaves nothing behind
    PeftAdapter checked =
        AdapterImports.check(base, adapterKey, folder, source == null ? folder.toString() : source);
    AdapterImport imported =
        AdapterImports.store(
            // founds a store holding nothing only in a new deployment (the accumulator's rule)
            AdapterImports.artifactStore(config),
            base,
            adapterKey,
            checked,
            recordedBy.actor,
            recordedBy.reason,
            Clock.systemUTC());
    AdapterImports.publish(config, imported);
    out.printf(
        "imported  %s for %s (%s)%n",
        imported.getSource(), imported.getAdapterKey(), imported.getImportId());
    out.printf(
        "checked   against %s (%s)%n", imported.getBaseModelName(), imported.getBaseModelDigest());
    out.printf("stored at %s%n", imported.getLocation());
    return 0;
  }
}
