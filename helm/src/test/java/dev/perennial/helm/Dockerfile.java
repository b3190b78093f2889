package dev.perennial.helm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The facts the chart relies on from {@code docker/Dockerfile}, per stage: environment, user,
 * exposed ports, entry point. Reads only the instructions it needs, with ARG defaults substituted.
 */
final class Dockerfile {

  static final Path FILE = Path.of("..", "docker", "Dockerfile").toAbsolutePath().normalize();

  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

  /** One build stage. */
  record Stage(
      String name,
      Map<String, String> env,
      String user,
      List<Integer> exposed,
      String entrypoint) {}

  private Dockerfile() {}

  static Map<String, Stage> stages() throws IOException {
    Map<String, String> globalArgs = new LinkedHashMap<>();
    Map<String, Stage> stages = new LinkedHashMap<>();
    Map<String, String> args = globalArgs;
    String name = null;
    Map<String, String> env = new LinkedHashMap<>();
    String user = null;
    List<Integer> exposed = new ArrayList<>();
    String entrypoint = null;
    for (String instruction : instructions()) {
      String[] parts = instruction.split("\\s+", 2);
      String keyword = parts[0].toUpperCase();
      String rest = parts.length > 1 ? parts[1] : "";
      switch (keyword) {
        case "FROM" -> {
          if (name != null) {
            stages.put(name, new Stage(name, env, user, exposed, entrypoint));
          }
          String[] from = rest.split("\\s+");
          name = from.length == 3 && from[1].equalsIgnoreCase("AS") ? from[2] : from[0];
          args = new LinkedHashMap<>();
          env = new LinkedHashMap<>();
          user = null;
          exposed = new ArrayList<>();
          entrypoint = null;
        }
        case "ARG" -> {
          String[] arg = rest.split("=", 2);
          String value = arg.length == 2 ? arg[1] : globalArgs.get(arg[0]);
          args.put(arg[0], value);
        }
        case "ENV" -> {
          for (String pair : rest.split("\\s+")) {
            String[] kv = pair.split("=", 2);
            env.put(kv[0], substitute(kv[1], args));
          }
        }
        case "USER" -> user = rest.trim();
        case "EXPOSE" -> {
          for (String port : rest.split("\\s+")) {
            exposed.add(Integer.parseInt(port));
          }
        }
        case "ENTRYPOINT" -> entrypoint = rest.trim();
        default -> {}
      }
    }
    if (name != null) {
      stages.put(name, new Stage(name, env, user, exposed, entrypoint));
    }
    return stages;
  }

  /** Instructions with their continuation lines joined; comments and blank lines dropped. */
  private static List<String> instructions() throws IOException {
    List<String> instructions = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : Files.readAllLines(FILE)) {
      String trimmed = line.trim();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        current.append(trimmed, 0, trimmed.length() - 1).append(' ');
      } else {
        instructions.add(current.append(trimmed).toString().trim());
        current.setLength(0);
      }
    }
    return instructions;
  }

  private static String substitute(String value, Map<String, String> args) {
    Matcher matcher = VARIABLE.matcher(value);
    StringBuilder result = new StringBuilder();
    while (matcher.find()) {
      String replacement = args.get(matcher.group(1));
      if (replacement == null) {
        throw new IllegalStateException(
            "Dockerfile uses ${" + matcher.group(1) + "} where no ARG with a default declares it");
      }
      matcher.appendReplacement(result, Matcher.quoteReplacement(replacement));
    }
    return matcher.appendTail(result).toString();
  }
}
