package dev.perennial.model.tokenizer.chat;

import dev.perennial.model.ModelException;
import dev.perennial.model.tokenizer.chat.Nodes.Expression;
import dev.perennial.model.tokenizer.chat.Nodes.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongBinaryOperator;

/**
 * Renders parsed statements with Jinja's semantics for the subset {@link TemplateParser} reads:
 * each loop iteration has its own scope (so {@code set} inside a loop does not leak, which is why
 * templates use {@code namespace}), and whatever the renderer does not implement (a filter, a test,
 * a method, a function) is refused by name when it is reached.
 */
final class TemplateRenderer {

  /** The most characters or elements a repetition may make (a Java string holds about 2^31). */
  private static final int MAX_REPEATED = 1 << 28;

  private final StringBuilder out = new StringBuilder();

  private TemplateRenderer() {}

  static String render(List<Statement> template, Map<String, Object> variables) {
    TemplateRenderer renderer = new TemplateRenderer();
    renderer.run(template, new Scope(null, new HashMap<>(variables)));
    return renderer.out.toString();
  }

  private static final class Scope {
    final Scope parent;
    final Map<String, Object> variables;

    Scope(Scope parent, Map<String, Object> variables) {
      this.parent = parent;
      this.variables = variables;
    }

    Object lookup(String name) {
      for (Scope scope = this; scope != null; scope = scope.parent) {
        if (scope.variables.containsKey(name)) {
          return scope.variables.get(name);
        }
      }
      return Values.UNDEFINED;
    }
  }

