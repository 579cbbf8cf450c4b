package org.circuitbook.widgets.widget;

import org.circuitbook.widgets.data.Lcg;
import org.circuitbook.widgets.model.ActivationPatching;
import org.circuitbook.widgets.model.AblationBaselines;
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
    /** The gap between the real patches' grid and the attribution estimates' grid beside it. */
    private static final double GAP = 16;

    /**
     * Where the narrow arrangement draws experiment {@code e}: its cells' size, and whether it is turned on its side
     * (shown rows are then the experiment's columns).
     */
    private record NarrowGrid(boolean sideways, int shownRows, int shownCols, double cw, double ch) {
        static NarrowGrid of(ActivationPatching.Experiment e) {
            boolean sideways = !e.view().equals("heads");
            int rows = sideways ? e.cols() : e.rows();
            int cols = sideways ? e.rows() : e.cols();
            int grids = grids(e);
            double width = (N_GRID_W - (grids - 1) * GAP) / grids;
            double height = plain(e) ? N_GRID_H : N_GRID_H - 50; // room below for the method's line
            return new NarrowGrid(sideways, rows, cols, Math.min(width / cols, 96), Math.min(height / rows, 56));
        }

        /** The left edge of grid {@code grid} (0: the real patches, 1: the attribution estimates). */
        double x(int grid) {
            return N_GRID_X + grid * (shownCols * cw + GAP);
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
        return defaultPrompts(model, ActivationPatching.CORRUPTIONS.get(0));
    }

    /** As {@link #defaultPrompts(HookedTransformer)}, the corrupted prompt replacing {@code corruption}'s token. */
    public static ActivationPatching.Prompts defaultPrompts(HookedTransformer model, String corruption) {
        int half = Math.min(10, model.cfg().n_ctx() / 2);
        return ActivationPatching.inductionPrompts(new Lcg(0), ActivationPatching.taskVocab(model.cfg()), half, half / 2,
                corruption);
    }

    /** Titles of the views, for the drawing and the page's select. */
    public static String viewTitle(String view) {
        return switch (view) {
            case "resid" -> "Residual stream, by layer and position";
            case "attn" -> "Attention output, by layer and position";
            case "mlp" -> "MLP output, by layer and position";
            case "path" -> "Path: sender head (layer 0) to receiver head (layer 1)";
            default -> "Each head's output (all positions)";
        };
    }

    /** The metric's name, for the drawing and the page's select. */
    public static String metricTitle(String metric) {
        return metric.equals("probability") ? "probability of the clean answer" : "logit difference";
    }

    /** Plain activation patching of resid, attn or heads: the drawing as it was before the other modes, no method line. */
    private static boolean plain(ActivationPatching.Experiment e) {
        return e.mode().equals("patch") && !e.view().equals("path");
    }

    /** How many grids are drawn: the real patches, and beside them the attribution estimates. */
    static int grids(ActivationPatching.Experiment e) {
        return e.attribution() ? 2 : 1;
    }

    private static double cellW(ActivationPatching.Experiment e) {
        return Math.min((GRID_W - (grids(e) - 1) * GAP) / grids(e) / e.cols(), 72);
    }

    /** The left edge of the wide arrangement's grid {@code grid}. */
    private static double gridX(ActivationPatching.Experiment e, int grid) {
        return GRID_X + grid * (e.cols() * cellW(e) + GAP);
    }

    /** The share of the gap grid {@code grid} shows at (row, col): the real patch's, or its attribution estimate. */
    private static double shown(ActivationPatching.Experiment e, int grid, int row, int col) {
        return grid == 0 ? e.recovered(row, col) : e.estimatedRecovered(row, col);
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
        for (int grid = grids(e) - 1; grid >= 0; grid--) { // either grid: the cursor is on the same cell in both
            if (narrow) {
                NarrowGrid g = NarrowGrid.of(e);
                int col = (int) Math.floor((x - g.x(grid)) / g.cw());
                int row = (int) Math.floor((y - N_GRID_Y) / g.ch());
                if (x >= g.x(grid) && y >= N_GRID_Y && row < g.shownRows() && col < g.shownCols()) {
                    return g.shown(row, col); // (the same swap turns a shown cell back into the experiment's)
                }
                continue;
            }
            double left = gridX(e, grid);
            int col = (int) Math.floor((x - left) / cellW(e));
            int row = (int) Math.floor((y - GRID_Y) / cellH(e));
            if (x >= left && y >= GRID_Y && row < e.rows() && col < e.cols()) {
                return new int[] {row, col};
            }
        }
        return null;
    }

    /**
     * Where experiment cell (row, col) is drawn in the arrangement shown ({@code narrow} or not), in that
     * arrangement's logical units: {x, y, width, height} (the cursor's frame is drawn on it).
     */
    public static double[] cellBox(ActivationPatching.Experiment e, boolean narrow, int row, int col) {
        return cellBox(e, narrow, 0, row, col);
    }

    /** As {@link #cellBox(ActivationPatching.Experiment, boolean, int, int)}, in grid {@code grid} (1: the estimates). */
    static double[] cellBox(ActivationPatching.Experiment e, boolean narrow, int grid, int row, int col) {
        if (narrow) {
            NarrowGrid g = NarrowGrid.of(e);
            int[] shown = g.shown(row, col);
            return new double[] {g.x(grid) + shown[1] * g.cw(), N_GRID_Y + shown[0] * g.ch(), g.cw(), g.ch()};
        }
        return new double[] {gridX(e, grid) + col * cellW(e), GRID_Y + row * cellH(e), cellW(e), cellH(e)};
    }

    /** The cursor's frame on cell (row, col) of every grid. */
    private static void frame(Painter p, ActivationPatching.Experiment e, boolean narrow, int row, int col) {
        for (int grid = 0; grid < grids(e); grid++) {
            double[] b = cellBox(e, narrow, grid, row, col);
            double x = b[0];
            double y = b[1];
            double w = b[2] - 1;
            double h = b[3] - 1;
            p.line(x, y, x + w, y, Theme.ink(), 2);
            p.line(x + w, y, x + w, y + h, Theme.ink(), 2);
            p.line(x + w, y + h, x, y + h, Theme.ink(), 2);
            p.line(x, y + h, x, y, Theme.ink(), 2);
        }
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
        p.text(title(e), WIDTH / 2.0, 14, Theme.ink(), 14, "center");
        p.text(metricTitle(e.metric()) + " " + answers(e, names) + " at the last position: clean "
                + Fmt.fixed(e.cleanValue(), 2) + ", corrupted " + Fmt.fixed(e.corruptedValue(), 2),
                WIDTH / 2.0, plain(e) ? 34 : 31, Theme.muted(), 11, "center");
        if (!plain(e)) {
            p.text(method(e), WIDTH / 2.0, 45, Theme.muted(), 10, "center");
        }
        int font = (int) Math.max(7, Math.min(11, Math.floor(cw * 0.4)));
        int[] diff = prompts.differences();
        for (int r = 0; r < e.rows(); r++) {
            p.text(e.rowLabel(r), GRID_X - 6, GRID_Y + (r + 0.5) * ch, r == row ? Theme.ink() : Theme.muted(), 11, "right");
        }
        double labelY = GRID_Y + e.rows() * ch + 12;
        for (int grid = 0; grid < grids(e); grid++) {
            double left = gridX(e, grid);
            for (int r = 0; r < e.rows(); r++) {
                for (int c = 0; c < e.cols(); c++) {
                    double t = shown(e, grid, r, c);
                    double x = left + c * cw;
                    double y = GRID_Y + r * ch;
                    p.fillRect(x, y, cw - 1, ch - 1, Double.isNaN(t) ? Theme.pending() : Colormaps.diverging(t));
                    if (!Double.isNaN(t) && cw >= 26) {
                        p.text(Fmt.fixed(t, cw >= 40 ? 2 : 1), x + cw / 2, y + ch / 2,
                                Math.abs(t) > 0.6 ? Theme.onStrong() : Theme.ink(), font, "center");
                    }
                }
            }
            if (grids(e) > 1) {
                p.text(grid == 0 ? "real patching" : "attribution estimate", left + e.cols() * cw / 2, GRID_Y - 6,
                        Theme.ink(), 10, "center");
            }
            for (int c = 0; c < e.cols(); c++) {
                double x = left + (c + 0.5) * cw;
                boolean on = c == col;
                if (e.view().equals("heads")) {
                    p.text((cw < 40 ? "" : "head ") + c, x, labelY, on ? Theme.ink() : Theme.muted(), 11, "center");
                    continue;
                }
                if (e.view().equals("path")) {
                    int[] rec = e.receiver(c);
                    p.text((cw < 30 ? "" : "1.") + rec[1], x, labelY, on ? Theme.ink() : Theme.muted(), font, "center");
                    if (rec[1] == 0) {
                        int heads = e.cols() / ActivationPatching.INPUTS.size();
                        p.text(inputTitle(rec[0]), left + (c + heads / 2.0) * cw, labelY + 13, Theme.ink(), 10, "center");
                    }
                    continue;
                }
                boolean differs = contains(diff, c);
                p.text(names[prompts.clean()[c]], x, labelY, on || differs ? Theme.ink() : Theme.muted(), font, "center");
                if (differs) {
                    p.text(names[prompts.corrupted()[c]], x, labelY + 13, Theme.corrupted(), font, "center");
                }
            }
        }
        if (e.view().equals("path")) {
            p.text("receiver", GRID_X - 6, labelY, Theme.muted(), 10, "right");
        } else if (!e.view().equals("heads")) {
            p.text("clean", GRID_X - 6, labelY, Theme.muted(), 10, "right");
            if (diff.length > 0) {
                p.text("corrupted", GRID_X - 6, labelY + 13, Theme.corrupted(), 10, "right");
            }
        }
        if (row >= 0 && col >= 0 && row < e.rows() && col < e.cols()) {
            frame(p, e, false, row, col);
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
        p.text("share of the gap " + effect(e) + agreement(e), WIDTH / 2.0, HEIGHT - 48, Theme.muted(), 10, "center");
        if (!e.done()) {
            p.text("computing " + e.computed() + " of " + e.cells() + " patched runs", WIDTH / 2.0, HEIGHT - 30, Theme.muted(),
                    11, "center");
        } else if (row >= 0 && col >= 0) {
            p.text(shortReadout(e, names, row, col), WIDTH / 2.0, HEIGHT - 30, Theme.ink(), 11, "center");
        }
    }

    /** The drawing's title: the method and the view, "Path patching: ..." or "Mean ablation: each head's output ...". */
    public static String title(ActivationPatching.Experiment e) {
        String view = e.view().equals("path") ? "head 0.x to head 1.x (Q, K, V)" : viewTitle(e.view());
        String mode = e.view().equals("path") && e.mode().equals("patch") ? "Path patching" : modeTitle(e.mode());
        return mode + ": " + view + (e.noising() ? ", noising" : "");
    }

    /** The modes' names, for the drawing and the page's select. */
    public static String modeTitle(String mode) {
        return switch (mode) {
            case "attribution" -> "Attribution patching";
            case "zero-ablation" -> "Zero ablation";
            case "mean-ablation" -> "Mean ablation";
            case "resample-ablation" -> "Resample ablation";
            default -> "Activation patching";
        };
    }

    /** "query", "key", "value": the path view's receiver input {@code input} ({@link ActivationPatching#INPUTS}). */
    static String inputTitle(int input) {
        return switch (input) {
            case 0 -> "through the query (Q)";
            case 1 -> "through the key (K)";
            default -> "through the value (V)";
        };
    }

    /** What each cell puts in, in one line: which activation goes where, or which baseline an ablation uses. */
    public static String method(ActivationPatching.Experiment e) {
        String what = e.view().equals("path") ? "a layer-0 head's output, into one layer-1 head's Q, K or V input only"
                : "each activation";
        return switch (e.mode()) {
            case "zero-ablation" -> "Baseline: zeros. " + capital(what) + " of the clean run set to 0 (a value the model "
                    + "never sees).";
            case "mean-ablation" -> "Baseline: the mean over " + AblationBaselines.BATCH + " prompts of the task. "
                    + capital(what) + " of the clean run replaced by it, position by position.";
            case "resample-ablation" -> "Baseline: another random prompt of the task (seed " + AblationBaselines.SEED
                    + "). " + capital(what) + " of the clean run replaced by its value there.";
            case "attribution" -> "Estimate: (" + (e.noising() ? "corrupted - clean" : "clean - corrupted")
                    + " activation) . gradient of the metric, one backward pass on the " + (e.noising() ? "clean" : "corrupted")
                    + " run.";
            default -> capital(what) + (e.noising() ? " of the corrupted run, patched into the clean run."
                    : " of the clean run, patched into the corrupted run.");
        };
    }

    private static String capital(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** ", estimate vs real: r = 0.99" under attribution (once two cells are computed), else "". */
    static String agreement(ActivationPatching.Experiment e) {
        double r = e.correlation();
        return Double.isNaN(r) ? "" : "; estimate vs real patching: r = " + Fmt.fixed(r, 2);
    }

    /** The narrow arrangement: titles wrapped, the heatmap (on its side, by layer and position), the bar across. */
    private static void paintNarrow(Painter p, ActivationPatching.Experiment e, String[] names, int row, int col) {
        int w = Arrangement.NARROW_WIDTH;
        int font = Arrangement.MIN_TEXT_PX;
        ActivationPatching.Prompts prompts = e.prompts();
        NarrowGrid g = NarrowGrid.of(e);
        Arrangement.begin(p, w, NARROW_HEIGHT);
        p.panel("titles", 0, 0, w, 88);
        Arrangement.text(p, title(e).replace(", noising", ""), w / 2.0, 12, w - 6, 16, Theme.ink(), 13, // noising: in the key
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
        for (int grid = 0; grid < grids(e); grid++) {
            double left = g.x(grid);
            for (int c = 0; c < g.shownCols(); c++) {
                double x = left + (c + 0.5) * g.cw();
                boolean on = cursor != null && cursor[1] == c;
                if (g.sideways()) {
                    String label = e.rowLabel(c);
                    int space = label.lastIndexOf(' ');
                    String first = space < 0 ? label : label.substring(0, space);
                    if (shorten && first.indexOf('_') >= 0) {
                        first = first.substring(first.indexOf('_') + 1); // resid_pre -> pre
                    }
                    if (!shorten || grids(e) == 1 || space < 0) {
                        p.text(first, x, N_GRID_Y - 21, on ? Theme.ink() : Theme.muted(), font, "center");
                    }
                    if (space >= 0) {
                        p.text(label.substring(space + 1), x, N_GRID_Y - 8, on ? Theme.ink() : Theme.muted(), font, "center");
                    }
                } else {
                    p.text((grids(e) > 1 ? "" : "head ") + c, x, N_GRID_Y + gridH + 10, on ? Theme.ink() : Theme.muted(),
                            font, "center");
                }
            }
            if (grids(e) > 1) {
                p.text(grid == 0 ? "real" : "estimate", left + gridW / 2, N_GRID_Y - 34, Theme.ink(), font, "center");
            }
        }
        // row heads: a position's clean token (and its corrupted one, in red, where they differ), a receiver, or a layer
        int every = Arrangement.every(g.ch(), font + 2);
        for (int r = 0; r < g.shownRows(); r++) {
            double y = N_GRID_Y + (r + 0.5) * g.ch();
            boolean on = cursor != null && cursor[0] == r;
            if (r % every != 0 && !on) {
                continue;
            }
            if (e.view().equals("path")) {
                int[] rec = e.receiver(r);
                p.text("QKV".charAt(rec[0]) + " 1." + rec[1], N_GRID_X - 6, y, on ? Theme.ink() : Theme.muted(), font, "right");
            } else if (g.sideways()) {
                boolean differs = contains(diff, r);
                p.text(names[prompts.clean()[r]], 30, y, on || differs ? Theme.ink() : Theme.muted(), font, "right");
                if (differs) {
                    p.text(names[prompts.corrupted()[r]], 36, y, Theme.corrupted(), font, "left");
                }
            } else {
                p.text(e.rowLabel(r), N_GRID_X - 6, y, on ? Theme.ink() : Theme.muted(), font, "right");
            }
        }
        for (int grid = 0; grid < grids(e); grid++) {
            for (int r = 0; r < g.shownRows(); r++) {
                for (int c = 0; c < g.shownCols(); c++) {
                    int er = g.sideways() ? c : r;
                    int ec = g.sideways() ? r : c;
                    double t = shown(e, grid, er, ec);
                    double x = g.x(grid) + c * g.cw();
                    double y = N_GRID_Y + r * g.ch();
                    p.fillRect(x, y, g.cw() - 1, g.ch() - 1, Double.isNaN(t) ? Theme.pending() : Colormaps.diverging(t));
                    if (!Double.isNaN(t) && g.cw() >= 30 && g.ch() >= font + 2) {
                        p.text(Fmt.fixed(t, g.cw() >= 40 ? 2 : 1), x + g.cw() / 2, y + g.ch() / 2,
                                Math.abs(t) > 0.6 ? Theme.onStrong() : Theme.ink(), font, "center");
                    }
                }
            }
        }
        if (cursor != null) {
            frame(p, e, true, row, col);
        }
        // the colour bar across, under the heatmap, and the read-out
        double barW = g.x(grids(e) - 1) + gridW - N_GRID_X;
        double by = N_GRID_Y + gridH + (g.sideways() ? 12 : 28);
        p.panel("key", 0, by - 2, w, NARROW_HEIGHT - by + 2);
        int steps = 40;
        for (int k = 0; k < steps; k++) {
            double t = -1 + 2.0 * k / (steps - 1);
            p.fillRect(N_GRID_X + k * barW / steps, by, barW / steps + 0.5, 10, Colormaps.diverging(t));
        }
        p.text("-1", N_GRID_X, by + 20, Theme.muted(), font, "left");
        p.text("1", N_GRID_X + barW, by + 20, Theme.muted(), font, "right");
        p.text("share of the gap " + effect(e), N_GRID_X + barW / 2, by + 20, Theme.muted(), font, "center");
        double y = by + 40;
        if (g.sideways() && !e.view().equals("path")) {
            y += 14 * Arrangement.text(p, "rows: positions, each by its clean token"
                    + (diff.length > 0 ? " (and, coloured, its corrupted one where it differs)" : ""), w / 2.0, y, w - 6,
                    14, Theme.muted(), font, "center") + 4;
        }
        if (!plain(e)) {
            y += 14 * Arrangement.text(p, method(e) + agreement(e), w / 2.0, y, w - 6, 14, Theme.muted(), font, "center") + 4;
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
        if (e.view().equals("path")) {
            int[] rec = e.receiver(col);
            return "head 0." + row + " to head 1." + rec[1] + " " + inputTitle(rec[0]) + " only";
        }
        int[] clean = e.prompts().clean();
        int[] corrupted = e.prompts().corrupted();
        String token = clean[col] == corrupted[col] ? "\"" + names[clean[col]] + "\""
                : "\"" + names[clean[col]] + "\" / corrupted \"" + names[corrupted[col]] + "\"";
        return e.rowLabel(row) + " at position " + col + " (" + token + ")";
    }

    private static String shortReadout(ActivationPatching.Experiment e, String[] names, int row, int col) {
        return where(e, names, row, col) + ": " + Fmt.fixed(e.value(row, col), 2) + ", "
                + Fmt.fixed(100 * e.recovered(row, col), 0) + "% " + effect(e)
                + (e.attribution() ? " (estimate " + Fmt.fixed(100 * e.estimatedRecovered(row, col), 0) + "%)" : "");
    }

    /** What an ablation puts in, in words: "zeros", "its mean over 16 prompts of the task", ... */
    private static String baseline(ActivationPatching.Experiment e) {
        return switch (e.mode()) {
            case "zero-ablation" -> "zeros";
            case "mean-ablation" -> "its mean over " + AblationBaselines.BATCH + " prompts of the task";
            default -> "its value on another prompt of the task";
        };
    }

    /** What cell (row, col) says, in words. */
    public static String readout(ActivationPatching.Experiment e, String[] names, int row, int col) {
        double v = e.value(row, col);
        if (Double.isNaN(v)) {
            return "Patching " + where(e, names, row, col) + ": not computed yet.";
        }
        String estimate = !e.attribution() ? "" : " Attribution patching estimates " + Fmt.fixed(e.estimate(row, col), 2)
                + " (" + Fmt.fixed(100 * e.estimatedRecovered(row, col), 0) + "%) from one backward pass.";
        if (e.ablation()) {
            return "Replacing " + where(e, names, row, col) + " in the clean run by " + baseline(e) + " gives a "
                    + metricTitle(e.metric()) + " of " + Fmt.fixed(v, 2) + ": " + Fmt.fixed(100 * e.recovered(row, col), 0)
                    + "% of the way from clean (" + Fmt.fixed(e.cleanValue(), 2) + ") to corrupted ("
                    + Fmt.fixed(e.corruptedValue(), 2) + ").";
        }
        if (e.noising()) {
            return "Patching " + where(e, names, row, col) + " from the corrupted run into the clean run gives a "
                    + metricTitle(e.metric()) + " of " + Fmt.fixed(v, 2) + ": " + Fmt.fixed(100 * e.recovered(row, col), 0)
                    + "% of the way from clean (" + Fmt.fixed(e.cleanValue(), 2) + ") to corrupted ("
                    + Fmt.fixed(e.corruptedValue(), 2) + ")." + estimate;
        }
        return "Patching " + where(e, names, row, col) + " from the clean run into the corrupted run gives a "
                + metricTitle(e.metric()) + " of " + Fmt.fixed(v, 2) + ": " + Fmt.fixed(100 * e.recovered(row, col), 0)
                + "% of the way from corrupted (" + Fmt.fixed(e.corruptedValue(), 2) + ") to clean ("
                + Fmt.fixed(e.cleanValue(), 2) + ")." + estimate;
    }

    /** What a cell measures: the share of the gap the patch "restored" (denoising) or "destroyed" (noising, ablation). */
    public static String effect(ActivationPatching.Experiment e) {
        return e.destroys() ? "destroyed" : "restored";
    }

    /** A text alternative: what the heatmap shows and, once computed, where patching restores most. */
    public static String describe(ActivationPatching.Experiment e, String[] names) {
        String view = viewTitle(e.view()).toLowerCase(java.util.Locale.ROOT); // "I" stays "i" in any default locale
        StringBuilder s = plain(e) ? new StringBuilder("Activation patching heatmap, " + view
                + ": " + (e.view().equals("heads") ? count(e.rows(), "layer") + " by " + count(e.cols(), "head")
                : count(e.rows(), "row") + " by " + count(e.cols(), "position"))
                + ". Each cell is the share of the " + metricTitle(e.metric()) + " " + answers(e, names)
                + (e.noising() ? " destroyed by patching that corrupted activation into the clean run (clean "
                        : " restored by patching that clean activation into the corrupted run (clean ")
                + Fmt.fixed(e.cleanValue(), 2) + ", corrupted " + Fmt.fixed(e.corruptedValue(), 2) + ").")
                : new StringBuilder((e.view().equals("path") && e.mode().equals("patch") ? "Path patching"
                        : modeTitle(e.mode())) + " heatmap" + (e.attribution() ? "s, real patching beside its attribution "
                        + "estimate" : "") + ", " + view + ": " + count(e.rows(), "row") + " by "
                        + count(e.cols(), "column")
                        + (e.view().equals("path") ? " (receivers: the layer-1 heads through Q, then K, then V)" : "")
                        + ". " + method(e) + " Each cell is the share of the " + metricTitle(e.metric()) + " "
                        + answers(e, names) + " gap " + effect(e) + " (clean " + Fmt.fixed(e.cleanValue(), 2) + ", corrupted "
                        + Fmt.fixed(e.corruptedValue(), 2) + ")." + (e.attribution() && !Double.isNaN(e.correlation())
                        ? " Estimate and real patching correlate with r = " + Fmt.fixed(e.correlation(), 2) + "." : ""));
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
