package dev.perennial.trainer.worker;

import dev.perennial.core.crypto.Digest;
import dev.perennial.schemas.v1.AdapterCandidate;
import java.util.List;

/** A trained job: its candidate (files already in the store) and the shards training read. */
public record TrainedJob(AdapterCandidate candidate, List<Digest> shardsRead) {}
