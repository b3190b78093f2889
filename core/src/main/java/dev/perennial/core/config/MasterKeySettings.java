package dev.perennial.core.config;

import dev.perennial.core.crypto.MasterKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The master keys of the services that encrypt or decrypt example content (ingest, the trainer's
 * accumulator): given inline or, as in a cluster, in a file (a mounted Kubernetes Secret). {@link
 * MasterKeys} describes the text; the keys never reach a message or a log line.
 */
public final class MasterKeySettings {

  public static final String MASTER_KEYS_CONFIG = "perennial.privacy.master.keys";
  private static final String MASTER_KEYS_DOC =
      "The master keys that wrap every subject's data key (envelope encryption of example"
          + " content): id=base64 entries of 32 random bytes (openssl rand -base64 32), one per"
          + " line or separated by commas; the first wraps new data keys, the others only unwrap"
          + " (rotation). This or perennial.privacy.master.keys.file is required by ingest and the"
          + " trainer's accumulator. Losing every master key makes every encrypted example"
          + " unreadable.";

  public static final String MASTER_KEYS_FILE_CONFIG = "perennial.privacy.master.keys.file";
  private static final String MASTER_KEYS_FILE_DOC =
      "A file holding the master keys (the text of perennial.privacy.master.keys), for example a"
          + " mounted Kubernetes Secret. Instead of perennial.privacy.master.keys.";

  private MasterKeySettings() {}

  /** {@code definition} with the two keys. */
  public static ConfigDef define(ConfigDef definition) {
    return definition
        .define(
            MASTER_KEYS_CONFIG,
            Type.PASSWORD,
            null,
            (name, value) -> {
              if (value != null) {
                parse(name, ((Password) value).value());
              }
            },
            Importance.HIGH,
            MASTER_KEYS_DOC)
        .define(
            MASTER_KEYS_FILE_CONFIG,
            Type.STRING,
            null,
            (name, value) -> {
              if (value != null) {
                parse(name, read(name, (String) value));
              }
            },
            Importance.HIGH,
            MASTER_KEYS_FILE_DOC);
  }

  /** The problem of setting both keys (always), or neither (when {@code required}). */
  public static Optional<String> problem(Map<String, String> values, boolean required) {
    boolean inline = values.get(MASTER_KEYS_CONFIG) != null;
    boolean file = values.get(MASTER_KEYS_FILE_CONFIG) != null;
    if (inline && file) {
      return Optional.of(
          MASTER_KEYS_CONFIG + ": set only one of it and " + MASTER_KEYS_FILE_CONFIG);
    }
    if (required && !inline && !file) {
      return Optional.of(
          MASTER_KEYS_CONFIG
              + ": set it or "
              + MASTER_KEYS_FILE_CONFIG
              + " (the master keys that wrap subjects' data keys)");
    }
    return Optional.empty();
  }

  /** The configured master keys, if any (the config was validated with {@link #define}). */
  public static Optional<MasterKeys> masterKeys(AbstractConfig config) {
    String file = config.getString(MASTER_KEYS_FILE_CONFIG);
    if (file != null) {
      return Optional.of(parse(MASTER_KEYS_FILE_CONFIG, read(MASTER_KEYS_FILE_CONFIG, file)));
    }
    Password inline = config.getPassword(MASTER_KEYS_CONFIG);
    return inline == null
        ? Optional.empty()
        : Optional.of(parse(MASTER_KEYS_CONFIG, inline.value()));
  }

  private static MasterKeys parse(String name, String text) {
    try {
      return MasterKeys.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(name, "[hidden]", e.getMessage());
    }
  }

  private static String read(String name, String file) {
    try {
      return Files.readString(Path.of(file), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(name, file, "cannot read the master keys: " + e);
    }
  }
}
