package org.circuitbook.generator.extending;

import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.weights.SafeTensors;
import org.circuitbook.widgets.weights.WeightNames;
import org.circuitbook.widgets.widget.Colormaps;
import org.circuitbook.widgets.widget.Drawing;
import org.circuitbook.widgets.widget.LiveMount;
import org.circuitbook.widgets.widget.ModelFile;
import org.circuitbook.widgets.widget.Theme;
import org.circuitbook.widgets.widget.Widget;
import org.circuitbook.widgets.widget.WidgetOption;

/**
 * The README's worked example of a widget (with {@link TinyMlpKind}, its model kind): the decision boundary of a
 * tiny MLP trained on XOR, as a heatmap of its output probability over the plane with the four training points
 * on top. One class; a site registers it with one line, {@code options.withWidgets(new DecisionBoundaryWidget())}.
 * It has a static drawing only ({@link #live()} is null), so the page shows that drawing and mounts nothing.
 */
public final class DecisionBoundaryWidget implements Widget {
    static final int SIZE = 320;
    private static final double LO = -0.5;
    private static final double HI = 1.5;

    private static final List<WidgetOption> OPTIONS = List.of(new WidgetOption("resolution", WidgetOption.Type.INTEGER,
            "32", "cells along each axis of the heatmap", (value, model) -> {
                int n;
                try {
                    n = Integer.parseInt(value);
                } catch (NumberFormatException e) {
                    n = -1;
                }
                return n >= 4 && n <= 128 ? null
                        : new WidgetOption.Problem("resolution must be a whole number from 4 to 128, got \"" + value + "\"",
                        "e.g. :resolution: 32");
            }));

    @Override
    public String name() {
        return "decision-boundary";
    }

    @Override
    public List<String> modelKinds() {
        return List.of(TinyMlpKind.NAME);
    }

    @Override
    public String description() {
        return "a tiny MLP's output probability over the plane, with the four XOR points it was trained on";
    }

    @Override
    public List<WidgetOption> options() {
        return OPTIONS;
    }

    @Override
    public int width() {
        return SIZE;
    }

    @Override
    public int height() {
        return SIZE;
    }

    @Override
    public Drawing draw(Map<String, String> options, List<ModelFile> files) {
        SafeTensors weights = null;
        for (ModelFile f : files) {
            if (f.name().equals(WeightNames.FINAL)) {
                weights = SafeTensors.fromBytes(f.bytes());
            }
        }
        if (weights == null) {
            return null;
        }
        SafeTensors w = weights;
        int n = Integer.parseInt(options.getOrDefault("resolution", "32"));
        String[] cells = new String[n * n];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                double x = LO + (c + 0.5) * (HI - LO) / n;
                double y = HI - (r + 0.5) * (HI - LO) / n;
                cells[r * n + c] = Colormaps.diverging(2 * probability(w, x, y) - 1);
            }
        }
        int right = 0;
        StringBuilder points = new StringBuilder();
        double[][] xor = {{0, 0, 0}, {0, 1, 1}, {1, 0, 1}, {1, 1, 0}};
        for (double[] p : xor) {
            double q = probability(w, p[0], p[1]);
            right += (q >= 0.5) == (p[2] == 1) ? 1 : 0;
            points.append(points.length() == 0 ? "" : "; ").append(String.format(java.util.Locale.ROOT, "(%d, %d) %.2f",
                    (int) p[0], (int) p[1], q));
        }
        String description = "The MLP's probability of class 1 over the square from -0.5 to 1.5, red for 1 and blue for 0;"
                + " it classifies " + right + " of the 4 XOR points correctly (" + points + ").";
        return new Drawing(SIZE, SIZE, p -> {
            p.fillRect(0, 0, SIZE, SIZE, Theme.paper());
            p.cells(0, 0, SIZE, SIZE, n, cells);
            for (double[] pt : xor) {
                double px = (pt[0] - LO) / (HI - LO) * SIZE;
                double py = (HI - pt[1]) / (HI - LO) * SIZE;
                p.fillCircle(px, py, 9, pt[2] == 1 ? Colormaps.diverging(1) : Colormaps.diverging(-1));
                p.circle(px, py, 9, Theme.ink(), 2);
            }
        }, description);
    }

    /** The MLP's probability of class 1 at (x, y): the kind's own pure-Java forward pass. */
    static double probability(SafeTensors w, double x, double y) {
        return TinyMlpKind.forward(w, new float[] {(float) x, (float) y})[0];
    }

    @Override
    public LiveMount live() {
        return null;
    }
}
