package dev.perennial.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SecretVolumeSource;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The files of mounted Secrets (keys, keystores, tokens) are readable by their owner (root) and the
 * pod's fsGroup only, never by every user of the node's containers, and the container's user can
 * still read them: the kubelet gives a Secret volume's files the group fsGroup, so a mode of 0440
 * reaches a process whose groups hold fsGroup.
 */
class SecretFileModeChartTest {

  /** r--r----- */
  private static final int OWNER_AND_GROUP_READ = 0440;

  private static final int OTHERS = 0007;
  private static final int GROUP_READ = 0040;

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.perennial.helm.Scenarios#all")
  void secretFilesAreReadableByTheOwnerAndTheGroupOnly(String scenario, RenderedChart chart) {
    for (Workload workload : chart.workloads()) {
      for (Volume volume : workload.pod().getVolumes()) {
        SecretVolumeSource secret = volume.getSecret();
        if (secret == null) {
          continue;
        }
        assertThat(secret.getDefaultMode())
            .as("defaultMode of %s in %s", volume.getName(), workload.name())
            .isEqualTo(OWNER_AND_GROUP_READ);
        for (KeyToPath item : secret.getItems()) {
          int mode = item.getMode() == null ? secret.getDefaultMode() : item.getMode();
          assertThat(mode & OTHERS)
              .as("others' bits of %s/%s in %s", volume.getName(), item.getPath(), workload.name())
              .isZero();
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.perennial.helm.Scenarios#all")
  void theContainersUserReadsTheSecretFilesThroughTheFsGroup(String scenario, RenderedChart chart) {
    for (Workload workload : chart.workloads()) {
      boolean mountsSecrets =
          workload.pod().getVolumes().stream().anyMatch(v -> v.getSecret() != null);
      if (!mountsSecrets) {
        continue;
      }
      PodSecurityContext pod = workload.pod().getSecurityContext();
      Container container = workload.container();
      SecurityContext own = container.getSecurityContext();
      Long user = own.getRunAsUser() != null ? own.getRunAsUser() : pod.getRunAsUser();
      Long group = own.getRunAsGroup() != null ? own.getRunAsGroup() : pod.getRunAsGroup();
      assertThat(user).as("user of %s", workload.name()).isNotNull().isNotZero();
      // The files are root's (the kubelet's), group fsGroup: the container reads them as a member.
      assertThat(pod.getFsGroup()).as("fsGroup of %s", workload.name()).isNotNull();
      Set<Long> groups = new HashSet<>();
      groups.add(group);
      groups.add(pod.getFsGroup()); // the kubelet adds fsGroup to every container's groups
      if (pod.getSupplementalGroups() != null) {
        groups.addAll(pod.getSupplementalGroups());
      }
      assertThat(groups).contains(pod.getFsGroup());
      assertThat(OWNER_AND_GROUP_READ & GROUP_READ).isNotZero();
    }
  }
}
