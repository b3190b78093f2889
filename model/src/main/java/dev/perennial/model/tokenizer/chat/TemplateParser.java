package dev.perennial.model.tokenizer.chat;

import dev.perennial.model.ModelException;
import dev.perennial.model.tokenizer.chat.Nodes.Expression;
import dev.perennial.model.tokenizer.chat.Nodes.Statement;
import dev.perennial.model.tokenizer.chat.TemplateSegments.Segment;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Parses the Jinja subset chat templates use into {@link Nodes}: {@code if/elif/else}, {@code for}
 * (with {@code loop}, tuple targets, a filter and {@code else}), {@code set} (also on a namespace),
 * {@code break}, {@code continue} and transformers' {@code generation} block; expressions with
 * Jinja's operator precedence, literals, lists, dicts, subscripts, slices, attributes, calls,
 * filters and tests. Any other tag is refused by name.
 */
final class TemplateParser {

  private static final Set<String> ENDINGS = Set.of("elif", "else", "endif", "endfor");

  private final List<Segment> segments;
  private int next;

  private TemplateParser(List<Segment> segments) {
    this.segments = segments;
  }

  static List<Statement> parse(String template) {
    TemplateParser parser = new TemplateParser(TemplateSegments.split(template));
    List<Statement> body = parser.block(Set.of());
    if (parser.next < parser.segments.size()) {
      Segment stray = parser.segments.get(parser.next);
      throw error(stray, "{% " + stray.source() + " %} has no opening tag");
    }
    return body;
  }

  /** Statements up to (not including) a tag whose first word is in {@code stops}. */
  private List<Statement> block(Set<String> stops) {
    List<Statement> statements = new ArrayList<>();
    while (next < segments.size()) {
      Segment segment = segments.get(next);
      switch (segment.kind()) {
        case TEXT -> {
          statements.add(new Nodes.Text(segment.source()));
          next++;
        }
        case OUTPUT -> {
          statements.add(new Nodes.Output(expression(segment, segment.source())));
          next++;
        }
        case TAG -> {
          String word = firstWord(segment.source());
          if (stops.contains(word)) {
            return statements;
          }
          if (ENDINGS.contains(word) || word.equals("endgeneration")) {
            throw error(segment, "{% " + word + " %} has no opening tag");
          }
          next++;
          statements.add(statement(segment, word));
        }
        default -> throw new IllegalStateException(segment.kind().toString());
      }
    }
    if (!stops.isEmpty()) {
      throw new ModelException(
          "chat template ends inside a block: expected one of " + String.join(", ", stops));
    }
    return statements;
  }

  private Statement statement(Segment segment, String word) {
    String rest = segment.source().substring(word.length()).strip();
    switch (word) {
      case "if":
        return ifStatement(segment, rest);
      case "for":
        return forStatement(segment, rest);
      case "set":
        return setStatement(segment, rest);
      case "break":
        return new Nodes.Break();
      case "continue":
        return new Nodes.Continue();
      case "generation":
        {
          // transformers' marker of assistant text: renders its body unchanged
          List<Statement> body = block(Set.of("endgeneration"));
          next++;
          return new Nodes.If(List.of(new Nodes.Literal(true)), List.of(body), List.of());
        }
      default:
        throw error(
            segment,
            "uses the {% "
                + word
                + " %} tag, which Perennial's chat template renderer does not support");
    }
  }

  private Statement ifStatement(Segment segment, String condition) {
    List<Expression> conditions = new ArrayList<>();
    List<List<Statement>> branches = new ArrayList<>();
    List<Statement> otherwise = List.of();
    conditions.add(expression(segment, condition));
    branches.add(block(Set.of("elif", "else", "endif")));
    while (true) {
      Segment tag = segments.get(next++);
      String word = firstWord(tag.source());
      if (word.equals("elif")) {
        conditions.add(expression(tag, tag.source().substring(4).strip()));
        branches.add(block(Set.of("elif", "else", "endif")));
      } else if (word.equals("else")) {
        otherwise = block(Set.of("endif"));
        next++;
        break;
      } else {
        break;
      }
    }
    return new Nodes.If(conditions, branches, otherwise);
  }

