package dev.perennial.helm;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.SecretVolumeSource;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** A Deployment or a StatefulSet of the chart: what the checks need of either, the same way. */
record Workload(HasMetadata object, LabelSelector selector, PodTemplateSpec template) {

  /** The workload an object is, or null for any other kind. */
  static Workload of(Object object) {
    if (object instanceof Deployment deployment) {
      return new Workload(
          deployment, deployment.getSpec().getSelector(), deployment.getSpec().getTemplate());
    }
    if (object instanceof StatefulSet statefulSet) {
      return new Workload(
          statefulSet, statefulSet.getSpec().getSelector(), statefulSet.getSpec().getTemplate());
    }
    return null;
  }

  String name() {
    return object.getMetadata().getName();
  }

  String kind() {
    return object.getKind();
  }

  Map<String, String> podLabels() {
    return template.getMetadata().getLabels();
  }

  Map<String, String> podAnnotations() {
    return template.getMetadata().getAnnotations();
  }

  PodSpec pod() {
    return template.getSpec();
  }

  /** The component's one container. */
  Container container() {
    List<Container> containers = pod().getContainers();
    if (containers.size() != 1) {
      throw new AssertionError(name() + " has " + containers.size() + " containers, not one");
    }
    return containers.get(0);
  }

  Volume volume(String volumeName) {
    return pod().getVolumes().stream()
        .filter(v -> v.getName().equals(volumeName))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + volumeName + " in " + name()));
  }

  /**
   * The container's mount that holds {@code file}: the one with the longest mount path above it.
   */
  VolumeMount mountOf(Path file) {
    return container().getVolumeMounts().stream()
        .filter(m -> file.startsWith(Path.of(m.getMountPath())))
        .max(Comparator.comparingInt(m -> m.getMountPath().length()))
        .orElseThrow(
            () -> new AssertionError("no volume is mounted above " + file + " in " + name()));
  }

  /**
   * "secret/key" of the Secret item mounted read-only as {@code file}.
   *
   * @throws AssertionError when no Secret item is mounted there
   */
  String secretItemAt(Path file) {
    VolumeMount mount = mountOf(file);
    SecretVolumeSource secret = volume(mount.getName()).getSecret();
    if (secret == null || !Boolean.TRUE.equals(mount.getReadOnly())) {
      throw new AssertionError(file + " is not in a read-only Secret volume of " + name());
    }
    String relative = Path.of(mount.getMountPath()).relativize(file).toString();
    KeyToPath item =
        secret.getItems().stream()
            .filter(i -> i.getPath().equals(relative))
            .findFirst()
            .orElseThrow(
                () ->
                    new AssertionError(
                        "no item " + relative + " of Secret " + secret.getSecretName()));
    return secret.getSecretName() + "/" + item.getKey();
  }
}
