package org.circuitbook.widgets.widget;

import org.circuitbook.widgets.model.ToyModel;
import org.circuitbook.widgets.tensor.Tensor;

/**
 * Draws one trained toy model of superposition (Elhage et al. 2022, figures 2-3): the columns of {@code W} as arrows
 * in the 2-D hidden space, the {@code W^T W} matrix as a heatmap, and each feature's norm and dimensionality as bars.
 * Wide, the arrows and the heatmap side by side above the bars; narrow ({@link Arrangement}), the three stacked.
 * Features are coloured by importance, the most important furthest from the paper colour (darkest on light paper,
 * brightest on dark).
 */
public final class SuperpositionView {
    public static final int WIDTH = 640;
    public static final int HEIGHT = 450;
    /** The narrow arrangement's height (its width is {@link Arrangement#NARROW_WIDTH}). */
    public static final int NARROW_HEIGHT = 700;

    private SuperpositionView() {
    }

    /** Paints {@code model} (trained at {@code sparsity}) in the arrangement {@code p} asks for. */
    public static void paint(Painter p, ToyModel model, double sparsity) {
        String footer = "sparsity S = " + Fmt.fixed(sparsity, 2) + "   (1 - S = probability a feature is active)";
        if (p.narrow()) {
            int w = Arrangement.NARROW_WIDTH;
            Arrangement.begin(p, w, NARROW_HEIGHT);
            p.panel(model.dHidden() == 2 ? "directions" : "dimensionality", 0, 0, w, 276);
            paintDirections(p, model, 0, 28, w, 244, true);
            p.panel("W^T W", 0, 284, w, 252);
            paintGram(p, model, 0, 312, w - 10, 246, true);
            p.panel("features", 0, 546, w, 118);
            paintFeatures(p, model, 30, 592, w - 40, 52, true);
            Arrangement.text(p, footer, w / 2.0, NARROW_HEIGHT - 26, w, 14, Theme.muted(), Arrangement.MIN_TEXT_PX, "center");
            return;
        }
        Arrangement.begin(p, WIDTH, HEIGHT);
        p.panel(model.dHidden() == 2 ? "directions" : "dimensionality", 10, 6, 300, 314);
        paintDirections(p, model, 10, 30, 300, 290, false);
        p.panel("W^T W", 330, 6, 300, 314);
        paintGram(p, model, 330, 30, 300, 290, false);
        p.panel("features", 20, 340, 610, 94);
        paintFeatures(p, model, 40, 364, 580, 52, false);
        p.text(footer, WIDTH / 2.0, HEIGHT - 8, Theme.muted(), 12, "center");
    }

    /**
     * The columns of W as arrows in the 2-D hidden space; with another number of hidden dimensions, where arrows cannot
     * be drawn, each feature's dimensionality instead ({@link #paintDimensionality}).
     */
    private static void paintDirections(Painter p, ToyModel model, double x, double y, double w, double h, boolean narrow) {
        if (model.dHidden() != 2) {
            paintDimensionality(p, model, x, y, w, h, narrow);
            return;
        }
        p.text("Feature directions: columns of W", x + w / 2, y - 14, Theme.ink(), 14, "center");
        double cx = x + w / 2;
        double cy = y + h / 2 - 6;
        Tensor W = model.W();
        int n = model.nFeatures();
        double maxNorm = 1;
        Tensor norms = model.featureNorms();
        for (int i = 0; i < n; i++) {
            maxNorm = Math.max(maxNorm, norms.get(i));
        }
        double scale = (Math.min(w, h) / 2 - 22) / maxNorm;
        p.line(cx - scale * maxNorm, cy, cx + scale * maxNorm, cy, Theme.grid(), 1);
        p.line(cx, cy - scale * maxNorm, cx, cy + scale * maxNorm, Theme.grid(), 1);
        p.circle(cx, cy, scale, Theme.grid(), 1);
        p.text("circle: length 1", x + 4, y + 6, Theme.muted(), narrow ? Arrangement.MIN_TEXT_PX : 10, "left");
        for (int i = 0; i < n; i++) {
            String color = featureColor(i, n);
            double tx = cx + scale * W.get(0, i);
            double ty = cy - scale * W.get(1, i); // screen y grows downwards
            p.line(cx, cy, tx, ty, color, 3);
            p.fillCircle(tx, ty, 4, color);
            double len = Math.hypot(tx - cx, ty - cy);
            double lx = len < 1e-6 ? cx + 10 : tx + 12 * (tx - cx) / len;
            double ly = len < 1e-6 ? cy - 10 - 10 * i : ty + 12 * (ty - cy) / len;
            p.text(Integer.toString(i), lx, ly, Theme.ink(), 12, "center");
        }
    }

