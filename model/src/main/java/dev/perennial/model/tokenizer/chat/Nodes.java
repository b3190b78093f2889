package dev.perennial.model.tokenizer.chat;

import java.util.List;

/** The parsed form of a chat template: statements and the expressions inside them. */
final class Nodes {

  private Nodes() {}

  /** Something that renders text. */
  interface Statement {}

  record Text(String text) implements Statement {}

  record Output(Expression expression) implements Statement {}

  record If(List<Expression> conditions, List<List<Statement>> branches, List<Statement> otherwise)
      implements Statement {}

  /** {@code for a[, b] in items [if filter]}; the {@code else} part runs when nothing iterated. */
  record For(
      List<String> targets,
      Expression items,
      Expression filter,
      List<Statement> body,
      List<Statement> otherwise)
      implements Statement {}

  /** {@code set name = value} or {@code set namespace.attribute = value}. */
  record Set(String name, String attribute, Expression value) implements Statement {}

  record Break() implements Statement {}

  record Continue() implements Statement {}

  /** A value-producing expression. */
  interface Expression {}

  record Literal(Object value) implements Expression {}

  record Name(String name) implements Expression {}

  record ListOf(List<Expression> items) implements Expression {}

  record MapOf(List<Expression> keys, List<Expression> values) implements Expression {}

  record Attribute(Expression target, String name) implements Expression {}

  record Item(Expression target, Expression key) implements Expression {}

  record Slice(Expression target, Expression start, Expression stop, Expression step)
      implements Expression {}

  /** A call; {@code target} is a name (function) or an attribute (method). */
  record Call(
      Expression target,
      List<Expression> arguments,
      List<String> keywordNames,
      List<Expression> keywordValues)
      implements Expression {}

  record Filter(
      Expression value,
      String name,
      List<Expression> arguments,
      List<String> keywordNames,
      List<Expression> keywordValues)
      implements Expression {}

  record Test(Expression value, String name, List<Expression> arguments, boolean negated)
      implements Expression {}

  record Unary(String operator, Expression operand) implements Expression {}

  record Binary(String operator, Expression left, Expression right) implements Expression {}

  record Conditional(Expression condition, Expression then, Expression otherwise)
      implements Expression {}
}