  private Statement forStatement(Segment segment, String header) {
    Tokens tokens = new Tokens(segment, header);
    List<String> targets = new ArrayList<>();
    targets.add(tokens.name());
    while (tokens.accept(",")) {
      targets.add(tokens.name());
    }
    tokens.expect("in");
    Expression items = tokens.orExpression();
    Expression filter = null;
    if (tokens.accept("if")) {
      filter = tokens.orExpression();
    }
    if (tokens.accept("recursive")) {
      throw error(segment, "uses a recursive for loop, which the renderer does not support");
    }
    tokens.end();
    List<Statement> body = block(Set.of("else", "endfor"));
    List<Statement> otherwise = List.of();
    if (firstWord(segments.get(next++).source()).equals("else")) {
      otherwise = block(Set.of("endfor"));
      next++;
    }
    return new Nodes.For(targets, items, filter, body, otherwise);
  }

  private Statement setStatement(Segment segment, String assignment) {
    Tokens tokens = new Tokens(segment, assignment);
    String name = tokens.name();
    String attribute = null;
    if (tokens.accept(".")) {
      attribute = tokens.name();
    }
    if (!tokens.accept("=")) {
      throw error(segment, "uses a block {% set %}, which the renderer does not support");
    }
    Expression value = tokens.expression();
    tokens.end();
    return new Nodes.Set(name, attribute, value);
  }

  private static Expression expression(Segment segment, String source) {
    Tokens tokens = new Tokens(segment, source);
    Expression expression = tokens.expression();
    tokens.end();
    return expression;
  }

  private static String firstWord(String source) {
    int end = 0;
    while (end < source.length() && Character.isJavaIdentifierPart(source.charAt(end))) {
      end++;
    }
    return source.substring(0, end);
  }

  static ModelException error(Segment segment, String message) {
    return new ModelException("chat template, line " + segment.line() + ": " + message);
  }

  /** The tokens of one expression and a recursive-descent parser over them. */
  private static final class Tokens {

    private static final List<String> OPERATORS =
        List.of(
            "==", "!=", "<=", ">=", "//", "**", "+", "-", "*", "/", "%", "~", "<", ">", "(", ")",
            "[", "]", "{", "}", ",", ".", ":", "|", "=");

    private final Segment segment;
    private final List<Object> tokens = new ArrayList<>();
    private int at;

    Tokens(Segment segment, String source) {
      this.segment = segment;
      lex(source);
    }

    // tokens: String for names and operators, Literal for strings and numbers
    private void lex(String source) {
      int i = 0;
      while (i < source.length()) {
        char c = source.charAt(i);
        if (Character.isWhitespace(c)) {
          i++;
        } else if (c == '\'' || c == '"') {
          StringBuilder text = new StringBuilder();
          int j = i + 1;
          while (j < source.length() && source.charAt(j) != c) {
            char d = source.charAt(j);
            if (d == '\\' && j + 1 < source.length()) {
              j = escape(source, j + 1, text);
            } else {
              text.append(d);
              j++;
            }
          }
          if (j >= source.length()) {
            throw error(segment, "a string is never closed in: " + source);
          }
          tokens.add(new Nodes.Literal(text.toString()));
          i = j + 1;
        } else if (Character.isDigit(c)) {
          int j = i;
          while (j < source.length() && Character.isDigit(source.charAt(j))) {
            j++;
          }
          if (j + 1 < source.length()
              && source.charAt(j) == '.'
              && Character.isDigit(source.charAt(j + 1))) {
            j++;
            while (j < source.length() && Character.isDigit(source.charAt(j))) {
              j++;
            }
            tokens.add(new Nodes.Literal(Double.parseDouble(source.substring(i, j))));
          } else {
            try {
              tokens.add(new Nodes.Literal(Long.parseLong(source.substring(i, j))));
            } catch (NumberFormatException e) {
              throw error(segment, "the integer " + source.substring(i, j) + " is beyond a long");
            }
          }
          i = j;
        } else if (Character.isLetter(c) || c == '_') {
          int j = i;
          while (j < source.length()
              && (Character.isLetterOrDigit(source.charAt(j)) || source.charAt(j) == '_')) {
            j++;
          }
          tokens.add(source.substring(i, j));
          i = j;
        } else {
          String operator = null;
          for (String candidate : OPERATORS) {
            if (source.startsWith(candidate, i)) {
              operator = candidate;
              break;
            }
          }
          if (operator == null) {
            throw error(segment, "unexpected character '" + c + "' in: " + source);
          }
          tokens.add(operator);
          i += operator.length();
        }
      }
    }

