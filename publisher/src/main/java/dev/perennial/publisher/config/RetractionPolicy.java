package dev.perennial.publisher.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** When releases trained on erased data are retracted. */
public enum RetractionPolicy {
  /**
   * When the retrained replacement (an ERASURE candidate naming them) is published: serving goes on
   * from the affected release until a release without the subject's data exists.
   */
  REPLACEMENT("replacement"),
  /**
   * As soon as the ERASURE training job names them ({@code training-jobs.v1}), before any
   * replacement exists; aliases on them fall back to an older release or disappear.
   */
  IMMEDIATE("immediate");

  private final String value;

  RetractionPolicy(String value) {
    this.value = value;
  }

  /** The configuration value, e.g. {@code replacement}. */
  public String value() {
    return value;
  }

  /**
   * Reads a configuration value, ignoring case.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static RetractionPolicy parse(String text) {
    for (RetractionPolicy policy : values()) {
      if (policy.value.equalsIgnoreCase(text == null ? "" : text.strip())) {
        return policy;
      }
    }
    throw new IllegalArgumentException(
        "'" + text + "' is not a retraction policy; expected one of " + accepted());
  }

  static String accepted() {
    return Arrays.stream(values()).map(RetractionPolicy::value).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return value;
  }

  /** Lower-case name, for messages. */
  public String describe() {
    return name().toLowerCase(Locale.ROOT);
  }
}
