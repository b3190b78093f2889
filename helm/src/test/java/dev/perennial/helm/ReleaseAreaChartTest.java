package dev.perennial.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A folder of the shared claim mounted with a subPath (releases/, read-only in every pod but the
 * publisher's) is created by the pod's own user before the container starts: the kubelet, which
 * creates a missing subPath folder otherwise, does so as root with the mode of the volume's root,
 * and on storage that ignores fsGroup (NFS and most ReadWriteMany storage) the publisher, user
 * 10001, could then never write its releases into it.
 */
class ReleaseAreaChartTest {

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.perennial.helm.Scenarios#all")
  void everySubPathOfTheSharedClaimIsMadeByThePodsUserBeforeTheContainerStarts(
      String scenario, RenderedChart chart) {
    for (Workload workload : chart.workloads()) {
      Container container = workload.container();
      for (VolumeMount mount : container.getVolumeMounts()) {
        if (mount.getSubPath() == null
            || workload.volume(mount.getName()).getPersistentVolumeClaim() == null) {
          continue;
        }
        List<Container> inits =
            workload.pod().getInitContainers() == null
                ? List.of()
                : workload.pod().getInitContainers();
        assertThat(inits)
            .as("init containers of %s, which mounts %s of the claim", workload.name(), mount)
            .anySatisfy(init -> assertMakes(init, mount.getName(), mount.getSubPath()));
      }
    }
  }

  /** {@code init} runs mkdir -p on {@code subPath} of the volume, as a non-root user. */
  private static void assertMakes(Container init, String volumeName, String subPath) {
    VolumeMount whole =
        init.getVolumeMounts().stream()
            .filter(m -> m.getName().equals(volumeName) && m.getSubPath() == null)
            .findFirst()
            .orElseThrow(
                () -> new AssertionError(init.getName() + " does not mount " + volumeName));
    assertThat(whole.getReadOnly()).isNotEqualTo(true);
    List<String> command = init.getCommand();
    assertThat(command).startsWith("mkdir", "-p");
    assertThat(command).contains(Path.of(whole.getMountPath(), subPath).toString());
    SecurityContext security = init.getSecurityContext();
    assertThat(security.getRunAsNonRoot()).isTrue();
    assertThat(security.getReadOnlyRootFilesystem()).isTrue();
    assertThat(security.getAllowPrivilegeEscalation()).isFalse();
  }
}
