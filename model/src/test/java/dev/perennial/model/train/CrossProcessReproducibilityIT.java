package dev.perennial.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.model.checkpoint.Digests;
import dev.perennial.model.peft.PeftAdapter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4: on CPU with a fixed seed and thread count the same data gives a bit-identical adapter,
 * also in another process whose garbage collector runs on a different schedule.
 */
class CrossProcessReproducibilityIT {

  @TempDir Path folder;

  @Test
  void processesWithDifferentGarbageCollectorsWriteByteIdenticalAdapters() throws Exception {
    Path base = folder.resolve("base");
    ReproducibleTraining.run(base, folder.resolve("here"));

    // a young generation of a few MB: collections all through training
    train(base, "serial", List.of("-XX:+UseSerialGC", "-Xmn4m", "-Xmx256m"));
    train(base, "g1", List.of("-XX:+UseG1GC", "-Xmx1g"));

    String here = weightsDigest("here");
    assertThat(weightsDigest("serial")).isEqualTo(here);
    assertThat(weightsDigest("g1")).isEqualTo(here);
  }

  private void train(Path base, String run, List<String> jvmOptions)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    for (String property : List.of("ai.djl.offline", "log4j2.configurationFile")) {
      if (System.getProperty(property) != null) {
        command.add("-D" + property + "=" + System.getProperty(property));
      }
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ReproducibleTraining.class.getName());
    command.add(base.toString());
    command.add(folder.resolve(run).toString());
    Path log = folder.resolve(run + ".log");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      boolean finished = process.waitFor(3, TimeUnit.MINUTES);
      assertThat(finished && process.exitValue() == 0)
          .as("training in a child JVM (%s) finished: %s", jvmOptions, tail(log))
          .isTrue();
    } finally {
      process.destroyForcibly();
    }
  }

  private String weightsDigest(String run) {
    return Digests.sha256Hex(folder.resolve(run).resolve(PeftAdapter.WEIGHTS_FILE));
  }

  private static String tail(Path log) throws IOException {
    String text = Files.readString(log);
    return text.substring(Math.max(0, text.length() - 2000));
  }
}
