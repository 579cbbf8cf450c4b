package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.circuitbook.generator.training.TrainedSet;
import org.circuitbook.widgets.figures.Widgets;
import org.circuitbook.widgets.widget.Arrangement;
import org.circuitbook.widgets.widget.Drawing;
import org.circuitbook.widgets.widget.ModelFile;
import org.circuitbook.widgets.widget.Painter;
import org.circuitbook.widgets.widget.Widget;
import org.circuitbook.widgets.widget.WidgetOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The views' two arrangements ({@link Arrangement}), on the JVM: every widget of {@link Widgets#BOOK} draws its first
 * state (from {@link WidgetContractBrowserTest}'s fixture models, every option set) on a painter that records what it
 * is asked to draw. Narrow, each has its own arrangement, {@link Arrangement#NARROW_WIDTH} wide: its panels lie inside
 * the drawing and do not overlap, every label is at least {@link Arrangement#MIN_TEXT_PX} px, lies inside the drawing
 * and overlaps no other label (at an estimated width), and nothing is drawn outside it. Wide, its drawing keeps the
 * widget's size and its panels lie inside it without overlapping.
 */
@DisplayName("Widget layouts, wide and narrow")
class WidgetLayoutTest {
    static Map<String, TrainedSet> trained = new LinkedHashMap<>();

    @BeforeAll
    static void train(@TempDir Path work) {
        FixtureSite site = FixtureSite.write(work, WidgetContractBrowserTest.site());
        for (TrainedSet set : site.build().models()) {
            trained.put(set.spec().name(), set);
        }
    }

    /** What a view asked to draw: its frame, its panels, its labels, and how far its shapes reach. */
    static final class Recording implements Painter {
        final boolean narrow;
        int width = -1;
        int height = -1;
        final List<double[]> panels = new ArrayList<>();
        final List<String> panelNames = new ArrayList<>();
        final List<Label> labels = new ArrayList<>();
        final List<String> outside = new ArrayList<>();

        record Label(String text, double x, double y, int size, String align) {
            double left() {
                double w = width();
                return align.equals("center") ? x - w / 2 : align.equals("right") ? x - w : x;
            }

            /** A glyph run's width, estimated a little narrower than wrapping does: overlaps found are real ones. */
            double width() {
                return text.length() * size * 0.5;
            }

            boolean overlaps(Label o) {
                double h = 0.8 * size;
                double oh = 0.8 * o.size;
                return left() < o.left() + o.width() - 1 && o.left() < left() + width() - 1
                        && y - h / 2 < o.y + oh / 2 - 1 && o.y - oh / 2 < y + h / 2 - 1;
            }
        }

        Recording(boolean narrow) {
            this.narrow = narrow;
        }

        @Override
        public boolean narrow() {
            return narrow;
        }

        @Override
        public void frame(int width, int height) {
            this.width = width;
            this.height = height;
        }

        @Override
        public void panel(String name, double x, double y, double w, double h) {
            panelNames.add(name);
            panels.add(new double[] {x, y, w, h});
        }

        private void reach(String what, double x1, double y1, double x2, double y2) {
            double slack = 1.5;
            if (Math.min(x1, x2) < -slack || Math.min(y1, y2) < -slack || Math.max(x1, x2) > width + slack
                    || Math.max(y1, y2) > height + slack) {
                outside.add(String.format(Locale.ROOT, "%s (%.1f, %.1f)-(%.1f, %.1f)", what, x1, y1, x2, y2));
            }
        }

        @Override
        public void fillRect(double x, double y, double w, double h, String color) {
            reach("rect", x, y, x + w, y + h);
        }

        @Override
        public void line(double x1, double y1, double x2, double y2, String color, double w) {
            reach("line", x1, y1, x2, y2);
        }

        @Override
        public void circle(double cx, double cy, double r, String color, double w) {
            reach("circle", cx - r, cy - r, cx + r, cy + r);
        }

        @Override
        public void fillCircle(double cx, double cy, double r, String color) {
            reach("dot", cx - r, cy - r, cx + r, cy + r);
        }

        @Override
        public void text(String text, double x, double y, String color, int sizePx, String align) {
            Label l = new Label(text, x, y, sizePx, align);
            labels.add(l);
            reach("label \"" + text + "\"", l.left(), y - sizePx / 2.0, l.left() + l.width(), y + sizePx / 2.0);
        }

        @Override
        public void cells(double x, double y, double w, double h, int columns, String[] colors) {
            reach("cells", x, y, x + w, y + h);
        }
    }

    /** The chapter's options of the fixture case (every declared option set), without :model:. */
    static Map<String, String> options(String widget) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : WidgetContractBrowserTest.CASES.get(widget).split("\n")) {
            if (line.startsWith(":")) {
                int end = line.indexOf(':', 1);
                out.put(line.substring(1, end), line.substring(end + 1).strip());
            }
        }
        return out;
    }

    static Drawing firstState(Widget widget) {
        return firstState(widget, options(widget.name()));
    }

    static Drawing firstState(Widget widget, Map<String, String> chapter) {
        Map<String, String> options = new LinkedHashMap<>(chapter);
        TrainedSet set = trained.get(options.remove("model"));
        assertNotNull(set, widget.name() + ": its fixture model was trained");
        List<ModelFile> files = set.models().stream().map(m -> new ModelFile(m.fileName(), m.bytes())).toList();
        Drawing drawing = widget.draw(options, files);
        assertNotNull(drawing, widget.name() + " draws its first state");
        return drawing;
    }

    static Recording record(Drawing drawing, boolean narrow) {
        Recording r = new Recording(narrow);
        r.width = drawing.width();
        r.height = drawing.height();
        drawing.paint().accept(r);
        return r;
    }

    static void panelsInsideAndApart(String where, Recording r) {
        assertFalse(r.panels.isEmpty(), where + ": names its panels");
        for (int i = 0; i < r.panels.size(); i++) {
            double[] a = r.panels.get(i);
            assertTrue(a[0] >= 0 && a[1] >= 0 && a[0] + a[2] <= r.width + 1e-9 && a[1] + a[3] <= r.height + 1e-9,
                    where + ": panel " + r.panelNames.get(i) + " " + java.util.Arrays.toString(a) + " lies outside "
                            + r.width + " x " + r.height);
            for (int j = 0; j < i; j++) {
                double[] b = r.panels.get(j);
                boolean apart = a[0] + a[2] <= b[0] || b[0] + b[2] <= a[0] || a[1] + a[3] <= b[1] || b[1] + b[3] <= a[1];
                assertTrue(apart, where + ": panels " + r.panelNames.get(j) + " and " + r.panelNames.get(i) + " overlap");
            }
        }
    }

    /**
     * The fixture case's options, and the same with each other value of each choice option (as its check lists them for
     * a value it refuses), so that every view a chapter can pick is drawn.
     */
    static Map<String, Map<String, String>> variants(Widget w) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        Map<String, String> base = options(w.name());
        out.put(w.name(), base);
        for (WidgetOption o : w.options()) {
            if (o.type() != WidgetOption.Type.CHOICE) {
                continue;
            }
            String hint = o.check().check("\u0000", null).hint();
            for (String value : hint.substring(hint.indexOf(':') + 1).split(",")) {
                Map<String, String> v = new LinkedHashMap<>(base);
                v.put(o.name(), value.strip());
                out.putIfAbsent(w.name() + " :" + o.name() + ": " + value.strip(), v);
            }
        }
        return out;
    }

    @TestFactory
    @DisplayName("narrow: stacked inside the drawing, labels of 11 px or more that do not collide")
    Stream<DynamicTest> narrow() {
        return Widgets.BOOK.all().stream().flatMap(w -> variants(w).entrySet().stream().map(v ->
                DynamicTest.dynamicTest(v.getKey(), () -> {
            Drawing drawing = firstState(w, v.getValue());
            Recording r = record(drawing, true);
            String where = v.getKey() + " narrow";
            String svgs = System.getProperty("layout.svg");
            if (svgs != null) { // -Dlayout.svg=DIR: each narrow drawing as SVG, to look at
                org.circuitbook.widgets.widget.SvgPainter svg = new org.circuitbook.widgets.widget.SvgPainter(
                        drawing.width(), drawing.height(), true);
                drawing.paint().accept(svg);
                java.nio.file.Files.createDirectories(Path.of(svgs));
                java.nio.file.Files.writeString(Path.of(svgs, v.getKey().replaceAll("[^a-z0-9-]+", "_") + ".svg"),
                        svg.toSvg(drawing.description()));
            }
            assertEquals(Arrangement.NARROW_WIDTH, r.width, where + ": drawn at the narrow arrangement's width");
            assertTrue(r.height > 0, where + ": a height");
            panelsInsideAndApart(where, r);
            assertEquals(List.of(), r.outside, where + ": drawn outside its " + r.width + " x " + r.height);
            List<String> small = r.labels.stream().filter(l -> l.size() < Arrangement.MIN_TEXT_PX)
                    .map(l -> l.text() + " at " + l.size() + " px").toList();
            assertEquals(List.of(), small, where + ": labels under " + Arrangement.MIN_TEXT_PX + " px");
            List<String> collisions = new ArrayList<>();
            for (int i = 0; i < r.labels.size(); i++) {
                for (int j = 0; j < i; j++) {
                    Recording.Label a = r.labels.get(i);
                    Recording.Label b = r.labels.get(j);
                    boolean redrawn = a.text().equals(b.text()) && a.x() == b.x() && a.y() == b.y();
                    if (!redrawn && a.overlaps(b)) {
                        collisions.add("\"" + b.text() + "\" and \"" + a.text() + "\"");
                    }
                }
            }
            assertEquals(List.of(), collisions, where + ": labels that collide");
        })));
    }

    @TestFactory
    @DisplayName("wide: the widget's own size, panels inside and apart")
    Stream<DynamicTest> wide() {
        return Widgets.BOOK.all().stream().map(w -> DynamicTest.dynamicTest(w.name(), () -> {
            Recording r = record(firstState(w), false);
            assertEquals(w.width() + " x " + w.height(), r.width + " x " + r.height, w.name() + " wide");
            panelsInsideAndApart(w.name() + " wide", r);
        }));
    }

    @Test
    @DisplayName("the stylesheet's container query switches at Arrangement.NARROW_BELOW")
    void threshold() throws IOException {
        String css;
        try (InputStream in = getClass().getResourceAsStream("/org/circuitbook/generator/assets/style.css")) {
            css = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String query = "@container widget (max-width: " + (Arrangement.NARROW_BELOW - 1) + ".98px)";
        assertTrue(css.contains(query), "style.css has " + query);
    }
}