    /** The fractions a feature's dimensionality sticks at (Elhage et al. 2022, "Feature Dimensionality"), and their labels. */
    private static final double[] STICKY = {1, 0.5, 0.4, 1 / 3.0};
    private static final String[] STICKY_LABELS = {"1", "1/2", "2/5", "1/3"};

    /**
     * With more than two hidden dimensions, where the columns of W cannot be drawn as arrows: each feature's
     * dimensionality D_i as a dot in its colour, over grid lines at the fractions represented features settle at
     * (1: a dimension of its own; 1/2: an antipodal pair; 2/5: a pentagon; 1/3: a triangle); a dropped feature sits
     * at 0.
     */
    private static void paintDimensionality(Painter p, ToyModel model, double x, double y, double w, double h,
                                            boolean narrow) {
        p.text("Feature dimensionality D\u1d62", x + w / 2, y - 14, Theme.ink(), 14, "center");
        int n = model.nFeatures();
        Tensor dims = model.featureDimensionality();
        int small = narrow ? Arrangement.MIN_TEXT_PX : 11;
        double px = x + 44;
        double pw = w - 44 - (narrow ? 8 : 16);
        double py = y + 14;
        double ph = h - 14 - 40;
        p.line(px, py + ph, px + pw, py + ph, Theme.grid(), 1);
        p.text("0", px - 8, py + ph, Theme.muted(), small, "right");
        for (int k = 0; k < STICKY.length; k++) {
            double ly = py + ph - STICKY[k] * ph;
            p.line(px, ly, px + pw, ly, Theme.grid(), 1);
            p.text(STICKY_LABELS[k], px - 8, ly, Theme.muted(), small, "right");
        }
        double slot = pw / n;
        int every = Arrangement.every(slot, 2 * small * Arrangement.EM_PER_CHAR + 4); // numbers of two digits
        double radius = Math.max(2.5, Math.min(5, slot * 0.3));
        for (int i = 0; i < n; i++) {
            double cx = px + (i + 0.5) * slot;
            p.fillCircle(cx, py + ph - Math.min(1, dims.get(i)) * ph, radius, featureColor(i, n));
            if (i % every == 0) {
                p.text(Integer.toString(i), cx, py + ph + 12, Theme.ink(), small, "center");
            }
        }
        p.text("feature", px + pw / 2, py + ph + 30, Theme.muted(), small, "center");
    }

    /**
     * Per feature: its norm ||W_i|| as a bar in its colour and its dimensionality D_i (Elhage et al. 2022,
     * "Feature Dimensionality") as a dark tick on the same 0-1 scale.
     */
    /** The per-feature chart's top: norms up to 1.2 are drawn in full (trained norms reach about 1.17). */
    private static final double BAR_TOP = 1.2;

