package org.circuitbook.widgets.widget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.circuitbook.widgets.model.ToyModel;
import org.circuitbook.widgets.tensor.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("SvgPainter")
class SvgPainterTest {
    @Test
    @DisplayName("writes each primitive as one SVG element, numbers to two decimals, text escaped")
    void primitives() {
        SvgPainter p = new SvgPainter(100, 50);
        p.fillRect(0, 0.5, 10.25, 3.333, "#fff");
        p.line(1, 2, 3.1, -4.006, "red", 2);
        p.circle(5, 5, 1, "#000", 0.5);
        p.fillCircle(5, 5, 2, "blue");
        p.text("a < b & \"c\"", 50, 25, "#222", 12, "center");
        assertEquals("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 100 50\" role=\"img\" "
                + "font-family=\"system-ui, sans-serif\"><title>W&lt;sup&gt;</title>"
                + "<rect x=\"0\" y=\"0.5\" width=\"10.25\" height=\"3.33\" fill=\"#fff\"/>"
                + "<line x1=\"1\" y1=\"2\" x2=\"3.1\" y2=\"-4.01\" stroke=\"red\" stroke-width=\"2\"/>"
                + "<circle cx=\"5\" cy=\"5\" r=\"1\" fill=\"none\" stroke=\"#000\" stroke-width=\"0.5\"/>"
                + "<circle cx=\"5\" cy=\"5\" r=\"2\" fill=\"blue\"/>"
                + "<text x=\"50\" y=\"25\" fill=\"#222\" font-size=\"12\" text-anchor=\"middle\" "
                + "dominant-baseline=\"central\">a &lt; b &amp; &quot;c&quot;</text></svg>", p.toSvg("W<sup>"));
    }

    @Test
    @DisplayName("draws a grid of cells as one PNG, a pixel per cell, null cells transparent")
    void cells() throws java.io.IOException {
        SvgPainter p = new SvgPainter(100, 50);
        p.cells(10, 20, 30, 8, 3, new String[] {"#ff0000", "#00ff80", null, "#000000", "#ffffff", "#0a0b0c"});
        String svg = p.toSvg("t");
        String prefix = "<image x=\"10\" y=\"20\" width=\"30\" height=\"8\" preserveAspectRatio=\"none\" "
                + "style=\"image-rendering:pixelated\" href=\"data:image/png;base64,";
        int at = svg.indexOf(prefix);
        assertTrue(at > 0, svg);
        String base64 = svg.substring(at + prefix.length(), svg.indexOf('"', at + prefix.length()));
        java.awt.image.BufferedImage png = javax.imageio.ImageIO.read(
                new java.io.ByteArrayInputStream(java.util.Base64.getDecoder().decode(base64)));
        assertEquals(3, png.getWidth());
        assertEquals(2, png.getHeight());
        assertEquals(0xffff0000, png.getRGB(0, 0));
        assertEquals(0xff00ff80, png.getRGB(1, 0));
        assertEquals(0, png.getRGB(2, 0) >>> 24, "transparent");
        assertEquals(0xff000000, png.getRGB(0, 1));
        assertEquals(0xffffffff, png.getRGB(1, 1));
        assertEquals(0xff0a0b0c, png.getRGB(2, 1));
    }

    @Test
    @DisplayName("draws the superposition view as the canvas would, and its description names the represented features")
    void superpositionView() {
        // two features along the axes, a third not represented
        ToyModel model = new ToyModel(Tensor.of(new float[] {1, 0, 0.1f, 0, 1, 0}, 2, 3), Tensor.zeros(3), true);
        SvgPainter p = new SvgPainter(SuperpositionView.WIDTH, SuperpositionView.HEIGHT);
        SuperpositionView.paint(p, model, 0.5);
        String description = SuperpositionView.describe(model, 0.5);
        assertEquals("Toy model trained at sparsity 0.50: 2 of 3 features have a direction of length above 0.5 in 2 "
                + "dimensions (features 0, 1). Directions: 0 at 0\u00b0, 1 at 90\u00b0. Norms \u2016W\u1d62\u2016, features 0 "
                + "to 2: 1.00, 1.00, 0.10; dimensionalities D\u1d62: 0.99, 1.00, 0.01.", description);
        String svg = p.toSvg(description);
        assertTrue(svg.contains("<text") && svg.contains("Feature directions: columns of W"), svg);
        assertEquals(6, SuperpositionView.initialIndex(new double[] {0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99}, null));
        assertEquals(4, SuperpositionView.initialIndex(new double[] {0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99}, "0.9"));
        assertEquals(6, SuperpositionView.initialIndex(new double[] {0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99}, "abc"));
    }

    @Test
    @DisplayName("the superposition description names antipodal pairs, only among represented features")
    void superpositionAntipodalPairs() {
        // two antipodal pairs at right angles (a square), and a fifth feature too short to count
        ToyModel model = new ToyModel(Tensor.of(new float[] {1, -1, 0, 0, 0.01f, 0, 0, 1, -1, -0.01f}, 2, 5),
                Tensor.zeros(5), true);
        assertEquals("Toy model trained at sparsity 0.90: 4 of 5 features have a direction of length above 0.5 in 2 "
                + "dimensions (features 0, 1, 2, 3). Antipodal pairs (pointing in opposite directions): 0 and 1, 2 and 3."
                + " Directions: 0 at 0\u00b0, 1 at 180\u00b0, 2 at 90\u00b0, 3 at 270\u00b0. Norms \u2016W\u1d62\u2016, "
                + "features 0 to 4: 1.00, 1.00, 1.00, 1.00, 0.01; dimensionalities D\u1d62: 0.50, 0.50, 0.50, 0.50, 0.00.",
                SuperpositionView.describe(model, 0.9));
    }

    @Test
    @DisplayName("with more than two hidden dimensions the first panel charts each feature's dimensionality")
    void superpositionDimensionalityPanel() {
        float[] w = new float[5 * 8];
        for (int i = 0; i < 5; i++) {
            w[i * 8 + i] = 1; // features 0-4 along the axes, 5-7 dropped
        }
        ToyModel model = new ToyModel(Tensor.of(w, 5, 8), Tensor.zeros(8), true);
        for (boolean narrow : new boolean[] {false, true}) {
            SvgPainter p = new SvgPainter(SuperpositionView.WIDTH, SuperpositionView.HEIGHT, narrow);
            SuperpositionView.paint(p, model, 0);
            String svg = p.toSvg("t");
            assertTrue(svg.contains(">Feature dimensionality D\u1d62</text>") && !svg.contains("directions are drawn"), svg);
            assertEquals(8, svg.split("<circle ", -1).length - 1, "a dot per feature: " + svg);
            for (String fraction : new String[] {">1/2<", ">2/5<", ">1/3<"}) {
                assertTrue(svg.contains(fraction), fraction);
            }
        }
    }
}
