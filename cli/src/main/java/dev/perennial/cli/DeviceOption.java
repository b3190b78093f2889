package dev.perennial.cli;

import dev.perennial.model.runtime.DeviceChoice;
import picocli.CommandLine.Option;

/** The {@code --device} option of the benchmarks that run the model. */
final class DeviceOption {

  @Option(
      names = "--device",
      paramLabel = "DEVICE",
      description =
          "cpu, gpu or auto (default: the device the configuration names, else auto: a GPU when"
              + " the engine sees one).")
  String device;

  /** The device asked for, else {@code configured} ({@code cpu}, {@code gpu} or {@code auto}). */
  DeviceChoice orElse(String configured) {
    return DeviceChoice.parse(device == null ? configured : device);
  }
}