    private int escape(String source, int at, StringBuilder text) {
      char e = source.charAt(at);
      switch (e) {
        case 'n' -> text.append('\n');
        case 't' -> text.append('\t');
        case 'r' -> text.append('\r');
        case '\\' -> text.append('\\');
        case '\'' -> text.append('\'');
        case '"' -> text.append('"');
        case 'u' -> {
          text.append((char) Integer.parseInt(source.substring(at + 1, at + 5), 16));
          return at + 5;
        }
        default -> text.append('\\').append(e);
      }
      return at + 1;
    }

    private Object peek() {
      return at < tokens.size() ? tokens.get(at) : null;
    }

    private Object peek(int ahead) {
      return at + ahead < tokens.size() ? tokens.get(at + ahead) : null;
    }

    boolean accept(String token) {
      if (token.equals(peek())) {
        at++;
        return true;
      }
      return false;
    }

    void expect(String token) {
      if (!accept(token)) {
        throw error(segment, "expected '" + token + "' but found " + describe(peek()));
      }
    }

    String name() {
      Object token = peek();
      if (token instanceof String name && isName(name)) {
        at++;
        return name;
      }
      throw error(segment, "expected a name but found " + describe(token));
    }

    void end() {
      if (at < tokens.size()) {
        throw error(segment, "unexpected " + describe(peek()));
      }
    }

    private static boolean isName(String token) {
      return Character.isLetter(token.charAt(0)) || token.charAt(0) == '_';
    }

    private static String describe(Object token) {
      if (token == null) {
        return "the end of the expression";
      }
      return token instanceof Nodes.Literal literal
          ? "literal " + literal.value()
          : "'" + token + "'";
    }

    /** A full expression: a conditional {@code a if b else c} or anything below it. */
    Expression expression() {
      Expression value = orExpression();
      if (accept("if")) {
        Expression condition = orExpression();
        Expression otherwise = accept("else") ? expression() : new Nodes.Literal(Values.UNDEFINED);
        return new Nodes.Conditional(condition, value, otherwise);
      }
      return value;
    }

    Expression orExpression() {
      Expression left = andExpression();
      while (accept("or")) {
        left = new Nodes.Binary("or", left, andExpression());
      }
      return left;
    }

    private Expression andExpression() {
      Expression left = notExpression();
      while (accept("and")) {
        left = new Nodes.Binary("and", left, notExpression());
      }
      return left;
    }

    private Expression notExpression() {
      if (accept("not")) {
        return new Nodes.Unary("not", notExpression());
      }
      return comparison();
    }

    private Expression comparison() {
      Expression left = sum();
      while (true) {
        Object token = peek();
        if (token instanceof String op && List.of("==", "!=", "<", "<=", ">", ">=").contains(op)) {
          at++;
          left = new Nodes.Binary(op, left, sum());
        } else if ("in".equals(token)) {
          at++;
          left = new Nodes.Binary("in", left, sum());
        } else if ("not".equals(token) && "in".equals(peek(1))) {
          at += 2;
          left = new Nodes.Unary("not", new Nodes.Binary("in", left, sum()));
        } else {
          return left;
        }
      }
    }

    private Expression sum() {
      Expression left = concatenation();
      while (peek() instanceof String op && (op.equals("+") || op.equals("-"))) {
        at++;
        left = new Nodes.Binary(op, left, concatenation());
      }
      return left;
    }

    private Expression concatenation() {
      Expression left = product();
      while (accept("~")) {
        left = new Nodes.Binary("~", left, product());
      }
      return left;
    }

    private Expression product() {
      Expression left = power();
      while (peek() instanceof String op
          && (op.equals("*") || op.equals("/") || op.equals("//") || op.equals("%"))) {
        at++;
        left = new Nodes.Binary(op, left, power());
      }
      return left;
    }

    private Expression power() {
      Expression left = unary();
      while (accept("**")) {
        left = new Nodes.Binary("**", left, unary());
      }
      return left;
    }

    private Expression unary() {
      if (accept("-")) {
        return filters(new Nodes.Unary("-", unary()));
      }
      if (accept("+")) {
        return filters(unary());
      }
      return filters(postfix(primary()));
    }

