package dev.perennial.model.train;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line console progress bar with loss, learning rate and throughput. On a terminal it is
 * redrawn in place; elsewhere (a log file, CI) each drawing is a line of its own, since carriage
 * returns would run the drawings and the log lines between them together. The CLI hands it the
 * stream to draw on.
 */
public final class ProgressBar implements StepListener {

  private static final int WIDTH = 30;

  private final PrintWriter out;
  private final String label;
  private final int every;
  private final boolean inPlace;

  /**
   * Redrawn in place when this process writes to a terminal, a line per drawing otherwise.
   *
   * @param every redraw every this many steps (the last step is always drawn)
   */
  public ProgressBar(PrintWriter out, String label, int every) {
    this(out, label, every, System.console() != null);
  }

  /**
   * @param every redraw every this many steps (the last step is always drawn)
   * @param inPlace redraw over the previous drawing (a terminal), or write a line per drawing
   */
  public ProgressBar(PrintWriter out, String label, int every, boolean inPlace) {
    this.out = out;
    this.label = label;
    this.every = Math.max(1, every);
    this.inPlace = inPlace;
  }

  @Override
  public void onStep(StepMetrics metrics) {
    boolean last = metrics.step() == metrics.totalSteps();
    if (!last && metrics.step() % every != 0) {
      return;
    }
    if (inPlace) {
      out.print('\r');
      out.print(line(label, metrics));
      if (last) {
        out.println();
      }
    } else {
      out.println(line(label, metrics));
    }
    out.flush();
  }

  /** {@code label [=====> ] 120/200 loss 1.234 lr 2.0e-03 9,876 tok/s eta 42 s}. */
  static String line(String label, StepMetrics metrics) {
    int filled = (int) ((long) WIDTH * metrics.step() / metrics.totalSteps());
    StringBuilder bar = new StringBuilder(label).append(" [");
    for (int i = 0; i < WIDTH; i++) {
      bar.append(i < filled ? '=' : (i == filled ? '>' : ' '));
    }
    bar.append("] ");
    bar.append(
        String.format(
            Locale.ROOT,
            "%d/%d loss %.4f lr %.1e %,.0f tok/s eta %.0f s",
            metrics.step(),
            metrics.totalSteps(),
            metrics.loss(),
            metrics.learningRate(),
            metrics.tokensPerSecond(),
            metrics.etaSeconds()));
    return bar.toString();
  }
}
