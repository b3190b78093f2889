package dev.perennial.evaluator.suite;

import dev.perennial.evaluator.scoring.Results;
import dev.perennial.evaluator.scoring.Workload;
import java.util.List;

/**
 * One kind of evaluation: what it needs scored (workloads of the batch's models, computed together
 * with every other suite's and candidate's) and what it makes of the results.
 */
public interface Suite {

  String name();

  List<Workload> workloads(EvaluationContext context);

  void measure(EvaluationContext context, Results results, Measurements into);
}
