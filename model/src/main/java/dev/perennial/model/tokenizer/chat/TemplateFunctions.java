package dev.perennial.model.tokenizer.chat;

import dev.perennial.model.ModelException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The filters, tests, string and mapping methods and global functions the renderer implements, with
 * Python's and Jinja's behaviour; anything else is refused by name.
 */
final class TemplateFunctions {

  private TemplateFunctions() {}

  static Object filter(
      String name, Object value, List<Object> arguments, Map<String, Object> keywords) {
    switch (name) {
      case "trim":
        return strip(
            string(value, name),
            arguments.isEmpty() ? null : (String) arguments.get(0),
            true,
            true);
      case "length":
      case "count":
        return Values.length(value);
      case "tojson":
        return Json.write(value, indent(arguments, keywords));
      case "join":
        {
          String separator = arguments.isEmpty() ? "" : Values.text(arguments.get(0));
          List<String> parts = new ArrayList<>();
          for (Object item : Values.iterate(value)) {
            parts.add(Values.text(item));
          }
          return String.join(separator, parts);
        }
      case "select":
      case "reject":
        {
          boolean keep = name.equals("select");
          List<Object> kept = new ArrayList<>();
          for (Object item : Values.iterate(value)) {
            boolean passes =
                arguments.isEmpty()
                    ? Values.truthy(item)
                    : test(
                        Values.text(arguments.get(0)),
                        item,
                        arguments.subList(1, arguments.size()));
            if (passes == keep) {
              kept.add(item);
            }
          }
          return kept;
        }
      case "selectattr":
      case "rejectattr":
        {
          boolean keep = name.equals("selectattr");
          String attribute = Values.text(arguments.get(0));
          List<Object> kept = new ArrayList<>();
          for (Object item : Values.iterate(value)) {
            Object field = TemplateRenderer.attribute(item, attribute);
            boolean passes =
                arguments.size() < 2
                    ? Values.truthy(field)
                    : test(
                        Values.text(arguments.get(1)),
                        field,
                        arguments.subList(2, arguments.size()));
            if (passes == keep) {
              kept.add(item);
            }
          }
          return kept;
        }
      case "map":
        {
          if (!keywords.containsKey("attribute") || !arguments.isEmpty()) {
            throw unsupported("the map filter other than map(attribute=...)");
          }
          List<Object> mapped = new ArrayList<>();
          for (Object item : Values.iterate(value)) {
            mapped.add(TemplateRenderer.attribute(item, Values.text(keywords.get("attribute"))));
          }
          return mapped;
        }
      case "first":
        {
          List<?> items = Values.iterate(value);
          return items.isEmpty() ? Values.UNDEFINED : items.get(0);
        }
      case "last":
        {
          List<?> items = Values.iterate(value);
          return items.isEmpty() ? Values.UNDEFINED : items.get(items.size() - 1);
        }
      case "list":
        return new ArrayList<>(Values.iterate(value));
      case "string":
        return Values.text(value);
      case "lower":
        return string(value, name).toLowerCase(Locale.ROOT);
      case "upper":
        return string(value, name).toUpperCase(Locale.ROOT);
      case "capitalize":
        {
          String text = string(value, name);
          return text.isEmpty()
              ? text
              : text.substring(0, 1).toUpperCase(Locale.ROOT)
                  + text.substring(1).toLowerCase(Locale.ROOT);
        }
      case "replace":
        return string(value, name)
            .replace(Values.text(arguments.get(0)), Values.text(arguments.get(1)));
      case "default":
      case "d":
        {
          boolean orFalsy = arguments.size() > 1 && Values.truthy(arguments.get(1));
          boolean missing = value == Values.UNDEFINED || (orFalsy && !Values.truthy(value));
          return missing ? (arguments.isEmpty() ? "" : arguments.get(0)) : value;
        }
      case "items":
        {
          if (!(value instanceof Map<?, ?> map)) {
            throw new ModelException("chat template applies items to " + Values.typeName(value));
          }
          List<Object> pairs = new ArrayList<>();
          map.forEach((k, v) -> pairs.add(List.of(k, v == null ? Values.UNDEFINED : v)));
          return pairs;
        }
      case "int":
        if (value instanceof Number n) {
          return n.longValue();
        }
        try {
          return Long.parseLong(Values.text(value).strip());
        } catch (NumberFormatException e) {
          return 0L;
        }
      case "safe":
        return value;
      default:
        throw unsupported("the filter '" + name + "'");
    }
  }

