package dev.perennial.model.runtime;

import dev.perennial.model.ModelException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Where tensors live: the engine's choice (GPU when it sees one), or forced to CPU or GPU. */
public enum DeviceChoice {
  AUTO,
  CPU,
  GPU;

  /**
   * Parses {@code auto}, {@code cpu} or {@code gpu} (any case); anything else names the choices.
   */
  public static DeviceChoice parse(String value) {
    if (value != null) {
      for (DeviceChoice choice : values()) {
        if (choice.name().equalsIgnoreCase(value.trim())) {
          return choice;
        }
      }
    }
    String choices =
        Arrays.stream(values())
            .map(c -> c.name().toLowerCase(Locale.ROOT))
            .collect(Collectors.joining(", "));
    throw new ModelException("unknown device '" + value + "': expected one of " + choices);
  }
}
