package org.circuitbook.widgets.widget;

import org.circuitbook.widgets.data.Lcg;
import org.circuitbook.widgets.model.ActivationPatching;
import org.circuitbook.widgets.model.HookedTransformer;

/**
 * The activation-patching widget's drawing: the heatmap of an {@link ActivationPatching.Experiment}, each
 * cell coloured by the share of the clean-corrupted gap that patching that activation closes (red: restores
 * the clean answer, blue: pushes further towards the corrupted one), with a cursor cell read out in words.
 * Cells not yet computed are grey, so a page can draw the experiment while it fills in.
 */
public final class PatchingView {
    public static final int WIDTH = 640;
    public static final int HEIGHT = 340;

    private static final double GRID_X = 96;
    private static final double GRID_Y = 62;
    private static final double GRID_W = 480;
    private static final double GRID_H = 190;
    /**
     * The narrow arrangement's height ({@link Arrangement}). There a heatmap by layer and position is turned on its
     * side (a row per position, a column per layer), so that each position keeps a row tall enough for its token; the
     * heads' heatmap keeps its rows.
     */
    public static final int NARROW_HEIGHT = 560;
    private static final double N_GRID_X = 66;
    private static final double N_GRID_Y = 124;
    private static final double N_GRID_W = Arrangement.NARROW_WIDTH - N_GRID_X - 8;
    private static final double N_GRID_H = 300;

    /**
     * Where the narrow arrangement draws experiment {@code e}: its cells' size, and whether it is turned on its side
     * (shown rows are then the experiment's columns).
     */
    private record NarrowGrid(boolean sideways, int shownRows, int shownCols, double cw, double ch) {
        static NarrowGrid of(ActivationPatching.Experiment e) {
            boolean sideways = !e.view().equals("heads");
            int rows = sideways ? e.cols() : e.rows();
            int cols = sideways ? e.rows() : e.cols();
            return new NarrowGrid(sideways, rows, cols, Math.min(N_GRID_W / cols, 96), Math.min(N_GRID_H / rows, 56));
        }

        /** The shown cell of experiment cell (row, col): {shown row, shown column}. */
        int[] shown(int row, int col) {
            return sideways ? new int[] {col, row} : new int[] {row, col};
        }
    }

    private PatchingView() {
    }

    /** The prompts the widget starts with: the induction task on distinct tokens, cut half way through. */
    public static ActivationPatching.Prompts defaultPrompts(HookedTransformer model) {
        int half = Math.min(10, model.cfg().n_ctx() / 2);
        return ActivationPatching.inductionPrompts(new Lcg(0), model.cfg().d_vocab(), half, half / 2);
    }

    /** Titles of the views, for the drawing and the page's select. */
    public static String viewTitle(String view) {
        return switch (view) {
            case "resid" -> "Residual stream, by layer and position";
            case "attn" -> "Attention output, by layer and position";
            default -> "Each head's output (all positions)";
        };
    }

    /** The metric's name, for the drawing and the page's select. */
    public static String metricTitle(String metric) {
        return metric.equals("probability") ? "probability of the clean answer" : "logit difference";
    }

    private static double cellW(ActivationPatching.Experiment e) {
        return Math.min(GRID_W / e.cols(), 72);
    }

    private static double cellH(ActivationPatching.Experiment e) {
        return Math.min(GRID_H / e.rows(), 56);
    }

    /** The cell under (x, y) of the wide drawing, as {row, column}, or null outside the grid. */
    public static int[] cellAt(ActivationPatching.Experiment e, double x, double y) {
        return cellAt(e, false, x, y);
    }

    /**
     * The experiment's cell under (x, y) of the arrangement drawn ({@code narrow} or not), as {row, column} of the
     * experiment (however it is shown), or null outside the grid.
     */
    public static int[] cellAt(ActivationPatching.Experiment e, boolean narrow, double x, double y) {
        if (narrow) {
            NarrowGrid g = NarrowGrid.of(e);
            int col = (int) Math.floor((x - N_GRID_X) / g.cw());
            int row = (int) Math.floor((y - N_GRID_Y) / g.ch());
            if (x < N_GRID_X || y < N_GRID_Y || row >= g.shownRows() || col >= g.shownCols()) {
                return null;
            }
            return g.shown(row, col); // (the same swap turns a shown cell back into the experiment's)
        }
        int col = (int) Math.floor((x - GRID_X) / cellW(e));
        int row = (int) Math.floor((y - GRID_Y) / cellH(e));
        if (x < GRID_X || y < GRID_Y || row >= e.rows() || col >= e.cols()) {
            return null;
        }
        return new int[] {row, col};
    }

