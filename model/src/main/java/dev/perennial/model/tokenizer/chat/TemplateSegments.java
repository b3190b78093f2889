package dev.perennial.model.tokenizer.chat;

import dev.perennial.model.ModelException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a template into text, {@code {{ output }}} and {@code {% tag %}} segments, applying
 * Jinja's whitespace control as transformers configures it: {@code -} strips all whitespace on its
 * side, {@code +} keeps it, {@code trim_blocks} drops the newline after a tag or comment and {@code
 * lstrip_blocks} the indentation before one; a single trailing newline of the source is dropped.
 */
final class TemplateSegments {

  /** What a segment is. */
  enum Kind {
    TEXT,
    OUTPUT,
    TAG
  }

  /** One segment: literal text, or the source of an expression or statement. */
  record Segment(Kind kind, String source, int line) {}

  private TemplateSegments() {}

  static List<Segment> split(String template) {
    String source = template.replace("\r\n", "\n");
    if (source.endsWith("\n")) {
      source = source.substring(0, source.length() - 1);
    }
    List<Segment> segments = new ArrayList<>();
    StringBuilder pending = new StringBuilder();
    boolean lineStarting = true;
    int position = 0;
    while (position < source.length()) {
      int open = nextOpening(source, position);
      if (open < 0) {
        pending.append(source, position, source.length());
        break;
      }
      String text = source.substring(position, open);
      char kind = source.charAt(open + 1);
      char sign = open + 2 < source.length() ? source.charAt(open + 2) : ' ';
      boolean hasSign = sign == '-' || sign == '+';
      if (sign == '-') {
        text = stripTrailing(text);
      } else if (sign != '+' && kind != '{') {
        int lineStart = text.lastIndexOf('\n') + 1;
        if ((lineStart > 0 || lineStarting) && isBlank(text, lineStart)) {
          text = text.substring(0, lineStart);
        }
      }
      pending.append(text);
      int bodyStart = open + 2 + (hasSign ? 1 : 0);
      String close = kind == '{' ? "}}" : kind == '%' ? "%}" : "#}";
      int closeAt =
          kind == '#' ? source.indexOf(close, bodyStart) : closing(source, bodyStart, close);
      if (closeAt < 0) {
        throw new ModelException(
            "chat template: " + "{" + kind + " on line " + line(source, open) + " is never closed");
      }
      boolean trimAfter = closeAt > bodyStart && source.charAt(closeAt - 1) == '-';
      boolean keepAfter = closeAt > bodyStart && source.charAt(closeAt - 1) == '+';
      String body =
          source.substring(bodyStart, trimAfter || keepAfter ? closeAt - 1 : closeAt).strip();
      if (kind != '#') {
        if (pending.length() > 0) {
          segments.add(new Segment(Kind.TEXT, pending.toString(), line(source, open)));
          pending.setLength(0);
        }
        segments.add(new Segment(kind == '{' ? Kind.OUTPUT : Kind.TAG, body, line(source, open)));
      }
      position = closeAt + 2;
      int consumedFrom = position;
      if (trimAfter) {
        while (position < source.length() && Character.isWhitespace(source.charAt(position))) {
          position++;
        }
      } else if (!keepAfter
          && kind != '{'
          && position < source.length()
          && source.charAt(position) == '\n') {
        position++;
      }
      lineStarting = position > consumedFrom && source.charAt(position - 1) == '\n';
    }
    if (pending.length() > 0) {
      segments.add(new Segment(Kind.TEXT, pending.toString(), line(source, source.length())));
    }
    return segments;
  }

  private static int nextOpening(String source, int from) {
    int at = source.indexOf('{', from);
    while (at >= 0 && at + 1 < source.length()) {
      char next = source.charAt(at + 1);
      if (next == '{' || next == '%' || next == '#') {
        return at;
      }
      at = source.indexOf('{', at + 1);
    }
    return -1;
  }

  /** The closing delimiter's position, skipping quoted strings inside the expression. */
  private static int closing(String source, int from, String close) {
    char quote = 0;
    for (int i = from; i < source.length() - 1; i++) {
      char c = source.charAt(i);
      if (quote != 0) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (source.startsWith(close, i)) {
        return i;
      }
    }
    return -1;
  }

  private static String stripTrailing(String text) {
    int end = text.length();
    while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end);
  }

  private static boolean isBlank(String text, int from) {
    if (from >= text.length()) {
      return false;
    }
    for (int i = from; i < text.length(); i++) {
      if (!Character.isWhitespace(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static int line(String source, int position) {
    int line = 1;
    for (int i = 0; i < position && i < source.length(); i++) {
      if (source.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }
}