    private static void paintFeatures(Painter p, ToyModel model, double x, double y, double w, double h, boolean narrow) {
        int n = model.nFeatures();
        Tensor norms = model.featureNorms();
        Tensor dims = model.featureDimensionality();
        String title = "Per feature: norm \u2016W\u1d62\u2016 (bar) and dimensionality D\u1d62 (tick)";
        int small = narrow ? Arrangement.MIN_TEXT_PX : 10;
        if (narrow) { // two lines, the last where the wide one's is
            java.util.List<String> lines = Arrangement.wrap(title, Arrangement.NARROW_WIDTH - 10, 12);
            for (int i = 0; i < lines.size(); i++) {
                p.text(lines.get(i), Arrangement.NARROW_WIDTH / 2.0, y - 14 - 15 * (lines.size() - 1 - i), Theme.ink(), 12,
                        "center");
            }
        } else {
            p.text(title, x + w / 2, y - 14, Theme.ink(), 12, "center");
        }
        double slot = w / n;
        double bar = Math.min(36, slot * 0.7);
        int every = narrow ? Arrangement.every(slot, 16) : 1; // numbers of two digits need room
        // from 0 to BAR_TOP, so that a norm above 1 stays inside the plot, under its title
        double unit = h / BAR_TOP;
        p.line(x, y + h, x + w, y + h, Theme.grid(), 1);
        p.line(x, y + h - unit, x + w, y + h - unit, Theme.grid(), 1);
        p.text("1", x - 6, y + h - unit, Theme.muted(), small, "right");
        p.text("0", x - 6, y + h, Theme.muted(), small, "right");
        for (int i = 0; i < n; i++) {
            double cx = x + (i + 0.5) * slot;
            double norm = Math.min(BAR_TOP, norms.get(i));
            p.fillRect(cx - bar / 2, y + h - norm * unit, bar, norm * unit, featureColor(i, n));
            double dy = y + h - Math.min(1, dims.get(i)) * unit;
            p.line(cx - bar / 2 - 2, dy, cx + bar / 2 + 2, dy, Theme.ink(), 2.5);
            if (i % every == 0) {
                p.text(Integer.toString(i), cx, y + h + 10, Theme.ink(), small, "center");
            }
        }
    }

