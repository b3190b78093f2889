package dev.perennial.evaluator.report;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import dev.perennial.model.runtime.ModelRuntime;
import org.junit.jupiter.api.Test;

class EvaluatorRuntimeTest {

  @Test
  void theRuntimeIsTheThreadCountInEffectAndTheEnginesVersions() {
    int before = ModelRuntime.threads();
    int other = before == 1 ? 2 : 1;
    try {
      ModelRuntime.setThreads(other);

      EvaluatorRuntime runtime = EvaluatorRuntime.current();

      assertThat(runtime.threads()).isEqualTo(other);
      assertThat(runtime.djl()).isEqualTo(Engine.getDjlVersion()).isNotBlank();
      assertThat(runtime.pytorch()).isEqualTo(ModelRuntime.engine().getVersion()).isNotBlank();
    } finally {
      ModelRuntime.setThreads(before);
    }
  }
}
