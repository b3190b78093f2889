package dev.perennial.model.llama;

import dev.perennial.model.ModelException;

/** How one decoder layer attends: over every earlier token, or within the sliding window. */
public enum LayerType {
  FULL_ATTENTION("full_attention"),
  SLIDING_ATTENTION("sliding_attention");

  private final String hfName;

  LayerType(String hfName) {
    this.hfName = hfName;
  }

  /** The spelling in a config's {@code layer_types}. */
  public String hfName() {
    return hfName;
  }

  public static LayerType parse(String value) {
    for (LayerType type : values()) {
      if (type.hfName.equals(value)) {
        return type;
      }
    }
    throw new ModelException(
        "layer_types entry '"
            + value
            + "' is not supported: expected full_attention or sliding_attention");
  }
}
