package dev.perennial.trainer.worker;

import dev.perennial.model.train.TrainingExample;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The replay pool of a job: {@code poolSize} examples, {@code tenantShare} of them drawn from the
 * adapter key's earlier shards and the rest from the base model's general replay set (a side with
 * too few examples leaves its places to the other). Drawn without replacement, seeded, so a re-run
 * of a job replays the same examples; the sampler then draws each batch's replay rows from it.
 */
public final class ReplayMix {

  private ReplayMix() {}

  public record Pool(List<TrainingExample> examples, int fromTenant, int fromGeneral) {}

  public static Pool draw(
      List<TrainingExample> general,
      List<TrainingExample> tenant,
      double tenantShare,
      int poolSize,
      long seed) {
    int wantedTenant = (int) Math.round(poolSize * tenantShare);
    int fromTenant = Math.min(tenant.size(), wantedTenant);
    int fromGeneral = Math.min(general.size(), poolSize - fromTenant);
    fromTenant = Math.min(tenant.size(), poolSize - fromGeneral);
    Random random = new Random(seed);
    List<TrainingExample> pool = new ArrayList<>(fromTenant + fromGeneral);
    pool.addAll(sample(tenant, fromTenant, random));
    pool.addAll(sample(general, fromGeneral, random));
    return new Pool(pool, fromTenant, fromGeneral);
  }

  private static List<TrainingExample> sample(
      List<TrainingExample> from, int count, Random random) {
    List<TrainingExample> shuffled = new ArrayList<>(from);
    Collections.shuffle(shuffled, random);
    return shuffled.subList(0, count);
  }
}
