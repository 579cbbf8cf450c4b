package org.circuitbook.widgets.widget;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
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
        assertEquals("#ff0080", Fmt.rgb(1, 0, 128 / 255.0));
        assertArrayEquals(new byte[] {(byte) 255, 0, (byte) 128, (byte) 255, 0, 0, 0, 0, 0x0a, (byte) 0xbc, 0x0d, (byte) 255},
                Fmt.rgba(new String[] {"#ff0080", null, "#0aBC0d"}));
        assertThrows(IllegalArgumentException.class, () -> Fmt.rgba(new String[] {"red"}));
    }

    @Test
    @DisplayName("colour maps are white at zero and saturate at the ends")
    void colormaps() {
        assertEquals("#ffffff", Colormaps.diverging(0));
        assertEquals(Colormaps.diverging(1), Colormaps.diverging(5));
        assertEquals("#440154", Colormaps.importance(1));
        assertEquals("#fde725", Colormaps.importance(0));
    }

    @Test
    @DisplayName("every registered widget has a browser mount, and every mount is registered")
    void registryMatchesBrowser() {
        assertEquals(new TreeSet<>(WidgetRegistry.names()),
                new TreeSet<>(org.circuitbook.widgets.browser.MainAccess.mounterNames()));
    }
}