    /**
     * Where experiment cell (row, col) is drawn in the arrangement shown ({@code narrow} or not), in that
     * arrangement's logical units: {x, y, width, height} (the cursor's frame is drawn on it).
     */
    public static double[] cellBox(ActivationPatching.Experiment e, boolean narrow, int row, int col) {
        if (narrow) {
            NarrowGrid g = NarrowGrid.of(e);
            int[] shown = g.shown(row, col);
            return new double[] {N_GRID_X + shown[1] * g.cw(), N_GRID_Y + shown[0] * g.ch(), g.cw(), g.ch()};
        }
        return new double[] {GRID_X + col * cellW(e), GRID_Y + row * cellH(e), cellW(e), cellH(e)};
    }

    /**
     * Where the cursor goes from experiment cell (row, col) on the keyboard's {@code key}, following the arrangement
     * shown ({@code narrow} or not), which may draw the experiment on its side: each arrow moves one cell that way on
     * screen (and stays put at the grid's edge), Home and End go to the first and the last cell of the row on screen.
     * As {row, column} of the experiment, or null for any other key.
     */
    public static int[] move(ActivationPatching.Experiment e, boolean narrow, int row, int col, String key) {
        boolean sideways = narrow && NarrowGrid.of(e).sideways();
        int shownRows = sideways ? e.cols() : e.rows();
        int shownCols = sideways ? e.rows() : e.cols();
        int r = sideways ? col : row; // on screen
        int c = sideways ? row : col;
        switch (key) {
            case "ArrowUp" -> r = Math.max(0, r - 1);
            case "ArrowDown" -> r = Math.min(shownRows - 1, r + 1);
            case "ArrowLeft" -> c = Math.max(0, c - 1);
            case "ArrowRight" -> c = Math.min(shownCols - 1, c + 1);
            case "Home" -> c = 0;
            case "End" -> c = shownCols - 1;
            default -> {
                return null;
            }
        }
        return sideways ? new int[] {c, r} : new int[] {r, c};
    }

    /** Paints the experiment with the cursor on (row, col) (-1: none); token names by id. */
    public static void paint(Painter p, ActivationPatching.Experiment e, String[] names, int row, int col) {
        if (p.narrow()) {
            paintNarrow(p, e, names, row, col);
            return;
        }
        ActivationPatching.Prompts prompts = e.prompts();
        double cw = cellW(e);
        double ch = cellH(e);
        Arrangement.begin(p, WIDTH, HEIGHT);
        p.panel("heatmap", 0, 0, WIDTH, HEIGHT - 40);
        p.text("Activation patching: " + viewTitle(e.view()) + (e.noising() ? ", noising" : ""), WIDTH / 2.0, 14, Theme.ink(), 14, "center");
        p.text(metricTitle(e.metric()) + " " + answers(e, names) + " at the last position: clean "
                + Fmt.fixed(e.cleanValue(), 2) + ", corrupted " + Fmt.fixed(e.corruptedValue(), 2),
                WIDTH / 2.0, 34, Theme.muted(), 11, "center");
        int font = (int) Math.max(7, Math.min(11, Math.floor(cw * 0.4)));
        int[] diff = prompts.differences();
        for (int r = 0; r < e.rows(); r++) {
            p.text(e.rowLabel(r), GRID_X - 6, GRID_Y + (r + 0.5) * ch, r == row ? Theme.ink() : Theme.muted(), 11, "right");
            for (int c = 0; c < e.cols(); c++) {
                double t = e.recovered(r, c);
                double x = GRID_X + c * cw;
                double y = GRID_Y + r * ch;
                p.fillRect(x, y, cw - 1, ch - 1, Double.isNaN(t) ? Theme.pending() : Colormaps.diverging(t));
                if (!Double.isNaN(t) && cw >= 26) {
                    p.text(Fmt.fixed(t, cw >= 40 ? 2 : 1), x + cw / 2, y + ch / 2,
                            Math.abs(t) > 0.6 ? Theme.onStrong() : Theme.ink(), font, "center");
                }
            }
        }
        double labelY = GRID_Y + e.rows() * ch + 12;
        for (int c = 0; c < e.cols(); c++) {
            double x = GRID_X + (c + 0.5) * cw;
            boolean on = c == col;
            if (e.view().equals("heads")) {
                p.text("head " + c, x, labelY, on ? Theme.ink() : Theme.muted(), 11, "center");
                continue;
            }
            boolean differs = contains(diff, c);
            p.text(names[prompts.clean()[c]], x, labelY, on || differs ? Theme.ink() : Theme.muted(), font, "center");
            if (differs) {
                p.text(names[prompts.corrupted()[c]], x, labelY + 13, Theme.corrupted(), font, "center");
            }
        }
        if (!e.view().equals("heads")) {
            p.text("clean", GRID_X - 6, labelY, Theme.muted(), 10, "right");
            if (diff.length > 0) {
                p.text("corrupted", GRID_X - 6, labelY + 13, Theme.corrupted(), 10, "right");
            }
        }
        if (row >= 0 && col >= 0 && row < e.rows() && col < e.cols()) {
            double[] box = cellBox(e, false, row, col);
            double x = box[0];
            double y = box[1];
            p.line(x, y, x + cw - 1, y, Theme.ink(), 2);
            p.line(x + cw - 1, y, x + cw - 1, y + ch - 1, Theme.ink(), 2);
            p.line(x + cw - 1, y + ch - 1, x, y + ch - 1, Theme.ink(), 2);
            p.line(x, y + ch - 1, x, y, Theme.ink(), 2);
        }
        double bx = GRID_X + GRID_W + 20;
        int steps = 40;
        for (int k = 0; k < steps; k++) {
            double t = 1 - 2.0 * k / (steps - 1);
            p.fillRect(bx, GRID_Y + k * GRID_H / steps, 12, GRID_H / steps + 0.5, Colormaps.diverging(t));
        }
        p.text("1", bx + 16, GRID_Y + 4, Theme.muted(), 10, "left");
        p.text("0", bx + 16, GRID_Y + GRID_H / 2, Theme.muted(), 10, "left");
        p.text("-1", bx + 16, GRID_Y + GRID_H - 4, Theme.muted(), 10, "left");
        p.text("share of the gap " + effect(e), WIDTH / 2.0, HEIGHT - 48, Theme.muted(), 10, "center");
        if (!e.done()) {
            p.text("computing " + e.computed() + " of " + e.cells() + " patched runs", WIDTH / 2.0, HEIGHT - 30, Theme.muted(),
                    11, "center");
        } else if (row >= 0 && col >= 0) {
            p.text(shortReadout(e, names, row, col), WIDTH / 2.0, HEIGHT - 30, Theme.ink(), 11, "center");
        }
    }

