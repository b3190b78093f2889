package dev.perennial.helm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perennial.cli.Perennial;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The image (docker/Dockerfile) and the chart agree: user, folders, environment, ports, command.
 */
class ImageConsistencyTest {

  private static final List<String> RUNTIME_STAGES = List.of("cpu", "cuda");

  private static Map<String, Dockerfile.Stage> stages;
  private static RenderedChart chart;

  @BeforeAll
  static void readImageAndChart() throws IOException {
    stages = Dockerfile.stages();
    chart = Scenarios.gpu().render();
  }

  @Test
  void bothRuntimeImagesRunAsTheUserAndGroupOfThePods() {
    PodSecurityContext pod = chart.workload(Component.INGEST).pod().getSecurityContext();

    for (String stage : RUNTIME_STAGES) {
      assertThat(stages.get(stage).user())
          .as("USER of %s", stage)
          .isEqualTo(pod.getRunAsUser() + ":" + pod.getRunAsGroup());
    }
  }

  @Test
  void theDjlCacheIsTheChartsWritableFolderAndTheUnpackedNativesStayVisible() {
    for (Component component : Component.values()) {
      Container container = chart.container(component);
      Map<String, String> env = env(container);
      for (String stage : RUNTIME_STAGES) {
        Map<String, String> image = stages.get(stage).env();
        assertThat(image).containsEntry("DJL_OFFLINE", "true");
        assertThat(env).containsEntry("DJL_CACHE_DIR", image.get("DJL_CACHE_DIR"));
        // A volume over the unpacked natives would hide them, and offline DJL cannot fetch them.
        Path natives = Path.of(image.get("ENGINE_CACHE_DIR"));
        for (VolumeMount mount : container.getVolumeMounts()) {
          Path mounted = Path.of(mount.getMountPath());
          assertThat(natives.startsWith(mounted) || mounted.startsWith(natives))
              .as("%s mounts %s over ENGINE_CACHE_DIR %s", component, mounted, natives)
              .isFalse();
        }
        assertThat(env).doesNotContainKey("ENGINE_CACHE_DIR");
      }
    }
  }

  @Test
  void theCudaImageHoldsTheLibtorchGpuPodsAreToldToLoad() {
    Map<String, String> gpuEnv = env(chart.container(Component.TRAINER_WORKER));
    Map<String, String> cuda = stages.get("cuda").env();
    String pytorch = System.getProperty("perennial.pytorch.version");

    for (String variable : List.of("PYTORCH_LIBRARY_PATH", "PYTORCH_FLAVOR", "PYTORCH_VERSION")) {
      assertThat(gpuEnv).as(variable).containsEntry(variable, cuda.get(variable));
    }
    assertThat(cuda).containsEntry("PYTORCH_VERSION", pytorch);
    assertThat(stages.get("cpu").env())
        .doesNotContainKeys("PYTORCH_LIBRARY_PATH", "PYTORCH_FLAVOR", "PYTORCH_VERSION");
  }

  @Test
  void theImagesExposeThePortsThePodsDeclare() {
    List<Integer> declared =
        chart.container(Component.PUBLISHER).getPorts().stream()
            .map(p -> p.getContainerPort())
            .collect(Collectors.toList());

    for (String stage : RUNTIME_STAGES) {
      assertThat(stages.get(stage).exposed()).containsExactlyInAnyOrderElementsOf(declared);
    }
  }

  @Test
  void theEntryPointIsThePerennialCommandWithItsLoggingConfiguration() {
    for (String stage : RUNTIME_STAGES) {
      String entrypoint = stages.get(stage).entrypoint();
      assertThat(entrypoint).contains("\"" + Perennial.class.getName() + "\"");
      String logging = "-Dlog4j2.configurationFile=classpath:";
      assertThat(entrypoint).contains(logging);
      String resource =
          entrypoint.substring(entrypoint.indexOf(logging) + logging.length()).split("\"")[0];
      assertThat(Perennial.class.getClassLoader().getResource(resource))
          .as("logging configuration %s on the command's classpath", resource)
          .isNotNull();
    }
  }

  /**
   * The pods give the image's entry point ({@code perennial}) only arguments: each component's
   * subcommand path and {@code --config}, which that subcommand must parse, and it must be a
   * service, not a group of services.
   */
  @Test
  void everyComponentsArgumentsAreAPerennialSubcommandThatRunsAService() {
    for (Component component : Component.values()) {
      Container container = chart.container(component);
      List<String> args = container.getArgs();
      List<String> subcommand = args.subList(0, args.indexOf("--config"));

      assertThat(container.getCommand()).as("command of %s", component).isNullOrEmpty();
      CommandLine.ParseResult parsed =
          Perennial.commandLine().parseArgs(args.toArray(String[]::new));
      List<String> path = new ArrayList<>();
      for (CommandLine.ParseResult sub = parsed.subcommand(); sub != null; sub = sub.subcommand()) {
        path.add(sub.commandSpec().name());
      }
      assertThat(path).as("subcommand of %s", component).isEqualTo(subcommand).isNotEmpty();
      CommandLine.ParseResult leaf = parsed;
      while (leaf.hasSubcommand()) {
        leaf = leaf.subcommand();
      }
      assertThat(leaf.matchedOptionValue("--config", (Object) null))
          .as("--config of %s", component)
          .hasToString(args.get(args.indexOf("--config") + 1));
      assertThat(leaf.commandSpec().subcommands().keySet())
          .as("%s runs a service, not a group of them", String.join(" ", subcommand))
          .isEmpty();
    }
  }

  private static Map<String, String> env(Container container) {
    return container.getEnv().stream()
        .filter(variable -> variable.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }
}
