package dev.perennial.trainer.accumulate;

/**
 * The erasure that removed data a job or release was trained on, by its request id. It does not
 * name the subject: the entries that hold it are changelogged to compacted topics and kept for
 * good. Entries written before still carry a {@code subjectPseudonym}, which is not read.
 */
public record ErasureMark(String requestId) {}