  static boolean test(String name, Object value, List<Object> arguments) {
    switch (name) {
      case "defined":
        return value != Values.UNDEFINED;
      case "undefined":
        return value == Values.UNDEFINED;
      case "none":
        return value == null;
      case "string":
        return value instanceof String;
      case "number":
        return value instanceof Long || value instanceof Double;
      case "integer":
        return value instanceof Long;
      case "float":
        return value instanceof Double;
      case "boolean":
        return value instanceof Boolean;
      case "true":
        return Boolean.TRUE.equals(value);
      case "false":
        return Boolean.FALSE.equals(value);
      case "mapping":
        return value instanceof Map;
      case "sequence":
      case "iterable":
        return value instanceof List || value instanceof Map || value instanceof String;
      case "odd":
        return value instanceof Long l && l % 2 != 0;
      case "even":
        return value instanceof Long l && l % 2 == 0;
      case "eq":
      case "equalto":
      case "==":
        return Values.equal(value, arguments.get(0));
      case "ne":
      case "!=":
        return !Values.equal(value, arguments.get(0));
      case "in":
        return Values.contains(arguments.get(0), value);
      default:
        throw unsupported("the test '" + name + "'");
    }
  }

  static Object method(
      Object target, String name, List<Object> arguments, Map<String, Object> keywords) {
    if (target instanceof String text) {
      return stringMethod(text, name, arguments);
    }
    if (target instanceof Map<?, ?> map && !Values.isNamespace(target)) {
      switch (name) {
        case "items":
          return filter("items", map, List.of(), Map.of());
        case "keys":
          return new ArrayList<>(map.keySet());
        case "values":
          return new ArrayList<>(map.values());
        case "get":
          {
            Object key = arguments.get(0);
            return map.containsKey(key)
                ? map.get(key)
                : (arguments.size() > 1 ? arguments.get(1) : null);
          }
        default:
          break;
      }
    }
    throw unsupported("the method " + name + "() on " + Values.typeName(target));
  }

  private static Object stringMethod(String text, String name, List<Object> arguments) {
    String chars =
        arguments.isEmpty() || arguments.get(0) == null ? null : Values.text(arguments.get(0));
    switch (name) {
      case "strip":
        return strip(text, chars, true, true);
      case "lstrip":
        return strip(text, chars, true, false);
      case "rstrip":
        return strip(text, chars, false, true);
      case "upper":
        return text.toUpperCase(Locale.ROOT);
      case "lower":
        return text.toLowerCase(Locale.ROOT);
      case "startswith":
        return text.startsWith(Values.text(arguments.get(0)));
      case "endswith":
        return text.endsWith(Values.text(arguments.get(0)));
      case "replace":
        return text.replace(Values.text(arguments.get(0)), Values.text(arguments.get(1)));
      case "split":
        {
          List<Object> parts = new ArrayList<>();
          if (chars == null) {
            for (String part : text.strip().split("\\s+")) {
              if (!part.isEmpty()) {
                parts.add(part);
              }
            }
            return parts;
          }
          int from = 0;
          int at;
          while ((at = text.indexOf(chars, from)) >= 0) {
            parts.add(text.substring(from, at));
            from = at + chars.length();
          }
          parts.add(text.substring(from));
          return parts;
        }
      default:
        throw unsupported("the string method " + name + "()");
    }
  }

  /**
   * The error of {@code raise_exception(message)}: with the message when the template spells it out
   * (a string literal), without it when the template computes it, since a computed message may
   * quote the conversation's text (a subject's example when the trainer renders it).
   */
  static ModelException refusal(List<Nodes.Expression> messages, List<Object> values) {
    if (messages.isEmpty()) {
      return new ModelException("the chat template refuses the conversation");
    }
    if (messages.get(0) instanceof Nodes.Literal) {
      return new ModelException(
          "the chat template refuses the conversation: " + Values.text(values.get(0)));
    }
    return new ModelException(
        "the chat template refuses the conversation with a message it computes, left out since it"
            + " may quote the conversation");
  }

