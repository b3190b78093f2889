package dev.perennial.trainer.accumulate;

/** The erasure that removed data a job or release was trained on. */
public record ErasureMark(String requestId, String subjectPseudonym) {}
