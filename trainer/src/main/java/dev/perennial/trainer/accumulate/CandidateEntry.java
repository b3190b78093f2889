package dev.perennial.trainer.accumulate;

/** A candidate seen on {@code candidates.v1}: the job it was trained for and its parent release. */
public record CandidateEntry(String candidateId, String jobId, Integer parentVersion) {}