  private static final class LoopBreak extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LoopBreak() {
      super(null, null, false, false);
    }
  }

  private static final class LoopContinue extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LoopContinue() {
      super(null, null, false, false);
    }
  }

  private void run(List<Statement> statements, Scope scope) {
    for (Statement statement : statements) {
      execute(statement, scope);
    }
  }

  private void execute(Statement statement, Scope scope) {
    if (statement instanceof Nodes.Text text) {
      out.append(text.text());
    } else if (statement instanceof Nodes.Output output) {
      out.append(Values.text(evaluate(output.expression(), scope)));
    } else if (statement instanceof Nodes.If branch) {
      for (int i = 0; i < branch.conditions().size(); i++) {
        if (Values.truthy(evaluate(branch.conditions().get(i), scope))) {
          run(branch.branches().get(i), scope);
          return;
        }
      }
      run(branch.otherwise(), scope);
    } else if (statement instanceof Nodes.For loop) {
      forLoop(loop, scope);
    } else if (statement instanceof Nodes.Set set) {
      Object value = evaluate(set.value(), scope);
      if (set.attribute() == null) {
        scope.variables.put(set.name(), value);
      } else {
        Object target = scope.lookup(set.name());
        if (!Values.isNamespace(target)) {
          throw new ModelException(
              "chat template sets " + set.name() + "." + set.attribute() + " on a non-namespace");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> namespace = (Map<String, Object>) target;
        namespace.put(set.attribute(), value);
      }
    } else if (statement instanceof Nodes.Break) {
      throw new LoopBreak();
    } else if (statement instanceof Nodes.Continue) {
      throw new LoopContinue();
    } else {
      throw new IllegalStateException(statement.toString());
    }
  }

  private void forLoop(Nodes.For loop, Scope scope) {
    List<Object> items = new ArrayList<>();
    for (Object item : Values.iterate(evaluate(loop.items(), scope))) {
      if (loop.filter() == null) {
        items.add(item);
      } else {
        Scope probe = new Scope(scope, new HashMap<>());
        bind(loop.targets(), item, probe);
        if (Values.truthy(evaluate(loop.filter(), probe))) {
          items.add(item);
        }
      }
    }
    if (items.isEmpty()) {
      run(loop.otherwise(), scope);
      return;
    }
    for (int i = 0; i < items.size(); i++) {
      Scope iteration = new Scope(scope, new HashMap<>());
      bind(loop.targets(), items.get(i), iteration);
      Map<String, Object> info = new LinkedHashMap<>();
      info.put("index", (long) i + 1);
      info.put("index0", (long) i);
      info.put("revindex", (long) (items.size() - i));
      info.put("revindex0", (long) (items.size() - i - 1));
      info.put("first", i == 0);
      info.put("last", i == items.size() - 1);
      info.put("length", (long) items.size());
      info.put("previtem", i > 0 ? items.get(i - 1) : Values.UNDEFINED);
      info.put("nextitem", i + 1 < items.size() ? items.get(i + 1) : Values.UNDEFINED);
      iteration.variables.put("loop", info);
      try {
        run(loop.body(), iteration);
      } catch (LoopContinue e) {
        // next item
      } catch (LoopBreak e) {
        return;
      }
    }
  }

  private static void bind(List<String> targets, Object item, Scope scope) {
    if (targets.size() == 1) {
      scope.variables.put(targets.get(0), item);
      return;
    }
    if (!(item instanceof List<?> tuple) || tuple.size() != targets.size()) {
      throw new ModelException(
          "chat template unpacks " + Values.shown(item) + " into " + targets.size() + " names");
    }
    for (int i = 0; i < targets.size(); i++) {
      scope.variables.put(targets.get(i), tuple.get(i));
    }
  }

  private Object evaluate(Expression expression, Scope scope) {
    if (expression instanceof Nodes.Literal literal) {
      return literal.value();
    }
    if (expression instanceof Nodes.Name name) {
      return scope.lookup(name.name());
    }
    if (expression instanceof Nodes.ListOf list) {
      List<Object> values = new ArrayList<>();
      list.items().forEach(item -> values.add(evaluate(item, scope)));
      return values;
    }
    if (expression instanceof Nodes.MapOf map) {
      Map<Object, Object> values = new LinkedHashMap<>();
      for (int i = 0; i < map.keys().size(); i++) {
        values.put(evaluate(map.keys().get(i), scope), evaluate(map.values().get(i), scope));
      }
      return values;
    }
    if (expression instanceof Nodes.Attribute attribute) {
      return attribute(evaluate(attribute.target(), scope), attribute.name());
    }
    if (expression instanceof Nodes.Item item) {
      return item(evaluate(item.target(), scope), evaluate(item.key(), scope));
    }
    if (expression instanceof Nodes.Slice slice) {
      return slice(
          evaluate(slice.target(), scope),
          slice.start() == null ? null : evaluate(slice.start(), scope),
          slice.stop() == null ? null : evaluate(slice.stop(), scope),
          slice.step() == null ? null : evaluate(slice.step(), scope));
    }
    if (expression instanceof Nodes.Call call) {
      return call(call, scope);
    }
    if (expression instanceof Nodes.Filter filter) {
      List<Object> arguments = new ArrayList<>();
      filter.arguments().forEach(a -> arguments.add(evaluate(a, scope)));
      Map<String, Object> keywords = new LinkedHashMap<>();
      for (int i = 0; i < filter.keywordNames().size(); i++) {
        keywords.put(filter.keywordNames().get(i), evaluate(filter.keywordValues().get(i), scope));
      }
      return TemplateFunctions.filter(
          filter.name(), evaluate(filter.value(), scope), arguments, keywords);
    }
    if (expression instanceof Nodes.Test test) {
      List<Object> arguments = new ArrayList<>();
      test.arguments().forEach(a -> arguments.add(evaluate(a, scope)));
      boolean result =
          TemplateFunctions.test(test.name(), evaluate(test.value(), scope), arguments);
      return result != test.negated();
    }
    if (expression instanceof Nodes.Unary unary) {
      Object operand = evaluate(unary.operand(), scope);
      if (unary.operator().equals("not")) {
        return !Values.truthy(operand);
      }
      if (operand instanceof Long l) {
        if (l == Long.MIN_VALUE) {
          throw beyondALong("-(" + l + ")");
        }
        return -l;
      }
      if (operand instanceof Double d) {
        return -d;
      }
      throw new ModelException("chat template negates " + Values.typeName(operand));
    }
    if (expression instanceof Nodes.Binary binary) {
      return binary(binary, scope);
    }
    if (expression instanceof Nodes.Conditional conditional) {
      return Values.truthy(evaluate(conditional.condition(), scope))
          ? evaluate(conditional.then(), scope)
          : evaluate(conditional.otherwise(), scope);
    }
    throw new IllegalStateException(expression.toString());
  }

  private Object binary(Nodes.Binary binary, Scope scope) {
    String op = binary.operator();
    Object left = evaluate(binary.left(), scope);
    if (op.equals("and")) {
      return Values.truthy(left) ? evaluate(binary.right(), scope) : left;
    }
    if (op.equals("or")) {
      return Values.truthy(left) ? left : evaluate(binary.right(), scope);
    }
    Object right = evaluate(binary.right(), scope);
    switch (op) {
      case "==":
        return Values.equal(left, right);
      case "!=":
        return !Values.equal(left, right);
      case "<":
        return Values.compare(left, right) < 0;
      case "<=":
        return Values.compare(left, right) <= 0;
      case ">":
        return Values.compare(left, right) > 0;
      case ">=":
        return Values.compare(left, right) >= 0;
      case "in":
        return Values.contains(right, left);
      case "~":
        return Values.text(left) + Values.text(right);
      case "+":
        if (left instanceof String a && right instanceof String b) {
          return a + b;
        }
        if (left instanceof List<?> a && right instanceof List<?> b) {
          List<Object> joined = new ArrayList<>(a);
          joined.addAll(b);
          return joined;
        }
        return arithmetic(op, left, right);
      case "*":
        if (left instanceof String || left instanceof List<?>) {
          return repeat(left, right);
        }
        if (right instanceof String || right instanceof List<?>) {
          return repeat(right, left);
        }
        return arithmetic(op, left, right);
      default:
        return arithmetic(op, left, right);
    }
  }

  /**
   * Python's {@code str * int} and {@code list * int} (either way round): the sequence repeated,
   * empty for a count below 1. A bool counts as 0 or 1, as in Python.
   */
  private static Object repeat(Object sequence, Object count) {
    Long times = Values.integer(count);
    if (times == null) {
      throw new ModelException(
          "chat template repeats "
              + Values.typeName(sequence)
              + " "
              + Values.shown(count)
              + " times, which Python refuses: the count must be an integer");
    }
    int size = sequence instanceof String s ? s.length() : ((List<?>) sequence).size();
    int n = (int) Math.max(0, Math.min(times, Integer.MAX_VALUE));
    if (size > 0 && n > MAX_REPEATED / size) {
      throw new ModelException(
          "chat template repeats "
              + Values.typeName(sequence)
              + " of length "
              + size
              + " "
              + times
              + " times, more than the renderer holds ("
              + MAX_REPEATED
              + ")");
    }
    if (sequence instanceof String s) {
      return s.repeat(n);
    }
    List<Object> repeated = new ArrayList<>(size * n);
    for (int i = 0; i < n; i++) {
      repeated.addAll((List<?>) sequence);
    }
    return repeated;
  }

  private static Object arithmetic(String op, Object left, Object right) {
    // a bool is an int in Python: True + 1 == 2
    left = Values.number(left);
    right = Values.number(right);
    if (op.equals("%") && left instanceof String) {
      throw new ModelException(
          "chat template formats a string with '%', which the renderer does not implement");
    }
    if (!(left instanceof Number a) || !(right instanceof Number b)) {
      throw new ModelException(
          "chat template applies '"
              + op
              + "' to "
              + Values.typeName(left)
              + " and "
              + Values.typeName(right)
              + ", which Python refuses");
    }
    boolean integers = left instanceof Long && right instanceof Long;
    if ((op.equals("/") || op.equals("//") || op.equals("%")) && b.doubleValue() == 0) {
      throw new ModelException(
          "chat template divides by zero, which Python refuses (ZeroDivisionError)");
    }
    switch (op) {
      case "+":
        return integers
            ? (Object) exact(op, a, b, Math::addExact)
            : a.doubleValue() + b.doubleValue();
      case "-":
        return integers
            ? (Object) exact(op, a, b, Math::subtractExact)
            : a.doubleValue() - b.doubleValue();
      case "*":
        return integers
            ? (Object) exact(op, a, b, Math::multiplyExact)
            : a.doubleValue() * b.doubleValue();
      case "/":
        return a.doubleValue() / b.doubleValue();
      case "//":
        return integers
            ? (Object) exact(op, a, b, TemplateRenderer::floorDivExact)
            : Math.floor(a.doubleValue() / b.doubleValue());
      case "%":
        return integers
            ? (Object) Math.floorMod(a.longValue(), b.longValue())
            : floatRemainder(a.doubleValue(), b.doubleValue());
      default:
        throw new ModelException(
            "chat template uses the operator '" + op + "', which the renderer does not support");
    }
  }

  /**
   * Integer arithmetic as Python's unbounded integers give it, or a refusal where the result does
   * not fit a long (wrapping would print a wrong number).
   */
  private static long exact(String op, Number a, Number b, LongBinaryOperator operation) {
    try {
      return operation.applyAsLong(a.longValue(), b.longValue());
    } catch (ArithmeticException e) {
      throw beyondALong(a + " " + op + " " + b);
    }
  }

  private static ModelException beyondALong(String computation) {
    return new ModelException(
        "chat template computes "
            + computation
            + ", beyond a 64-bit integer (Python's integers do not overflow; the renderer's do)");
  }

  // Math.floorDiv(Long.MIN_VALUE, -1) wraps to Long.MIN_VALUE
  private static long floorDivExact(long a, long b) {
    if (a == Long.MIN_VALUE && b == -1) {
      throw new ArithmeticException("long overflow");
    }
    return Math.floorDiv(a, b);
  }

  /**
   * Python's float {@code %}: the remainder takes the divisor's sign (Java's takes the dividend's).
   */
  private static double floatRemainder(double a, double b) {
    double remainder = a % b;
    if (remainder != 0 && (remainder < 0) != (b < 0)) {
      return remainder + b;
    }
    return remainder == 0 ? Math.copySign(0.0, b) : remainder;
  }

  private Object call(Nodes.Call call, Scope scope) {
    List<Object> arguments = new ArrayList<>();
    call.arguments().forEach(a -> arguments.add(evaluate(a, scope)));
    Map<String, Object> keywords = new LinkedHashMap<>();
    for (int i = 0; i < call.keywordNames().size(); i++) {
      keywords.put(call.keywordNames().get(i), evaluate(call.keywordValues().get(i), scope));
    }
    if (call.target() instanceof Nodes.Attribute method) {
      return TemplateFunctions.method(
          evaluate(method.target(), scope), method.name(), arguments, keywords);
    }
    if (call.target() instanceof Nodes.Name function) {
      if (scope.lookup(function.name()) != Values.UNDEFINED) {
        throw new ModelException(
            "chat template calls " + function.name() + ", which is not a function");
      }
      if (function.name().equals("raise_exception")) {
        throw TemplateFunctions.refusal(call.arguments(), arguments);
      }
      return TemplateFunctions.function(function.name(), arguments, keywords);
    }
    throw new ModelException("chat template calls something that is not a function");
  }

  static Object attribute(Object target, String name) {
    if (target == Values.UNDEFINED) {
      throw new ModelException("chat template reads ." + name + " of an undefined value");
    }
    if (target instanceof Map<?, ?> map) {
      return map.containsKey(name) ? map.get(name) : Values.UNDEFINED;
    }
    return Values.UNDEFINED;
  }

  static Object item(Object target, Object key) {
    if (target == Values.UNDEFINED) {
      throw new ModelException(
          "chat template reads [" + Values.shown(key) + "] of an undefined value");
    }
    if (target instanceof Map<?, ?> map) {
      return map.containsKey(key) ? map.get(key) : Values.UNDEFINED;
    }
    if (key instanceof Long index && (target instanceof List<?> || target instanceof String)) {
      List<?> items = target instanceof List<?> list ? list : Values.iterate(target);
      long at = index < 0 ? items.size() + index : index;
      return at >= 0 && at < items.size() ? items.get((int) at) : Values.UNDEFINED;
    }
    if (key instanceof String name) {
      return attribute(target, name);
    }
    return Values.UNDEFINED;
  }

  private static Object slice(Object target, Object start, Object stop, Object step) {
    boolean text = target instanceof String;
    List<?> items = Values.iterate(target);
    int size = items.size();
    long by = step == null ? 1 : asLong(step);
    if (by == 0) {
      throw new ModelException("chat template slices with step 0");
    }
    List<Object> result = new ArrayList<>();
    if (by > 0) {
      long from = start == null ? 0 : clamp(asLong(start), size, 0, size);
      long to = stop == null ? size : clamp(asLong(stop), size, 0, size);
      for (long i = from; i < to; i += by) {
        result.add(items.get((int) i));
      }
    } else {
      long from = start == null ? size - 1 : clamp(asLong(start), size, -1, size - 1);
      long to = stop == null ? -1 : clamp(asLong(stop), size, -1, size - 1);
      for (long i = from; i > to; i += by) {
        result.add(items.get((int) i));
      }
    }
    if (text) {
      StringBuilder joined = new StringBuilder();
      result.forEach(c -> joined.append(c));
      return joined.toString();
    }
    return result;
  }

  private static long clamp(long index, int size, long low, long high) {
    long at = index < 0 ? index + size : index;
    return Math.max(low, Math.min(high, at));
  }

  private static long asLong(Object value) {
    if (value instanceof Long l) {
      return l;
    }
    throw new ModelException("chat template slices with " + Values.typeName(value));
  }
}
