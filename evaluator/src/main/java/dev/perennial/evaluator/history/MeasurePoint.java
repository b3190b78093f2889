package dev.perennial.evaluator.history;

/** A key's continual-learning measures after one update ({@code v3}, {@code candidate}). */
public record MeasurePoint(String label, ContinualMeasures measures) {}
