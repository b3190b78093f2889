package dev.perennial.evaluator.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.NodeList;

/**
 * The charts as a browser and an XML parser read them: hostile names stay text, and degenerate
 * series (nothing finite, one point, equal values, rounding noise, huge or negative values) still
 * give a well-formed SVG whose every coordinate is a finite number, or say there is nothing to
 * plot.
 */
class SvgTest {

  private static final String HOSTILE =
      "acme/<script>alert(1)</script>\" onload=\"alert(2)' ]]> & <![CDATA[x]]>";

  private static final Pattern NUMBER = Pattern.compile("-?[0-9.]+(?:[eE][-+]?[0-9]+)?");

  @Test
  void hostileTitlesLabelsNamesAndTicksStayTextInAWellFormedSvg() throws Exception {
    String line =
        Svg.lineChart(
            HOSTILE,
            HOSTILE,
            HOSTILE,
            List.of(
                new Svg.Series(HOSTILE, Svg.COLORS[0], new double[] {0, 1}, new double[] {1, 2})),
            List.of(HOSTILE, HOSTILE));
    String bars = Svg.deltaBars(HOSTILE, List.of(new Svg.Bar(HOSTILE, 0.5)));
    String histogram = Svg.histogram(HOSTILE, HOSTILE, List.of(0.5, -0.5), 20);

    for (String svg : List.of(line, bars, histogram)) {
      Document document = wellFormed(svg);
      assertThat(document.getElementsByTagName("script").getLength()).isZero();
      NodeList all = document.getElementsByTagName("*");
      for (int i = 0; i < all.getLength(); i++) {
        assertThat(((Element) all.item(i)).hasAttribute("onload")).isFalse();
      }
      List<String> texts = texts(document);
      assertThat(texts).contains(HOSTILE);
      assertThat(document.getElementsByTagName("title").item(0).getTextContent())
          .isEqualTo(HOSTILE);
    }
    assertThat(texts(wellFormed(line)).stream().filter(HOSTILE::equals).count())
        .as("title, x label, y label, two ticks, legend")
        .isEqualTo(6);
  }

  @Test
  void aLineChartWithNothingFiniteSaysSoInsteadOfDrawingAxes() throws Exception {
    double nan = Double.NaN;
    double inf = Double.POSITIVE_INFINITY;
    for (List<Svg.Series> series :
        List.of(
            List.<Svg.Series>of(),
            List.of(series(new double[0], new double[0])),
            List.of(series(new double[] {0, 1, 2}, new double[] {nan, inf, -inf})))) {
      Document document = wellFormed(Svg.lineChart("Training loss", "step", "loss", series, null));
      assertThat(texts(document)).contains("nothing to plot");
      assertThat(document.getElementsByTagName("path").getLength()).isZero();
    }
  }

  @Test
  void degenerateButFiniteSeriesGiveFiniteCoordinatesAndDistinctTicks() throws Exception {
    double nan = Double.NaN;
    List<double[]> ys =
        List.of(
            new double[] {2.5},
            new double[] {0.7, 0.7, 0.7},
            new double[] {0, 0},
            new double[] {-3, -1e-6, -200},
            new double[] {1e300, -1e300, 0},
            new double[] {2.3, nan, Double.POSITIVE_INFINITY, 1.9, 1.7});
    for (double[] y : ys) {
      double[] x = new double[y.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = 10 * i;
      }
      Document document =
          wellFormed(Svg.lineChart("Training loss", "step", "loss", List.of(series(x, y)), null));
      assertCoordinatesFinite(document);
      assertThat(document.getElementsByTagName("circle").getLength())
          .isEqualTo((int) java.util.Arrays.stream(y).filter(Double::isFinite).count());
      List<String> yTicks = yTickLabels(document);
      assertThat(yTicks).hasSizeBetween(2, 12).doesNotHaveDuplicates();
    }
  }

  @Test
  void aLossCurveFromTwoPointThreeToOnePointSevenHasTicksAcrossItsAxis() throws Exception {
    Document document =
        wellFormed(
            Svg.lineChart(
                "Training loss",
                "step",
                "loss",
                List.of(series(new double[] {0, 10, 20}, new double[] {2.3, 2.0, 1.7})),
                null));

    assertThat(yTickLabels(document)).containsExactly("1.6", "1.8", "2", "2.2", "2.4");
  }