  static Object function(String name, List<Object> arguments, Map<String, Object> keywords) {
    switch (name) {
      case "namespace":
        {
          Map<String, Object> initial = new LinkedHashMap<>(keywords);
          return Values.namespace(initial);
        }
      case "range":
        {
          long start = arguments.size() > 1 ? (Long) arguments.get(0) : 0;
          long stop = (Long) arguments.get(arguments.size() > 1 ? 1 : 0);
          List<Object> values = new ArrayList<>();
          for (long i = start; i < stop; i++) {
            values.add(i);
          }
          return values;
        }
      default:
        throw unsupported("the function " + name + "()");
    }
  }

  private static String string(Object value, String filter) {
    if (value instanceof String s) {
      return s;
    }
    if (value == Values.UNDEFINED) {
      return "";
    }
    throw new ModelException(
        "chat template applies " + filter + " to " + Values.typeName(value) + ", not a string");
  }

  /** Python's str.strip / lstrip / rstrip: whitespace, or any of the given characters. */
  static String strip(String text, String chars, boolean left, boolean right) {
    int start = 0;
    int end = text.length();
    while (left && start < end && strippable(text.charAt(start), chars)) {
      start++;
    }
    while (right && end > start && strippable(text.charAt(end - 1), chars)) {
      end--;
    }
    return text.substring(start, end);
  }

  private static boolean strippable(char c, String chars) {
    if (chars != null) {
      return chars.indexOf(c) >= 0;
    }
    return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
  }

  private static Integer indent(List<Object> arguments, Map<String, Object> keywords) {
    Object indent =
        keywords.containsKey("indent")
            ? keywords.get("indent")
            : (arguments.isEmpty() ? null : arguments.get(0));
    return indent instanceof Long l ? (int) (long) l : null;
  }

  private static ModelException unsupported(String what) {
    return new ModelException(
        "chat template uses "
            + what
            + ", which Perennial's chat template renderer does not support");
  }

  /** Python's json.dumps(value, ensure_ascii=False, indent=indent), as transformers' tojson. */
  static final class Json {

    private Json() {}

    static String write(Object value, Integer indent) {
      StringBuilder out = new StringBuilder();
      write(value, indent, 0, out);
      return out.toString();
    }

    private static void write(Object value, Integer indent, int depth, StringBuilder out) {
      if (value == null) {
        out.append("null");
      } else if (value == Values.UNDEFINED) {
        throw new ModelException("chat template converts an undefined value to JSON");
      } else if (value instanceof Boolean b) {
        out.append(b ? "true" : "false");
      } else if (value instanceof Long || value instanceof Double) {
        out.append(Values.repr(value));
      } else if (value instanceof String s) {
        quote(s, out);
      } else if (value instanceof List<?> list) {
        container(
            list, indent, depth, out, '[', ']', (item, o) -> write(item, indent, depth + 1, o));
      } else if (value instanceof Map<?, ?> map) {
        container(
            new ArrayList<>(map.entrySet()),
            indent,
            depth,
            out,
            '{',
            '}',
            (entry, o) -> {
              Map.Entry<?, ?> e = (Map.Entry<?, ?>) entry;
              quote(Values.text(e.getKey()), o);
              o.append(": ");
              write(e.getValue(), indent, depth + 1, o);
            });
      } else {
        throw new ModelException("chat template converts " + Values.typeName(value) + " to JSON");
      }
    }

    private interface ItemWriter {
      void write(Object item, StringBuilder out);
    }

    private static void container(
        List<?> items,
        Integer indent,
        int depth,
        StringBuilder out,
        char open,
        char close,
        ItemWriter writer) {
      out.append(open);
      if (items.isEmpty()) {
        out.append(close);
        return;
      }
      for (int i = 0; i < items.size(); i++) {
        if (i > 0) {
          out.append(indent == null ? ", " : ",");
        }
        if (indent != null) {
          out.append('\n').append(" ".repeat(indent * (depth + 1)));
        }
        writer.write(items.get(i), out);
      }
      if (indent != null) {
        out.append('\n').append(" ".repeat(indent * depth));
      }
      out.append(close);
    }

    private static void quote(String s, StringBuilder out) {
      out.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"' -> out.append("\\\"");
          case '\\' -> out.append("\\\\");
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          case '\t' -> out.append("\\t");
          case '\b' -> out.append("\\b");
          case '\f' -> out.append("\\f");
          default -> {
            if (c < 0x20) {
              out.append(String.format("\\u%04x", (int) c));
            } else {
              out.append(c);
            }
          }
        }
      }
      out.append('"');
    }
  }
}