    private Expression primary() {
      Object token = peek();
      if (token == null) {
        throw error(segment, "the expression ends too early");
      }
      at++;
      if (token instanceof Nodes.Literal literal) {
        Expression value = literal;
        // adjacent string literals concatenate, as in Python
        while (peek() instanceof Nodes.Literal more
            && more.value() instanceof String second
            && literal.value() instanceof String) {
          at++;
          value = new Nodes.Literal(((Nodes.Literal) value).value() + second);
        }
        return value;
      }
      String text = (String) token;
      switch (text) {
        case "true", "True":
          return new Nodes.Literal(Boolean.TRUE);
        case "false", "False":
          return new Nodes.Literal(Boolean.FALSE);
        case "none", "None":
          return new Nodes.Literal(null);
        case "(":
          {
            Expression inner = expression();
            if (accept(",")) {
              List<Expression> items = new ArrayList<>(List.of(inner));
              while (!accept(")")) {
                items.add(expression());
                if (!accept(",")) {
                  expect(")");
                  break;
                }
              }
              return new Nodes.ListOf(items);
            }
            expect(")");
            return inner;
          }
        case "[":
          {
            List<Expression> items = new ArrayList<>();
            while (!accept("]")) {
              items.add(expression());
              if (!accept(",")) {
                expect("]");
                break;
              }
            }
            return new Nodes.ListOf(items);
          }
        case "{":
          {
            List<Expression> keys = new ArrayList<>();
            List<Expression> values = new ArrayList<>();
            while (!accept("}")) {
              keys.add(expression());
              expect(":");
              values.add(expression());
              if (!accept(",")) {
                expect("}");
                break;
              }
            }
            return new Nodes.MapOf(keys, values);
          }
        default:
          if (!isName(text)) {
            throw error(segment, "unexpected '" + text + "'");
          }
          return new Nodes.Name(text);
      }
    }

    private Expression postfix(Expression target) {
      while (true) {
        if (accept(".")) {
          Object token = peek();
          if (token instanceof Nodes.Literal literal && literal.value() instanceof Long index) {
            at++;
            target = new Nodes.Item(target, new Nodes.Literal(index));
          } else {
            target = new Nodes.Attribute(target, name());
          }
        } else if (accept("[")) {
          target = subscript(target);
        } else if ("(".equals(peek())) {
          at++;
          target = call(target);
        } else {
          return target;
        }
      }
    }

    private Expression subscript(Expression target) {
      Expression start = null;
      if (!":".equals(peek())) {
        start = expression();
        if (accept("]")) {
          return new Nodes.Item(target, start);
        }
      }
      expect(":");
      Expression stop = null;
      Expression step = null;
      if (!":".equals(peek()) && !"]".equals(peek())) {
        stop = expression();
      }
      if (accept(":") && !"]".equals(peek())) {
        step = expression();
      }
      expect("]");
      return new Nodes.Slice(target, start, stop, step);
    }

    private Expression call(Expression target) {
      List<Expression> arguments = new ArrayList<>();
      List<String> keywordNames = new ArrayList<>();
      List<Expression> keywordValues = new ArrayList<>();
      arguments(arguments, keywordNames, keywordValues);
      return new Nodes.Call(target, arguments, keywordNames, keywordValues);
    }

    /** Reads arguments up to and including the closing parenthesis. */
    private void arguments(
        List<Expression> arguments, List<String> keywordNames, List<Expression> keywordValues) {
      while (!accept(")")) {
        if (peek() instanceof String name && isName(name) && "=".equals(peek(1))) {
          at += 2;
          keywordNames.add(name);
          keywordValues.add(expression());
        } else {
          arguments.add(expression());
        }
        if (!accept(",")) {
          expect(")");
          return;
        }
      }
    }

    private Expression filters(Expression value) {
      while (true) {
        if (accept("|")) {
          String name = name();
          List<Expression> arguments = new ArrayList<>();
          List<String> keywordNames = new ArrayList<>();
          List<Expression> keywordValues = new ArrayList<>();
          if (accept("(")) {
            arguments(arguments, keywordNames, keywordValues);
          }
          value = new Nodes.Filter(value, name, arguments, keywordNames, keywordValues);
        } else if (accept("is")) {
          boolean negated = accept("not");
          String name = name();
          List<Expression> arguments = new ArrayList<>();
          if (accept("(")) {
            arguments(arguments, new ArrayList<>(), new ArrayList<>());
          } else if (peek() != null
              && (peek() instanceof Nodes.Literal || (peek() instanceof String s && isName(s)))
              && !List.of("and", "or", "else", "if", "in", "not", "is").contains(peek())) {
            arguments.add(primary());
          }
          value = new Nodes.Test(value, name, arguments, negated);
        } else {
          return value;
        }
      }
    }
  }
}