    private static void paintGram(Painter p, ToyModel model, double x, double y, double w, double h, boolean narrow) {
        p.text("W\u1d40W: feature overlaps", x + w / 2, y - 14, Theme.ink(), 14, "center");
        Tensor gram = model.gram();
        int n = model.nFeatures();
        double range = 1;
        for (float v : gram.data()) {
            range = Math.max(range, Math.abs(v));
        }
        double size = Math.min(w - 80, h - 46);
        double cell = size / n;
        double gx = x + 32;
        double gy = y + 10;
        int small = narrow ? Arrangement.MIN_TEXT_PX : 10;
        int every = narrow ? Arrangement.every(cell, 14) : 1; // numbers of two digits need room
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double v = gram.get(i, j);
                p.fillRect(gx + j * cell, gy + i * cell, cell - 1, cell - 1, Colormaps.diverging(v / range));
                if (cell >= (narrow ? 36 : 28)) {
                    String ink = Math.abs(v / range) > 0.6 ? Theme.onStrong() : Theme.ink();
                    p.text(Fmt.fixed(v, 2), gx + (j + 0.5) * cell, gy + (i + 0.5) * cell, ink, small, "center");
                }
            }
            p.fillRect(gx - 14, gy + i * cell + cell / 2 - 5, 10, 10, featureColor(i, n));
            p.fillRect(gx + i * cell + cell / 2 - 5, gy + size + 4, 10, 10, featureColor(i, n));
            if (i % every == 0) {
                p.text(Integer.toString(i), gx - 18, gy + (i + 0.5) * cell, Theme.ink(), 11, "right");
                // wide, every column is named: on two alternating lines where a number of two digits is wider than a cell
                double line = !narrow && cell < Arrangement.textWidth(Integer.toString(n - 1), 11) + 3 ? i % 2 : 0;
                p.text(Integer.toString(i), gx + (i + 0.5) * cell, gy + size + 22 + 12 * line, Theme.ink(), 11, "center");
            }
        }
        // colour bar
        double bx = gx + size + 14;
        int steps = 40;
        for (int k = 0; k < steps; k++) {
            double t = 1 - 2.0 * k / (steps - 1);
            p.fillRect(bx, gy + k * size / steps, 12, size / steps + 0.5, Colormaps.diverging(t));
        }
        p.text(Fmt.fixed(range, 1), bx + 16, gy + 4, Theme.muted(), small, "left");
        p.text("0", bx + 16, gy + size / 2, Theme.muted(), small, "left");
        p.text("-" + Fmt.fixed(range, 1), bx + 16, gy + size - 4, Theme.muted(), small, "left");
    }

    /** The cosine below which two represented features count as an antipodal pair in {@link #describe}. */
    public static final double ANTIPODAL_COSINE = -0.9;

    /**
     * A text alternative for the drawing of {@code model} at {@code sparsity}: how many features it represents
     * (|W_i| > 0.5) in how many dimensions, and which ones; the represented features that point in opposite directions
     * (antipodal pairs: cosine below {@link #ANTIPODAL_COSINE}); in two dimensions, each represented feature's angle
     * (counter-clockwise from the horizontal axis, as the arrows are drawn); and every feature's norm and
     * dimensionality, the bars and ticks of the chart below, to two decimals.
     */
    public static String describe(ToyModel model, double sparsity) {
        int n = model.nFeatures();
        Tensor norms = model.featureNorms();
        Tensor dims = model.featureDimensionality();
        Tensor gram = model.gram();
        StringBuilder which = new StringBuilder();
        java.util.List<Integer> shown = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (norms.get(i) > 0.5) {
                which.append(shown.isEmpty() ? "" : ", ").append(i);
                shown.add(i);
            }
        }
        StringBuilder out = new StringBuilder("Toy model trained at sparsity " + Fmt.fixed(sparsity, 2) + ": "
                + shown.size() + " of " + n + " features have a direction of length above 0.5 in " + model.dHidden()
                + " dimensions" + (shown.isEmpty() ? "." : " (features " + which + ")."));
        StringBuilder pairs = new StringBuilder();
        for (int a = 0; a < shown.size(); a++) {
            for (int b = a + 1; b < shown.size(); b++) {
                int i = shown.get(a);
                int j = shown.get(b);
                if (gram.get(i, j) / (norms.get(i) * (double) norms.get(j)) < ANTIPODAL_COSINE) {
                    pairs.append(pairs.length() == 0 ? "" : ", ").append(i).append(" and ").append(j);
                }
            }
        }
        if (pairs.length() > 0) {
            out.append(" Antipodal pairs (pointing in opposite directions): ").append(pairs).append('.');
        }
        if (model.dHidden() == 2 && !shown.isEmpty()) {
            out.append(" Directions:");
            for (int k = 0; k < shown.size(); k++) {
                int i = shown.get(k);
                double degrees = Math.toDegrees(Math.atan2(model.W().get(1, i), model.W().get(0, i)));
                out.append(k == 0 ? " " : ", ").append(i).append(" at ")
                        .append(Math.round(degrees + 360) % 360).append('\u00b0');
            }
            out.append('.');
        }
        out.append(" Norms \u2016W\u1d62\u2016, features 0 to ").append(n - 1).append(':');
        for (int i = 0; i < n; i++) {
            out.append(i == 0 ? " " : ", ").append(Fmt.fixed(norms.get(i), 2));
        }
        out.append("; dimensionalities D\u1d62:");
        for (int i = 0; i < n; i++) {
            out.append(i == 0 ? " " : ", ").append(Fmt.fixed(dims.get(i), 2));
        }
        return out.append('.').toString();
    }

    /**
     * Which of the models, trained at {@code sparsities} (ascending), a figure shows first: the one nearest
     * to {@code wanted} (a number as text), or the sparsest when {@code wanted} is null or not a number.
     */
    public static int initialIndex(double[] sparsities, String wanted) {
        int best = sparsities.length - 1;
        double target;
        try {
            target = wanted == null ? Double.NaN : Double.parseDouble(wanted);
        } catch (NumberFormatException e) {
            target = Double.NaN; // a mangled link: show the default
        }
        if (!Double.isNaN(target)) {
            for (int i = 0; i < sparsities.length; i++) {
                if (Math.abs(sparsities[i] - target) < Math.abs(sparsities[best] - target)) {
                    best = i;
                }
            }
        }
        return best;
    }

    /** Feature {@code i} of {@code n} (numbered from 0, as in the maths): the first, most important, is darkest. */
    public static String featureColor(int i, int n) {
        return Colormaps.importance(n <= 1 ? 1 : 1 - (double) i / (n - 1));
    }
}
