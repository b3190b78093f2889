package dev.perennial.cli;

import dev.perennial.cli.reproduce.ReleaseReproducer;
import dev.perennial.cli.reproduce.Reproduction;
import dev.perennial.publisher.config.PublisherConfig;
import dev.perennial.publisher.release.ReleaseArea;
import dev.perennial.schemas.key.AdapterKey;
import dev.perennial.trainer.config.TrainerConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code perennial releases reproduce KEY VERSION}: trains a release's adapter again from its
 * manifest and the artifact store, and compares every file's digest with the released one.
 */
@Command(
    name = "reproduce",
    mixinStandardHelpOptions = true,
    description = {
      "Trains a release's adapter again through the trainer's own code, from what its manifest"
          + " records (job, training and replay shards, recipe and seed, the release it"
          + " continued) and the artifact store, on the configured base (its digest must be the"
          + " manifest's), and compares each file's SHA-256 with the released one. A re-based"
          + " release (carried over or distilled) is trained on the two bases its lineage names,"
          + " from their recorded locations, from the old base's release it moved. Writes"
          + " nothing to the store or the release area; needs no Kafka.",
      "Exit status: 0 reproduced (every file bit-identical); 1 differs, or an error; 3 not"
          + " reproducible by design: an erasure deleted data it was trained on (named, with the"
          + " erasure's request id); 4 cannot rebuild: the manifest or the store lacks what"
          + " training needs (said why). Training is bit-identical on one kind of device: a"
          + " release trained on another device (GPU vs CPU) is noted and may differ."
    })
public final class ReleasesReproduceCommand extends ConsoleCommand {

  @Parameters(index = "0", paramLabel = "KEY", description = "tenant/adapter")
  String key;

  @Parameters(index = "1", paramLabel = "VERSION", description = "3 or v3")
  String version;

  @Option(
      names = "--release-path",
      paramLabel = "DIR",
      description = "The release area (default: perennial.publisher.release.path).")
  Path releasePath;

  @Mixin DeviceOption device;

  @Mixin ConfigFileOption configFile;

  @Override
  int run(PrintWriter out) {
    AdapterKey adapterKey = Arguments.adapterKey(spec, key);
    int number = Arguments.requireVersion(spec, version);
    Map<String, String> values = configFile.values();
    Path area = Arguments.releasePath(spec, releasePath, values);
    // the release path is the command's own key, read above, not one of the trainer's
    Map<String, String> trainerValues = new HashMap<>(values);
    trainerValues.remove(PublisherConfig.RELEASE_PATH_CONFIG);
    TrainerConfig config = new TrainerConfig(trainerValues);
    out.printf("Rebuilding %s v%d%n", adapterKey, number);
    out.flush();
    Reproduction reproduction =
        new ReleaseReproducer(
                ReleaseArea.existing(area), config, device.orElse(config.workerDevice()))
            .reproduce(adapterKey, number);
    reproduction.lines().forEach(out::println);
    return reproduction.outcome().exitCode();
  }
}
