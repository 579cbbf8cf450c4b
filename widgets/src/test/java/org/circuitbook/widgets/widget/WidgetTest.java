package org.circuitbook.widgets.widget;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.circuitbook.widgets.model.ToyModel;
import org.circuitbook.widgets.tensor.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class WidgetTest {
    /** Records what a widget draws. */
    static final class RecordingPainter implements Painter {
        final List<String> calls = new ArrayList<>();

        @Override
        public void fillRect(double x, double y, double w, double h, String color) {
            calls.add("rect " + color);
        }

        @Override
        public void line(double x1, double y1, double x2, double y2, String color, double width) {
            calls.add("line " + color + " " + width);
        }

        @Override
        public void circle(double cx, double cy, double r, String color, double width) {
            calls.add("circle");
        }

        @Override
        public void fillCircle(double cx, double cy, double r, String color) {
            calls.add("dot " + color);
        }

        @Override
        public void text(String text, double x, double y, String color, int size, String align) {
            calls.add("text " + text);
        }
    }

    @Test
    @DisplayName("the superposition view draws one arrow per feature and an n x n heatmap")
    void superpositionView() {
        float[] w = new float[2 * 5];
        for (int i = 0; i < 5; i++) {
            w[i] = (float) Math.cos(2 * Math.PI * i / 5);
            w[5 + i] = (float) Math.sin(2 * Math.PI * i / 5);
        }
        RecordingPainter p = new RecordingPainter();
        SuperpositionView.paint(p, new ToyModel(Tensor.of(w, 2, 5), Tensor.zeros(5)), 0.9);
        long arrows = p.calls.stream().filter(c -> c.startsWith("line ") && c.endsWith(" 3.0")).count();
        assertEquals(5, arrows);
        long dots = p.calls.stream().filter(c -> c.startsWith("dot ")).count();
        assertEquals(5, dots);
        assertTrue(p.calls.contains("text sparsity S = 0.90   (1 - S = probability a feature is active)"));
        assertTrue(p.calls.contains("text 1.00"), "diagonal of W^T W is labelled 1.00");
        assertTrue(p.calls.contains("text 0.31"), "neighbouring pentagon features overlap by cos 72 = 0.31");
    }

    @Test
    @DisplayName("labels are formatted without String.format")
    void fmt() {
        assertEquals("0.99", Fmt.fixed(0.987, 2));
        assertEquals("0.00", Fmt.fixed(-0.004, 2));
        assertEquals("-1.50", Fmt.fixed(-1.5, 2));
        assertEquals("3", Fmt.fixed(2.6, 0));
        // the int fast path gives what the long path gives, ties and the largest ints included
        java.util.Random random = new java.util.Random(7);
        double[] edges = {0, -0.0, 0.5, 1.5, 2.5, -2.5, 0.49999999999999994, 0.125, 0.005, 1.005, 2.675, -0.0049,
                1999999999.4, 1999999999.5, 2e9, 2147483647.5, 1e300, -1e300, Double.POSITIVE_INFINITY, 1e-300};
        for (int digits = 0; digits <= 4; digits++) {
            for (double v : edges) {
                assertEquals(fixedWithLongs(v, digits), Fmt.fixed(v, digits), v + " to " + digits);
                assertEquals(fixedWithLongs(v / 100, digits), Fmt.fixed(v / 100, digits), v / 100 + " to " + digits);
            }
            for (int i = 0; i < 200_000; i++) {
                double v = (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(12) - 3);
                assertEquals(fixedWithLongs(v, digits), Fmt.fixed(v, digits), v + " to " + digits);
                double tie = Math.round(v * 1000) / 1000.0 + 0.0005; // near the ties of 3 digits
                assertEquals(fixedWithLongs(tie, digits), Fmt.fixed(tie, digits), tie + " to " + digits);
            }
        }
        // significant figures, for losses spanning orders of magnitude
        assertEquals("0.00651", Fmt.significant(0.0065070835, 3));
        assertEquals("16.0", Fmt.significant(16.002, 3));
        assertEquals("4.13", Fmt.significant(4.1328, 3));
        assertEquals("0.0000643", Fmt.significant(6.433444e-5, 3));
        assertEquals("1235", Fmt.significant(1234.5, 3));
        assertEquals("0.0100", Fmt.significant(0.009996, 3), "a carry into a new leading digit keeps 3 figures");
        assertEquals("10.0", Fmt.significant(9.9996, 3));
        assertEquals("0.100", Fmt.significant(0.1, 3), "a power of ten");
        assertEquals("-0.0876", Fmt.significant(-0.08758, 3));
        assertEquals("0", Fmt.significant(0, 3));
        assertEquals("#ff0080", Fmt.rgb(1, 0, 128 / 255.0));
        assertArrayEquals(new byte[] {(byte) 255, 0, (byte) 128, (byte) 255, 0, 0, 0, 0, 0x0a, (byte) 0xbc, 0x0d, (byte) 255},
                Fmt.rgba(new String[] {"#ff0080", null, "#0aBC0d"}));
        assertThrows(IllegalArgumentException.class, () -> Fmt.rgba(new String[] {"red"}));
    }

    /** Fmt.fixed as it was, all in long arithmetic: the reference for its int fast path. */
    private static String fixedWithLongs(double value, int digits) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        long scale = 1;
        for (int i = 0; i < digits; i++) {
            scale *= 10;
        }
        long scaled = Math.round(Math.abs(value) * scale);
        boolean negative = value < 0 && scaled != 0;
        StringBuilder sb = new StringBuilder();
        if (negative) {
            sb.append('-');
        }
        sb.append(scaled / scale);
        if (digits > 0) {
            sb.append('.');
            String frac = Long.toString(scaled % scale);
            for (int i = frac.length(); i < digits; i++) {
                sb.append('0');
            }
            sb.append(frac);
        }
        return sb.toString();
    }

    @Test
    @DisplayName("colour maps are white at zero and saturate at the ends")
    void colormaps() {
        assertEquals("#ffffff", Colormaps.diverging(0));
        assertEquals(Colormaps.diverging(1), Colormaps.diverging(5));
        assertEquals("#440154", Colormaps.importance(1));
        assertEquals("#fde725", Colormaps.importance(0));
    }
}
