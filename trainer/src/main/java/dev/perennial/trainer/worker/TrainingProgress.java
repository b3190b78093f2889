package dev.perennial.trainer.worker;

import dev.perennial.model.train.ProgressBar;
import dev.perennial.model.train.StepListener;
import dev.perennial.model.train.StepMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's progress as metrics ({@code perennial_trainer_job_step}, {@code ..._job_steps}, {@code
 * ..._job_tokens_per_second}, {@code ..._job_eta_seconds}, {@code
 * perennial_trainer_training_tokens_total}) and on the console: the model's progress bar when the
 * CLI hands a console, a log line every few steps otherwise.
 */
public final class TrainingProgress {

  private static final Logger log = LoggerFactory.getLogger(TrainingProgress.class);

  private final PrintWriter console;
  private final int every;
  private final AtomicReference<StepMetrics> last = new AtomicReference<>();
  private final Counter tokens;

  public TrainingProgress(MeterRegistry meters, PrintWriter console, int every) {
    this.console = console;
    this.every = Math.max(1, every);
    Gauge.builder("perennial.trainer.job.step", last, l -> value(l.get(), StepMetrics::step))
        .description("Optimizer step of the job in training (0 when idle)")
        .register(meters);
    Gauge.builder("perennial.trainer.job.steps", last, l -> value(l.get(), StepMetrics::totalSteps))
        .description("Steps planned for the job in training")
        .register(meters);
    Gauge.builder(
            "perennial.trainer.job.tokens.per.second",
            last,
            l -> l.get() == null ? 0 : l.get().tokensPerSecond())
        .description("Training tokens per second of the job in training")
        .register(meters);
    Gauge.builder("perennial.trainer.job.eta.seconds", last, l -> eta(l.get()))
        .description("Estimated seconds until the job in training finishes")
        .register(meters);
    this.tokens =
        Counter.builder("perennial.trainer.training.tokens")
            .description("Input tokens trained on, all jobs")
            .register(meters);
  }

  /** A listener for one job's steps. */
  public StepListener forJob(String jobId) {
    StepListener metrics =
        step -> {
          last.set(step);
          tokens.increment(step.tokens());
        };
    StepListener shown =
        console != null
            ? new ProgressBar(console, jobId, every)
            : step -> {
              if (step.step() % every == 0 || step.step() == step.totalSteps()) {
                log.info("{} {}", jobId, line(step));
              }
            };
    return metrics.andThen(shown);
  }

  /** The job ended: the gauges go back to idle. */
  public void idle() {
    last.set(null);
  }

  /** {@code step 40/200 loss 1.2345 1,234 tok/s eta 12 s}. */
  static String line(StepMetrics step) {
    return String.format(
        Locale.ROOT,
        "step %d/%d loss %.4f %,.0f tok/s eta %.0f s",
        step.step(),
        step.totalSteps(),
        step.loss(),
        step.tokensPerSecond(),
        eta(step));
  }

  static double eta(StepMetrics step) {
    return step == null ? 0 : step.etaSeconds();
  }

  private static double value(StepMetrics step, ToIntFunction<StepMetrics> f) {
    return step == null ? 0 : f.applyAsInt(step);
  }
}
