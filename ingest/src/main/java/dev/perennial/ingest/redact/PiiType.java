package dev.perennial.ingest.redact;

/**
 * The kinds of personal data ingest redacts, each replaced by its placeholder ({@code <EMAIL>},
 * ...) and counted on the example under its name ({@code EMAIL -> 2}).
 */
public enum PiiType {
  EMAIL,
  IBAN,
  CARD,
  IP,
  PHONE;

  /** The text that replaces a match, e.g. {@code <EMAIL>}. */
  public String placeholder() {
    return "<" + name() + ">";
  }
}