    /** The narrow arrangement: titles wrapped, the heatmap (on its side, by layer and position), the bar across. */
    private static void paintNarrow(Painter p, ActivationPatching.Experiment e, String[] names, int row, int col) {
        int w = Arrangement.NARROW_WIDTH;
        int font = Arrangement.MIN_TEXT_PX;
        ActivationPatching.Prompts prompts = e.prompts();
        NarrowGrid g = NarrowGrid.of(e);
        Arrangement.begin(p, w, NARROW_HEIGHT);
        p.panel("titles", 0, 0, w, 88);
        Arrangement.text(p, "Activation patching: " + viewTitle(e.view()), w / 2.0, 12, w - 6, 16, Theme.ink(), 13, // noising: in the key
                "center");
        Arrangement.text(p, metricTitle(e.metric()) + " " + answers(e, names) + " at the last position: clean "
                + Fmt.fixed(e.cleanValue(), 2) + ", corrupted " + Fmt.fixed(e.corruptedValue(), 2), w / 2.0, 50, w - 6, 14,
                Theme.muted(), font, "center");
        double gridW = g.shownCols() * g.cw();
        double gridH = g.shownRows() * g.ch();
        p.panel("heatmap", 0, N_GRID_Y - 32, w, gridH + 32 + (g.sideways() ? 0 : 16));
        int[] cursor = row >= 0 && col >= 0 && row < e.rows() && col < e.cols() ? g.shown(row, col) : null;
        int[] diff = prompts.differences();
        // column heads: the experiment's rows on their side (a layer's name, over two lines; all shortened alike,
        // resid_pre to pre, where one is too wide for its column), else the heads below
        boolean shorten = false;
        for (int c = 0; g.sideways() && c < g.shownCols(); c++) {
            String label = e.rowLabel(c);
            String first = label.lastIndexOf(' ') < 0 ? label : label.substring(0, label.lastIndexOf(' '));
            shorten |= Arrangement.textWidth(first, font) + 4 > g.cw();
        }
        for (int c = 0; c < g.shownCols(); c++) {
            double x = N_GRID_X + (c + 0.5) * g.cw();
            boolean on = cursor != null && cursor[1] == c;
            if (g.sideways()) {
                String label = e.rowLabel(c);
                int space = label.lastIndexOf(' ');
                String first = space < 0 ? label : label.substring(0, space);
                if (shorten && first.indexOf('_') >= 0) {
                    first = first.substring(first.indexOf('_') + 1); // resid_pre -> pre
                }
                p.text(first, x, N_GRID_Y - 21, on ? Theme.ink() : Theme.muted(), font, "center");
                if (space >= 0) {
                    p.text(label.substring(space + 1), x, N_GRID_Y - 8, on ? Theme.ink() : Theme.muted(), font, "center");
                }
            } else {
                p.text("head " + c, x, N_GRID_Y + gridH + 10, on ? Theme.ink() : Theme.muted(), font, "center");
            }
        }
        // row heads: a position's clean token (and its corrupted one, in red, where they differ), else a layer's name
        int every = Arrangement.every(g.ch(), font + 2);
        for (int r = 0; r < g.shownRows(); r++) {
            double y = N_GRID_Y + (r + 0.5) * g.ch();
            boolean on = cursor != null && cursor[0] == r;
            if (r % every != 0 && !on) {
                continue;
            }
            if (g.sideways()) {
                boolean differs = contains(diff, r);
                p.text(names[prompts.clean()[r]], 30, y, on || differs ? Theme.ink() : Theme.muted(), font, "right");
                if (differs) {
                    p.text(names[prompts.corrupted()[r]], 36, y, Theme.corrupted(), font, "left");
                }
            } else {
                p.text(e.rowLabel(r), N_GRID_X - 6, y, on ? Theme.ink() : Theme.muted(), font, "right");
            }
        }
        for (int r = 0; r < g.shownRows(); r++) {
            for (int c = 0; c < g.shownCols(); c++) {
                int er = g.sideways() ? c : r;
                int ec = g.sideways() ? r : c;
                double t = e.recovered(er, ec);
                double x = N_GRID_X + c * g.cw();
                double y = N_GRID_Y + r * g.ch();
                p.fillRect(x, y, g.cw() - 1, g.ch() - 1, Double.isNaN(t) ? Theme.pending() : Colormaps.diverging(t));
                if (!Double.isNaN(t) && g.cw() >= 30 && g.ch() >= font + 2) {
                    p.text(Fmt.fixed(t, g.cw() >= 40 ? 2 : 1), x + g.cw() / 2, y + g.ch() / 2,
                            Math.abs(t) > 0.6 ? Theme.onStrong() : Theme.ink(), font, "center");
                }
            }
        }
        if (cursor != null) {
            double[] box = cellBox(e, true, row, col);
            double x = box[0];
            double y = box[1];
            p.line(x, y, x + g.cw() - 1, y, Theme.ink(), 2);
            p.line(x + g.cw() - 1, y, x + g.cw() - 1, y + g.ch() - 1, Theme.ink(), 2);
            p.line(x + g.cw() - 1, y + g.ch() - 1, x, y + g.ch() - 1, Theme.ink(), 2);
            p.line(x, y + g.ch() - 1, x, y, Theme.ink(), 2);
        }
        // the colour bar across, under the heatmap, and the read-out
        double by = N_GRID_Y + gridH + (g.sideways() ? 12 : 28);
        p.panel("key", 0, by - 2, w, NARROW_HEIGHT - by + 2);
        int steps = 40;
        for (int k = 0; k < steps; k++) {
            double t = -1 + 2.0 * k / (steps - 1);
            p.fillRect(N_GRID_X + k * gridW / steps, by, gridW / steps + 0.5, 10, Colormaps.diverging(t));
        }
        p.text("-1", N_GRID_X, by + 20, Theme.muted(), font, "left");
        p.text("1", N_GRID_X + gridW, by + 20, Theme.muted(), font, "right");
        p.text("share of the gap " + effect(e), N_GRID_X + gridW / 2, by + 20, Theme.muted(), font, "center");
        double y = by + 40;
        if (g.sideways()) {
            y += 14 * Arrangement.text(p, "rows: positions, each by its clean token"
                    + (diff.length > 0 ? " (and, coloured, its corrupted one where it differs)" : ""), w / 2.0, y, w - 6,
                    14, Theme.muted(), font, "center") + 4;
        }
        if (!e.done()) {
            Arrangement.text(p, "computing " + e.computed() + " of " + e.cells() + " patched runs", w / 2.0, y, w - 6, 14,
                    Theme.muted(), font, "center");
        } else if (cursor != null) {
            Arrangement.text(p, shortReadout(e, names, row, col), w / 2.0, y, w - 6, 14, Theme.ink(), font, "center");
        }
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static boolean contains(int[] values, int v) {
        for (int x : values) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    private static String answers(ActivationPatching.Experiment e, String[] names) {
        String a = "\"" + names[e.prompts().answer()] + "\"";
        return e.metric().equals("probability") ? "(" + a + ")"
                : "(" + a + " minus \"" + names[e.prompts().wrong()] + "\")";
    }

    /** What patching (row, col) is, in words: "resid_pre 1 at position 6 (\"ka\")" or "head 1.2". */
    public static String where(ActivationPatching.Experiment e, String[] names, int row, int col) {
        if (e.view().equals("heads")) {
            return "head " + row + "." + col + " (its output at every position)";
        }
        int[] clean = e.prompts().clean();
        int[] corrupted = e.prompts().corrupted();
        String token = clean[col] == corrupted[col] ? "\"" + names[clean[col]] + "\""
                : "\"" + names[clean[col]] + "\" / corrupted \"" + names[corrupted[col]] + "\"";
        return e.rowLabel(row) + " at position " + col + " (" + token + ")";
    }

    private static String shortReadout(ActivationPatching.Experiment e, String[] names, int row, int col) {
        return where(e, names, row, col) + ": " + Fmt.fixed(e.value(row, col), 2) + ", "
                + Fmt.fixed(100 * e.recovered(row, col), 0) + "% " + effect(e);
    }

    /** What cell (row, col) says, in words. */
    public static String readout(ActivationPatching.Experiment e, String[] names, int row, int col) {
        double v = e.value(row, col);
        if (Double.isNaN(v)) {
            return "Patching " + where(e, names, row, col) + ": not computed yet.";
        }
        if (e.noising()) {
            return "Patching " + where(e, names, row, col) + " from the corrupted run into the clean run gives a "
                    + metricTitle(e.metric()) + " of " + Fmt.fixed(v, 2) + ": " + Fmt.fixed(100 * e.recovered(row, col), 0)
                    + "% of the way from clean (" + Fmt.fixed(e.cleanValue(), 2) + ") to corrupted ("
                    + Fmt.fixed(e.corruptedValue(), 2) + ").";
        }
        return "Patching " + where(e, names, row, col) + " from the clean run into the corrupted run gives a "
                + metricTitle(e.metric()) + " of " + Fmt.fixed(v, 2) + ": " + Fmt.fixed(100 * e.recovered(row, col), 0)
                + "% of the way from corrupted (" + Fmt.fixed(e.corruptedValue(), 2) + ") to clean ("
                + Fmt.fixed(e.cleanValue(), 2) + ").";
    }

    /** What a cell measures: the share of the gap the patch "restored" (denoising) or "destroyed" (noising). */
    public static String effect(ActivationPatching.Experiment e) {
        return e.noising() ? "destroyed" : "restored";
    }

    /** A text alternative: what the heatmap shows and, once computed, where patching restores most. */
    public static String describe(ActivationPatching.Experiment e, String[] names) {
        StringBuilder s = new StringBuilder("Activation patching heatmap, " + viewTitle(e.view()).toLowerCase()
                + ": " + (e.view().equals("heads") ? count(e.rows(), "layer") + " by " + count(e.cols(), "head")
                : count(e.rows(), "row") + " by " + count(e.cols(), "position"))
                + ". Each cell is the share of the " + metricTitle(e.metric()) + " " + answers(e, names)
                + (e.noising() ? " destroyed by patching that corrupted activation into the clean run (clean "
                        : " restored by patching that clean activation into the corrupted run (clean ")
                + Fmt.fixed(e.cleanValue(), 2) + ", corrupted " + Fmt.fixed(e.corruptedValue(), 2) + ").");
        if (!e.done()) {
            return s.append(" Computing: ").append(e.computed()).append(" of ").append(e.cells())
                    .append(" patched runs done.").toString();
        }
        for (int r = 0; r < e.rows(); r++) {
            int best = 0;
            for (int c = 1; c < e.cols(); c++) {
                if (e.recovered(r, c) > e.recovered(r, best)) {
                    best = c;
                }
            }
            s.append(r == 0 ? " Most " + effect(e) + " in each row: " : "; ").append(where(e, names, r, best)).append(" ")
                    .append(Fmt.fixed(e.recovered(r, best), 2));
        }
        return s.append(".").toString();
    }
}
