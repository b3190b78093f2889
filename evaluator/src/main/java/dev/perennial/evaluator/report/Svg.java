package dev.perennial.evaluator.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Small inline SVG charts for the HTML reports (the evaluation report, the continual-learning
 * benchmark's page): nothing external, no script. Every text is escaped.
 */
public final class Svg {

  /** One line of a line chart: a name, a colour and its points (non-finite ones are skipped). */
  public record Series(String name, String color, double[] x, double[] y) {}

  /** One bar of a bar chart: a label and a signed value. */
  public record Bar(String label, double value) {}

  public static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"};

  private static final int WIDTH = 620;
  private static final int HEIGHT = 260;
  private static final int LEFT = 56;
  private static final int RIGHT = 16;
  private static final int TOP = 28;
  private static final int BOTTOM = 44;
  private static final int MAX_TICKS = 12;

  private Svg() {}

  /**
   * A line chart.
   *
   * @param xTicks labels of the integer x positions 0..n-1 (a categorical axis), or null for a
   *     numeric x axis
   */
  public static String lineChart(
      String title, String xLabel, String yLabel, List<Series> series, List<String> xTicks) {
    double[] xRange = range(series, true);
    double[] yRange = range(series, false);
    if (xTicks != null) {
      xRange = new double[] {-0.5, Math.max(0.5, xTicks.size() - 0.5)};
    }
    if (Double.isNaN(xRange[0]) || Double.isNaN(yRange[0])) {
      return empty(title, "nothing to plot");
    }
    double[] yAxis = niceRange(yRange[0], yRange[1]);
    Frame frame = new Frame(xRange[0], xRange[1], yAxis[0], yAxis[1]);
    StringBuilder svg = open(title);
    axes(svg, frame, xLabel, yLabel);
    for (double tick : ticks(yAxis[0], yAxis[1])) {
      double y = frame.y(tick);
      svg.append(line(LEFT, y, WIDTH - RIGHT, y, "#e5e5e5"));
      svg.append(text(LEFT - 6, y + 4, format(tick), "end", 11));
    }
    if (xTicks != null) {
      for (int i = 0; i < xTicks.size(); i++) {
        svg.append(text(frame.x(i), HEIGHT - BOTTOM + 16, xTicks.get(i), "middle", 11));
      }
    } else {
      for (double tick : ticks(xRange[0], xRange[1])) {
        svg.append(text(frame.x(tick), HEIGHT - BOTTOM + 16, format(tick), "middle", 11));
      }
    }
    for (Series s : series) {
      StringBuilder path = new StringBuilder();
      boolean pen = false;
      for (int i = 0; i < s.x().length; i++) {
        if (!Double.isFinite(s.x()[i]) || !Double.isFinite(s.y()[i])) {
          pen = false;
          continue;
        }
        path.append(pen ? " L" : " M")
            .append(number(frame.x(s.x()[i])))
            .append(',')
            .append(number(frame.y(s.y()[i])));
        pen = true;
        svg.append(
            String.format(
                Locale.ROOT,
                "<circle cx=\"%s\" cy=\"%s\" r=\"3\" fill=\"%s\"/>",
                number(frame.x(s.x()[i])),
                number(frame.y(s.y()[i])),
                s.color()));
      }
      if (path.length() > 0) {
        svg.append("<path d=\"")
            .append(path.toString().trim())
            .append("\" fill=\"none\" stroke=\"")
            .append(s.color())
            .append("\" stroke-width=\"2\"/>");
      }
    }
    legend(svg, series);
    return svg.append("</svg>").toString();
  }

  /** Horizontal bars around zero: positive (better) green, negative (worse) red. */
  public static String deltaBars(String title, List<Bar> bars) {
    List<Bar> shown = bars.stream().filter(b -> Double.isFinite(b.value())).toList();
    if (shown.isEmpty()) {
      return empty(title, "no incumbent to compare with");
    }
    double extent = shown.stream().mapToDouble(b -> Math.abs(b.value())).max().orElse(1);
    extent = extent == 0 ? 1 : extent;
    int rowHeight = 26;
    int height = TOP + 12 + rowHeight * shown.size() + 20;
    int labelWidth = 230;
    double zero = labelWidth + (WIDTH - labelWidth - RIGHT) / 2.0;
    double half = (WIDTH - labelWidth - RIGHT) / 2.0 - 50;
    StringBuilder svg = open(title, height);
    svg.append(line(zero, TOP + 6, zero, height - 14, "#999"));
    for (int i = 0; i < shown.size(); i++) {
      Bar bar = shown.get(i);
      double y = TOP + 12 + i * rowHeight;
      double length = half * bar.value() / extent;
      double x = length >= 0 ? zero : zero + length;
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"16\" fill=\"%s\"/>",
              number(x),
              number(y),
              number(Math.max(1, Math.abs(length))),
              bar.value() >= 0 ? "#2ca02c" : "#d62728"));
      svg.append(text(labelWidth - 8, y + 12, bar.label(), "end", 12));
      double valueX = length >= 0 ? zero + length + 4 : zero + length - 4;
      svg.append(text(valueX, y + 12, signed(bar.value()), length >= 0 ? "start" : "end", 11));
    }
    return svg.append("</svg>").toString();
  }

  /**
   * A histogram of signed values in {@code bins} equal bins over a range that includes 0: bins
   * above 0 green, below red (a bin across 0 grey), with a line at 0.
   */
  public static String histogram(String title, String xLabel, List<Double> values, int bins) {
    List<Double> shown = values.stream().filter(Double::isFinite).toList();
    if (shown.isEmpty()) {
      return empty(title, "nothing to plot");
    }
    double min = Math.min(0, shown.stream().mapToDouble(Double::doubleValue).min().orElse(0));
    double max = Math.max(0, shown.stream().mapToDouble(Double::doubleValue).max().orElse(0));
    double[] xAxis = niceRange(min, max);
    double width = (xAxis[1] - xAxis[0]) / bins;
    int[] counts = new int[bins];
    for (double value : shown) {
      counts[Math.min(bins - 1, (int) ((value - xAxis[0]) / width))]++;
    }
    int highest = 0;
    for (int count : counts) {
      highest = Math.max(highest, count);
    }
    double[] yAxis = niceRange(0, highest);
    Frame frame = new Frame(xAxis[0], xAxis[1], 0, yAxis[1]);
    StringBuilder svg = open(title);
    axes(svg, frame, xLabel, "pairs");
    for (double tick : ticks(0, yAxis[1])) {
      double y = frame.y(tick);
      svg.append(line(LEFT, y, WIDTH - RIGHT, y, "#e5e5e5"));
      svg.append(text(LEFT - 6, y + 4, format(tick), "end", 11));
    }
    for (double tick : ticks(xAxis[0], xAxis[1])) {
      svg.append(text(frame.x(tick), HEIGHT - BOTTOM + 16, format(tick), "middle", 11));
    }
    for (int b = 0; b < bins; b++) {
      if (counts[b] == 0) {
        continue;
      }
      double from = xAxis[0] + b * width;
      double to = from + width;
      String color = from >= 0 ? "#2ca02c" : to <= 0 ? "#d62728" : "#999";
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"%s\"/>",
              number(frame.x(from) + 1),
              number(frame.y(counts[b])),
              number(Math.max(1, frame.x(to) - frame.x(from) - 2)),
              number(frame.y(0) - frame.y(counts[b])),
              color));
    }
    svg.append(line(frame.x(0), TOP, frame.x(0), HEIGHT - BOTTOM, "#333"));
    return svg.append("</svg>").toString();
  }

  private record Frame(double xMin, double xMax, double yMin, double yMax) {
    double x(double value) {
      double span = xMax - xMin == 0 ? 1 : xMax - xMin;
      return LEFT + (value - xMin) / span * (WIDTH - LEFT - RIGHT);
    }

    double y(double value) {
      double span = yMax - yMin == 0 ? 1 : yMax - yMin;
      return HEIGHT - BOTTOM - (value - yMin) / span * (HEIGHT - TOP - BOTTOM);
    }
  }

  private static StringBuilder open(String title) {
    return open(title, HEIGHT);
  }

  private static StringBuilder open(String title, int height) {
    StringBuilder svg = new StringBuilder();
    svg.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d"
                + " %d\" role=\"img\" font-family=\"sans-serif\">",
            WIDTH,
            height,
            WIDTH,
            height));
    svg.append("<title>").append(Html.escape(title)).append("</title>");
    svg.append(text(WIDTH / 2.0, 18, title, "middle", 14));
    return svg;
  }

  private static String empty(String title, String why) {
    StringBuilder svg = open(title, 70);
    svg.append(text(WIDTH / 2.0, 48, why, "middle", 12));
    return svg.append("</svg>").toString();
  }

  private static void axes(StringBuilder svg, Frame frame, String xLabel, String yLabel) {
    svg.append(line(LEFT, TOP, LEFT, HEIGHT - BOTTOM, "#333"));
    svg.append(line(LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM, "#333"));
    svg.append(text((LEFT + WIDTH - RIGHT) / 2.0, HEIGHT - 8, xLabel, "middle", 12));
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"14\" y=\"%s\" font-size=\"12\" text-anchor=\"middle\""
                + " transform=\"rotate(-90 14 %s)\">%s</text>",
            number((TOP + HEIGHT - BOTTOM) / 2.0),
            number((TOP + HEIGHT - BOTTOM) / 2.0),
            Html.escape(yLabel)));
  }

  private static void legend(StringBuilder svg, List<Series> series) {
    double x = LEFT + 8;
    for (Series s : series) {
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%s\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>",
              number(x),
              TOP + 2,
              s.color()));
      svg.append(text(x + 14, TOP + 11, s.name(), "start", 11));
      x += 24 + 7 * s.name().length();
    }
  }

  private static double[] range(List<Series> series, boolean x) {
    double min = Double.NaN;
    double max = Double.NaN;
    for (Series s : series) {
      for (int i = 0; i < s.x().length; i++) {
        double v = x ? s.x()[i] : s.y()[i];
        if (!Double.isFinite(v) || !Double.isFinite(x ? s.y()[i] : s.x()[i])) {
          continue;
        }
        min = Double.isNaN(min) ? v : Math.min(min, v);
        max = Double.isNaN(max) ? v : Math.max(max, v);
      }
    }
    return new double[] {min, max};
  }

  /**
   * A range from a "nice" number below {@code min} to one above {@code max}; values equal but for
   * rounding (0.1 + 0.2 and 0.3) are one level, padded by a tenth of it, as equal values are.
   */
  static double[] niceRange(double min, double max) {
    if (max - min <= Math.max(Math.abs(min), Math.abs(max)) * 1e-9) {
      double level = min / 2 + max / 2;
      double pad = level == 0 ? 1 : Math.abs(level) * 0.1;
      min = level - pad;
      max = level + pad;
    }
    double step = niceStep((max - min) / 4);
    return new double[] {Math.floor(min / step) * step, Math.ceil(max / step) * step};
  }

  /**
   * The nice numbers in [min, max], at most {@value #MAX_TICKS}: counted by index rather than by
   * adding the step, which never advances once the step is below the values' precision.
   */
  private static List<Double> ticks(double min, double max) {
    double step = niceStep((max - min) / 4);
    List<Double> ticks = new ArrayList<>();
    double first = Math.ceil(min / step);
    for (int k = 0; k < MAX_TICKS && (first + k) * step <= max + step * 1e-9; k++) {
      double t = (first + k) * step;
      ticks.add(Math.abs(t) < step * 1e-9 ? 0 : t);
    }
    return ticks;
  }

  private static double niceStep(double rough) {
    if (!(rough > 0)) {
      return 1;
    }
    double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
    // 1e-9 of slack: 0.8 / 4 computed as 0.2000000000000001 is a step of 0.2, not 0.5
    double fraction = rough / magnitude * (1 - 1e-9);
    double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
    return nice * magnitude;
  }

  private static String line(double x1, double y1, double x2, double y2, String color) {
    return String.format(
        Locale.ROOT,
        "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"%s\"/>",
        number(x1),
        number(y1),
        number(x2),
        number(y2),
        color);
  }

  private static String text(double x, double y, String text, String anchor, int size) {
    return String.format(
        Locale.ROOT,
        "<text x=\"%s\" y=\"%s\" font-size=\"%d\" text-anchor=\"%s\">%s</text>",
        number(x),
        number(y),
        size,
        anchor,
        Html.escape(text));
  }

  /** A tick label: {@code 2}, {@code 0.25}, {@code 1.5e-05}, without trailing zeros. */
  static String format(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e6) {
      return String.format(Locale.ROOT, "%d", (long) value);
    }
    return new java.math.BigDecimal(String.format(Locale.ROOT, "%.4g", value))
        .stripTrailingZeros()
        .toString();
  }

  private static String signed(double value) {
    return (value >= 0 ? "+" : "") + String.format(Locale.ROOT, "%.3g", value);
  }

  private static String number(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }
}