  @Test
  void valuesThatDifferOnlyByRoundingArePlottedAsOneLevelWithAFewDistinctTicks() throws Exception {
    // 0.1 + 0.2 is 0.30000000000000004: a mean or a loss that is equal but for its last bit
    double[] y = {0.3, 0.1 + 0.2, 0.3};
    Document document =
        wellFormed(
            Svg.lineChart(
                "Training loss",
                "step",
                "loss",
                List.of(series(new double[] {0, 1, 2}, y)),
                List.of("a", "b", "c")));

    assertCoordinatesFinite(document);
    List<String> yTicks = yTickLabels(document);
    assertThat(yTicks).hasSizeBetween(2, 12).doesNotHaveDuplicates();
    List<String> cy = new ArrayList<>();
    NodeList circles = document.getElementsByTagName("circle");
    for (int i = 0; i < circles.getLength(); i++) {
      cy.add(((Element) circles.item(i)).getAttribute("cy"));
    }
    assertThat(cy).hasSize(3).containsOnly(cy.get(0));
  }

  @Test
  void aPointWithoutAFiniteXIsLeftOutAsOneWithoutAFiniteYIs() throws Exception {
    Document document =
        wellFormed(
            Svg.lineChart(
                "Training loss",
                "step",
                "loss",
                List.of(
                    series(
                        new double[] {0, Double.NaN, 20, Double.POSITIVE_INFINITY, 40},
                        new double[] {2.3, 2.1, 1.9, 1.8, 1.7})),
                null));

    assertCoordinatesFinite(document);
    assertThat(document.getElementsByTagName("circle").getLength()).isEqualTo(3);
  }

  @Test
  void barsAndHistogramsOfDegenerateValuesStayFiniteOrSayThereIsNothing() throws Exception {
    double nan = Double.NaN;
    double inf = Double.POSITIVE_INFINITY;
    assertThat(texts(wellFormed(Svg.deltaBars("deltas", List.of(new Svg.Bar("a", nan))))))
        .contains("no incumbent to compare with");
    assertThat(texts(wellFormed(Svg.histogram("margins", "margin", List.of(nan, inf), 20))))
        .contains("nothing to plot");
    for (List<Double> values :
        List.of(
            List.of(0.0),
            List.of(0.0, 0.0, 0.0),
            List.of(-2.0),
            List.of(0.3, 0.1 + 0.2),
            List.of(1e300, -1e300),
            List.of(1.5, nan, -inf, 0.25))) {
      assertCoordinatesFinite(wellFormed(Svg.histogram("margins", "margin", values, 20)));
      List<Svg.Bar> bars = values.stream().map(v -> new Svg.Bar("m", v)).toList();
      assertCoordinatesFinite(wellFormed(Svg.deltaBars("deltas", bars)));
    }
  }

  private static Svg.Series series(double[] x, double[] y) {
    return new Svg.Series("training loss", Svg.COLORS[0], x, y);
  }

  private static Document wellFormed(String svg) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Document document =
        factory
            .newDocumentBuilder()
            .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    assertThat(document.getDocumentElement().getLocalName()).isEqualTo("svg");
    assertThat(document.getDocumentElement().getNamespaceURI())
        .isEqualTo("http://www.w3.org/2000/svg");
    return document;
  }

  private static List<String> texts(Document document) {
    List<String> texts = new ArrayList<>();
    NodeList nodes = document.getElementsByTagName("text");
    for (int i = 0; i < nodes.getLength(); i++) {
      texts.add(nodes.item(i).getTextContent());
    }
    return texts;
  }

  /** The y axis' tick labels: the texts anchored at its left (x 50). */
  private static List<String> yTickLabels(Document document) {
    List<String> labels = new ArrayList<>();
    NodeList nodes = document.getElementsByTagName("text");
    for (int i = 0; i < nodes.getLength(); i++) {
      Element text = (Element) nodes.item(i);
      if (text.getAttribute("x").equals("50.0") && text.getAttribute("text-anchor").equals("end")) {
        labels.add(text.getTextContent());
      }
    }
    return labels;
  }

  /** Every coordinate or size attribute, and every number of a path, is a finite number. */
  private static void assertCoordinatesFinite(Document document) {
    NodeList all = document.getElementsByTagName("*");
    for (int i = 0; i < all.getLength(); i++) {
      NamedNodeMap attributes = all.item(i).getAttributes();
      for (int a = 0; a < attributes.getLength(); a++) {
        String name = attributes.item(a).getNodeName();
        String value = attributes.item(a).getNodeValue();
        if (List.of("x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "width", "height")
            .contains(name)) {
          assertThat(value).as(name).matches(NUMBER);
          assertThat(Double.parseDouble(value)).as(name).isFinite();
        } else if (name.equals("d")) {
          assertThat(value).as("path").matches("M[-0-9., LM]*");
          Matcher numbers = NUMBER.matcher(value);
          while (numbers.find()) {
            assertThat(Double.parseDouble(numbers.group())).as("path").isFinite();
          }
        }
      }
    }
  }
}
