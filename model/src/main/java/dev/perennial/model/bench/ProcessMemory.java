package dev.perennial.model.bench;

import dev.perennial.model.ModelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's resident memory from {@code /proc/self/status} (Linux): the engine's native
 * arrays, the Java heap and everything else, as the operating system counts it.
 */
public final class ProcessMemory {

  private static final Path STATUS = Path.of("/proc/self/status");

  private ProcessMemory() {}

  /** The most resident memory this process has held so far ({@code VmHWM}), in bytes. */
  public static long peakResidentBytes() {
    return field("VmHWM:");
  }

  /** Resident memory now ({@code VmRSS}), in bytes. */
  public static long residentBytes() {
    return field("VmRSS:");
  }

  private static long field(String name) {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith(name)) {
          String[] parts = line.substring(name.length()).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024;
        }
      }
    } catch (IOException e) {
      throw new ModelException("cannot read " + STATUS + ": " + e.getMessage(), e);
    }
    throw new ModelException(STATUS + " has no " + name + " line (not Linux?)");
  }
}
