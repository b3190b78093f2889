package dev.perennial.model.tokenizer.chat;

import dev.perennial.model.ModelException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Template values as Python sees them: {@code String}, {@code Long}, {@code Double}, {@code
 * Boolean}, {@code List}, {@code Map}, null for {@code None} and {@link #UNDEFINED} for a missing
 * name or key (empty when printed, false, iterates as nothing; reading from it is refused).
 */
final class Values {

  /** Jinja's Undefined. */
  static final Object UNDEFINED =
      new Object() {
        @Override
        public String toString() {
          return "Undefined";
        }
      };

  private Values() {}

  static boolean truthy(Object value) {
    if (value == null || value == UNDEFINED) {
      return false;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    if (value instanceof String s) {
      return !s.isEmpty();
    }
    if (value instanceof Long l) {
      return l != 0;
    }
    if (value instanceof Double d) {
      return d != 0;
    }
    if (value instanceof Collection<?> c) {
      return !c.isEmpty();
    }
    if (value instanceof Map<?, ?> m) {
      return !m.isEmpty();
    }
    return true;
  }

  /** Python's {@code str()}; Undefined prints as nothing. */
  static String text(Object value) {
    if (value == UNDEFINED) {
      return "";
    }
    if (value instanceof String s) {
      return s;
    }
    return repr(value);
  }

  /**
   * The value as an error of the template may show it: a number, a boolean or None as Python prints
   * it, anything else (a string, a list, a mapping) by its type only. The conversation's text is a
   * subject's example when the trainer or evaluator renders it, and errors are logged.
   */
  static String shown(Object value) {
    if (value == null || value instanceof Boolean || value instanceof Number) {
      return repr(value);
    }
    return typeName(value);
  }

  /** Python's {@code repr()} for the value types templates meet. */
  static String repr(Object value) {
    if (value == null) {
      return "None";
    }
    if (value == UNDEFINED) {
      return "";
    }
    if (value instanceof Boolean b) {
      return b ? "True" : "False";
    }
    if (value instanceof String s) {
      return "'" + s.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'";
    }
    if (value instanceof Double d) {
      return d == Math.rint(d) && !Double.isInfinite(d)
          ? String.format(Locale.ROOT, "%.1f", d)
          : d.toString();
    }
    if (value instanceof List<?> list) {
      List<String> items = new ArrayList<>();
      list.forEach(item -> items.add(repr(item)));
      return "[" + String.join(", ", items) + "]";
    }
    if (value instanceof Map<?, ?> map) {
      List<String> items = new ArrayList<>();
      map.forEach((k, v) -> items.add(repr(k) + ": " + repr(v)));
      return "{" + String.join(", ", items) + "}";
    }
    return value.toString();
  }

  /** The value as a Python int: a {@code Long}, or a bool as 0 or 1; null for anything else. */
  static Long integer(Object value) {
    if (value instanceof Long l) {
      return l;
    }
    if (value instanceof Boolean b) {
      return b ? 1L : 0L;
    }
    return null;
  }

  /** A bool as the int it is in Python (True == 1, True < 2); any other value as it is. */
  static Object number(Object value) {
    return value instanceof Boolean b ? integer(b) : value;
  }

  static boolean equal(Object a, Object b) {
    if (number(a) instanceof Number x && number(b) instanceof Number y) {
      return x instanceof Long && y instanceof Long
          ? x.longValue() == y.longValue()
          : x.doubleValue() == y.doubleValue();
    }
    if (a == UNDEFINED || b == UNDEFINED) {
      return a == b;
    }
    return a == null ? b == null : a.equals(b);
  }

  static int compare(Object a, Object b) {
    if (number(a) instanceof Number x && number(b) instanceof Number y) {
      return x instanceof Long && y instanceof Long
          ? Long.compare(x.longValue(), y.longValue())
          : Double.compare(x.doubleValue(), y.doubleValue());
    }
    if (a instanceof String x && b instanceof String y) {
      return x.compareTo(y);
    }
    throw new ModelException(
        "chat template compares "
            + typeName(a)
            + " with "
            + typeName(b)
            + ", which Python refuses");
  }

  static boolean contains(Object container, Object item) {
    if (container instanceof String s && item instanceof String t) {
      return s.contains(t);
    }
    if (container instanceof Map<?, ?> map) {
      return map.containsKey(item);
    }
    if (container instanceof List<?> list) {
      return list.stream().anyMatch(element -> equal(element, item));
    }
    if (container == UNDEFINED) {
      return false;
    }
    throw new ModelException("chat template tests 'in' on " + typeName(container));
  }

  /** The elements a for loop visits: a list's items, a map's keys, nothing for Undefined. */
  static List<?> iterate(Object value) {
    if (value == UNDEFINED) {
      return List.of();
    }
    if (value instanceof List<?> list) {
      return list;
    }
    if (value instanceof Map<?, ?> map) {
      return new ArrayList<>(map.keySet());
    }
    if (value instanceof String s) {
      List<String> characters = new ArrayList<>();
      s.codePoints().forEach(c -> characters.add(new String(Character.toChars(c))));
      return characters;
    }
    throw new ModelException("chat template iterates over " + typeName(value));
  }

  static long length(Object value) {
    if (value == UNDEFINED) {
      return 0;
    }
    if (value instanceof String s) {
      return s.codePointCount(0, s.length());
    }
    if (value instanceof Collection<?> c) {
      return c.size();
    }
    if (value instanceof Map<?, ?> m) {
      return m.size();
    }
    throw new ModelException("chat template takes the length of " + typeName(value));
  }

  static String typeName(Object value) {
    if (value == null) {
      return "None";
    }
    if (value == UNDEFINED) {
      return "an undefined value";
    }
    if (value instanceof String) {
      return "a string";
    }
    if (value instanceof Long || value instanceof Double) {
      return "a number";
    }
    if (value instanceof Boolean) {
      return "a boolean";
    }
    if (value instanceof List) {
      return "a list";
    }
    if (value instanceof Map) {
      return "a mapping";
    }
    return value.getClass().getSimpleName();
  }

  /** A mutable map for {@code namespace(...)}, whose attributes {@code set} may change. */
  static Map<String, Object> namespace(Map<String, Object> initial) {
    return new Namespace(initial);
  }

  static boolean isNamespace(Object value) {
    return value instanceof Namespace;
  }

  private static final class Namespace extends LinkedHashMap<String, Object> {
    private static final long serialVersionUID = 1L;

    Namespace(Map<String, Object> initial) {
      super(initial);
    }
  }
}
