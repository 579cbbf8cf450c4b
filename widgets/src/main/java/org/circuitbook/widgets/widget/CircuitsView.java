package org.circuitbook.widgets.widget;

import java.util.List;
import org.circuitbook.widgets.data.SyntheticLanguage;
import org.circuitbook.widgets.model.Circuits;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.tensor.Ops;
import org.circuitbook.widgets.tensor.Tensor;

/**
 * The circuits widget's drawing: one token-by-token table of a zero- or one-layer attention-only model
 * (Elhage et al. 2021, "A Mathematical Framework for Transformer Circuits") as a heatmap with a cursor cell
 * whose value is read out in words.
 * <ul>
 *   <li>{@code bigram}: the direct path W_E W_U + b_U, the logits each current token (row) gives each next
 *       token (column) through the residual stream alone: the bigram table (section "Zero-Layer
 *       Transformers");
 *   <li>{@code ov}: a layer-0 head's full OV circuit W_E W_V W_O W_U: if the head attends to a token (row),
 *       how much it raises each next-token logit (column);
 *   <li>{@code qk}: its full QK circuit W_E W_Q W_K^T W_E^T / sqrt(d_head): how strongly a query token (row)
 *       attends to a key token (column), positions aside. Together, OV and QK are the skip-trigrams
 *       "key ... query -> output" (section "One-Layer Attention-Only Transformers").
 * </ul>
 */
public final class CircuitsView {
    public static final int WIDTH = 640;
    public static final int HEIGHT = 640;
    public static final List<String> VIEWS = List.of("bigram", "ov", "qk");

    private static final double GRID_X = 62;
    private static final double GRID_Y = 70;
    private static final double GRID_SIZE = 500;
    /** The narrow arrangement's height ({@link Arrangement}): the table the drawing's width, its colour bar below. */
    public static final int NARROW_HEIGHT = 450;
    private static final double N_GRID_X = 40;
    private static final double N_GRID_Y = 106;
    private static final double N_GRID_SIZE = Arrangement.NARROW_WIDTH - N_GRID_X - 8;

    private CircuitsView() {
    }

    /** One table: its title, what rows and columns are, the values [vocab, vocab] and the token names. */
    public record Circuit(String view, int head, String title, String rows, String columns, Tensor values,
                         String[] names, double[][] truth) {
        public int size() {
            return values.dim(0);
        }
    }

    /**
     * The table {@code view} ({@link #VIEWS}) of {@code model}, head {@code head} of layer 0 for ov and qk.
     * {@code language} (may be null) supplies the true bigram probabilities for the bigram view's readout.
     */
    public static Circuit circuit(HookedTransformer model, String view, int head, SyntheticLanguage language) {
        return circuit(model, view, head, language, SyntheticLanguage.tokenNames(model.cfg().d_vocab()));
    }

    /** As {@link #circuit(HookedTransformer, String, int, SyntheticLanguage)}, the tokens called {@code names}. */
    public static Circuit circuit(HookedTransformer model, String view, int head, SyntheticLanguage language,
                                  String[] names) {
        switch (view) {
            case "bigram":
                return new Circuit(view, -1, "Direct path W_E W_U + b_U: the bigram table", "current token",
                        "next token", Ops.addBias(Circuits.directPath(model), model.b_U()), names,
                        language == null ? null : language.bigram());
            case "ov":
                checkHead(model, head);
                return new Circuit(view, head, "Head 0." + head + " full OV circuit: what attending to a token writes",
                        "attended token", "next-token logit", Circuits.fullOV(model, 0, head), names, null);
            case "qk":
                checkHead(model, head);
                return new Circuit(view, head, "Head 0." + head + " full QK circuit: which tokens it attends to",
                        "query token", "key token", Ops.scale(Circuits.fullQK(model, 0, head),
                        (float) (1 / Math.sqrt(model.cfg().d_head()))), names, null);
            default:
                throw new IllegalArgumentException("unknown circuits view \"" + view + "\" (known: bigram, ov, qk)");
        }
    }

    private static void checkHead(HookedTransformer model, int head) {
        if (model.cfg().n_layers() < 1) {
            throw new IllegalArgumentException("a zero-layer model has no heads: only the bigram view");
        }
        if (head < 0 || head >= model.cfg().n_heads()) {
            throw new IllegalArgumentException("head " + head + " is not in [0, " + model.cfg().n_heads() + ")");
        }
    }

    /** The cell size in pixels for a vocabulary of {@code n}. */
    private static double cell(int n) {
        return GRID_SIZE / n;
    }

    /** The cell under the point (x, y) of the wide drawing, as {row, column}, or null outside the table. */
    public static int[] cellAt(Circuit c, double x, double y) {
        return cellAt(c, false, x, y);
    }

    /** The cell under the point (x, y) of the arrangement drawn ({@code narrow} or not), or null outside the table. */
    public static int[] cellAt(Circuit c, boolean narrow, double x, double y) {
        double gx = narrow ? N_GRID_X : GRID_X;
        double gy = narrow ? N_GRID_Y : GRID_Y;
        double cell = (narrow ? N_GRID_SIZE : GRID_SIZE) / c.size();
        int col = (int) Math.floor((x - gx) / cell);
        int row = (int) Math.floor((y - gy) / cell);
        if (x < gx || y < gy || row >= c.size() || col >= c.size()) {
            return null;
        }
        return new int[] {row, col};
    }

    /** The largest absolute value in the table: the colour scale's end. */
    public static double range(Circuit c) {
        double range = 1e-9;
        for (float v : c.values().data()) {
            range = Math.max(range, Math.abs(v));
        }
        return range;
    }

    /** Paints the table with the cursor on (row, col) (-1: none), in the arrangement {@code p} asks for. */
    public static void paint(Painter p, Circuit c, int row, int col) {
        paint(p, c, row, col, range(c));
    }

    /**
     * Paints the table with the cursor on (row, col) (-1: none), its colours running from -{@code range} to
     * {@code range}: the table's own {@link #range} (the default), or one shared by all tables ({@link #sharedRange})
     * so that their colours compare.
     */
    public static void paint(Painter p, Circuit c, int row, int col, double range) {
        if (p.narrow()) {
            paintNarrow(p, c, row, col, range);
            return;
        }
        int n = c.size();
        double cell = cell(n);
        Arrangement.begin(p, WIDTH, HEIGHT);
        p.panel("table", GRID_X - 40, 0, GRID_SIZE + 40 + 14 + 50, GRID_Y + GRID_SIZE + 36);
        p.text(c.title(), WIDTH / 2.0, 14, Theme.ink(), 14, "center");
        p.text("rows: " + c.rows() + " · columns: " + c.columns(), WIDTH / 2.0, 32, Theme.muted(), 11, "center");
        labels(p, c.names(), row, col, GRID_X, GRID_Y, cell, false);
        heatmap(p, c.values(), row, col, range, GRID_X, GRID_Y, cell);
        verticalBar(p, range, GRID_X + GRID_SIZE + 14, GRID_Y, GRID_SIZE);
        if (row >= 0 && col >= 0) { // (the live figure's hint on how to move the cursor is in the page)
            p.text(readout(c, row, col), WIDTH / 2.0, GRID_Y + GRID_SIZE + 24, Theme.ink(), 12, "center");
        }
    }

    /**
     * The narrow arrangement: the title and the readout wrapped, the table as wide as the drawing less its row labels,
     * every k-th token named (the cursor's always, in ink), and the colour bar across, under the table.
     */
    private static void paintNarrow(Painter p, Circuit c, int row, int col, double range) {
        int w = Arrangement.NARROW_WIDTH;
        int n = c.size();
        double cell = N_GRID_SIZE / n;
        int font = Arrangement.MIN_TEXT_PX;
        Arrangement.begin(p, w, NARROW_HEIGHT);
        p.panel("titles", 0, 0, w, 72);
        Arrangement.text(p, c.title(), w / 2.0, 12, w - 6, 16, Theme.ink(), 13, "center");
        Arrangement.text(p, "rows: " + c.rows() + " \u00b7 columns: " + c.columns(), w / 2.0, 48, w - 6, 14, Theme.muted(),
                font, "center");
        p.panel("table", 0, N_GRID_Y - 28, w, N_GRID_SIZE + 28 + 40);
        labels(p, c.names(), row, col, N_GRID_X, N_GRID_Y, cell, true);
        heatmap(p, c.values(), row, col, range, N_GRID_X, N_GRID_Y, cell);
        double by = N_GRID_Y + N_GRID_SIZE + 10;
        horizontalBar(p, range, N_GRID_X, by, N_GRID_SIZE);
        if (row >= 0 && col >= 0) {
            p.panel("readout", 0, by + 32, w, NARROW_HEIGHT - by - 32);
            Arrangement.text(p, readout(c, row, col), w / 2.0, by + 44, w - 6, 15, Theme.ink(), 12, "center");
        }
    }

    /**
     * A token table's row names left of the square at (x, y) and its column names above it, {@code cell} pixels a
     * token. Wide: every name, the columns' on two alternating lines, in a font that fits the cell. Narrow: every k-th
     * name at {@link Arrangement#MIN_TEXT_PX}, spaced so that none collide, and the cursor's row and column always, in ink.
     */
    public static void labels(Painter p, String[] names, int row, int col, double x, double y, double cell,
                              boolean narrow) {
        int n = names.length;
        if (!narrow) {
            int font = (int) Math.max(6, Math.min(10, Math.floor(cell * 0.8)));
            for (int i = 0; i < n; i++) {
                p.text(names[i], x - 4, y + (i + 0.5) * cell, i == row ? Theme.ink() : Theme.muted(), font, "right");
                // column names alternate between two lines so that neighbours do not collide
                p.text(names[i], x + (i + 0.5) * cell, y - 8 - (i % 2) * 10, i == col ? Theme.ink() : Theme.muted(),
                        font, "center");
            }
            return;
        }
        int font = Arrangement.MIN_TEXT_PX;
        double longest = 0;
        for (String name : names) {
            longest = Math.max(longest, Arrangement.textWidth(name, font));
        }
        int rowEvery = Arrangement.every(cell, font + 2);
        int colEvery = Arrangement.every(2 * cell, longest + 8); // on two lines, alternating
        double rowNeed = font + 2;
        for (int i = 0; i < n; i++) {
            if (i % rowEvery == 0 && (row < 0 || i == row || Math.abs(i - row) * cell >= rowNeed)) {
                p.text(names[i], x - 4, y + (i + 0.5) * cell, i == row ? Theme.ink() : Theme.muted(), font, "right");
            }
            int line = (i / colEvery) % 2;
            boolean nearCursor = col >= 0 && i != col && line == 0 && Math.abs(i - col) * cell < longest + 4;
            if (i % colEvery == 0 && i != col && !nearCursor) {
                p.text(names[i], x + (i + 0.5) * cell, y - 8 - line * 13, Theme.muted(), font, "center");
            }
        }
        if (row >= 0 && row % rowEvery != 0) {
            p.text(names[row], x - 4, y + (row + 0.5) * cell, Theme.ink(), font, "right");
        }
        if (col >= 0) { // the cursor's column on the lower line, clear of its neighbours there
            p.fillRect(x + (col + 0.5) * cell - longest / 2 - 2, y - 15, longest + 4, 13, Theme.paper());
            p.text(names[col], x + (col + 0.5) * cell, y - 8, Theme.ink(), font, "center");
        }
    }

    /**
     * The heatmap of {@code values} ([rows, columns]) at (x, y), {@code cell} pixels a cell, coloured from -{@code range}
     * (blue) to {@code range} (red), its diagonal faintly outlined and the cursor's cell (row, col; -1: none) boxed.
     */
    public static void heatmap(Painter p, Tensor values, int row, int col, double range, double x, double y, double cell) {
        int rows = values.dim(0);
        int cols = values.dim(1);
        p.fillRect(x, y, cols * cell, rows * cell, Colormaps.diverging(0));
        String[] colors = new String[rows * cols]; // one image: null cells keep the background
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double t = values.get(i, j) / range;
                if (Math.abs(t) >= 0.01) { // nearer 0 the colour is the white background
                    colors[i * cols + j] = Colormaps.diverging(t);
                }
            }
        }
        p.cells(x, y, cols * cell, rows * cell, cols, colors);
        diagonal(p, x, y, cell, Math.min(rows, cols));
        if (row >= 0 && col >= 0) {
            box(p, x + col * cell, y + row * cell, cell, cell, Theme.ink(), 2);
        }
    }

    /** The outline of the rectangle (x, y, w, h). */
    public static void box(Painter p, double x, double y, double w, double h, String color, double width) {
        p.line(x, y, x + w, y, color, width);
        p.line(x + w, y, x + w, y + h, color, width);
        p.line(x + w, y + h, x, y + h, color, width);
        p.line(x, y + h, x, y, color, width);
    }

    /** The diverging colour scale upright at (x, y), {@code height} tall, labelled range, 0 and -range on its right. */
    public static void verticalBar(Painter p, double range, double x, double y, double height) {
        int steps = 50;
        for (int k = 0; k < steps; k++) {
            double t = 1 - 2.0 * k / (steps - 1);
            p.fillRect(x, y + k * height / steps, 12, height / steps + 0.5, Colormaps.diverging(t));
        }
        p.text(Fmt.fixed(range, 1), x + 16, y + 4, Theme.muted(), 10, "left");
        p.text("0", x + 16, y + height / 2, Theme.muted(), 10, "left");
        p.text("-" + Fmt.fixed(range, 1), x + 16, y + height - 4, Theme.muted(), 10, "left");
    }

    /** The diverging colour scale across at (x, y), {@code width} wide and 10 tall, labelled underneath. */
    public static void horizontalBar(Painter p, double range, double x, double y, double width) {
        int steps = 50;
        int font = Arrangement.MIN_TEXT_PX;
        for (int k = 0; k < steps; k++) {
            double t = -1 + 2.0 * k / (steps - 1);
            p.fillRect(x + k * width / steps, y, width / steps + 0.5, 10, Colormaps.diverging(t));
        }
        p.text("-" + Fmt.fixed(range, 1), x, y + 20, Theme.muted(), font, "left");
        p.text("0", x + width / 2, y + 20, Theme.muted(), font, "center");
        p.text(Fmt.fixed(range, 1), x + width, y + 20, Theme.muted(), font, "right");
    }

    /**
     * The diagonal (a token with itself: copying in OV, attending to itself in QK) faintly outlined, each cell's edges
     * in thin grey lines that leave its colour alone.
     */
    private static void diagonal(Painter p, double x, double y, double cell, int n) {
        String color = Theme.muted();
        for (int i = 0; i < n; i++) {
            double cx = x + i * cell;
            double cy = y + i * cell;
            p.line(cx, cy, cx + cell, cy, color, 0.6);
            p.line(cx + cell, cy, cx + cell, cy + cell, color, 0.6);
            p.line(cx + cell, cy + cell, cx, cy + cell, color, 0.6);
            p.line(cx, cy + cell, cx, cy, color, 0.6);
        }
    }

    /** The largest absolute value among {@code tables}: a colour scale they all share. */
    public static double sharedRange(List<Circuit> tables) {
        double range = 1e-9;
        for (Circuit c : tables) {
            range = Math.max(range, range(c));
        }
        return range;
    }

    /** How many of a row's largest entries {@link #topInRow} lists. */
    public static final int TOP = 3;

    /** The columns of row {@code row}'s {@link #TOP} largest entries, largest first (ties: the earlier column). */
    public static int[] topInRow(Circuit c, int row) {
        int n = c.size();
        int k = Math.min(TOP, n);
        int[] top = new int[k];
        boolean[] taken = new boolean[n];
        for (int t = 0; t < k; t++) {
            int best = -1;
            for (int j = 0; j < n; j++) {
                if (!taken[j] && (best < 0 || c.values().get(row, j) > c.values().get(row, best))) {
                    best = j;
                }
            }
            taken[best] = true;
            top[t] = best;
        }
        return top;
    }

    /** What the list of row {@code row}'s largest entries is, in words: "After "ba", the largest logits:". */
    public static String topIntro(Circuit c, int row) {
        String a = "\"" + c.names()[row] + "\"";
        switch (c.view()) {
            case "bigram":
                return "After " + a + ", the largest logits:";
            case "ov":
                return "Attending to " + a + " raises most:";
            default:
                return "Query " + a + " scores highest:";
        }
    }

    /** Row {@code row}'s largest entries in words: "After "ba", the largest logits: "be" 3.21, "bi" 2.10, "bo" 1.05". */
    public static String topText(Circuit c, int row) {
        StringBuilder sb = new StringBuilder(topIntro(c, row));
        int[] top = topInRow(c, row);
        for (int t = 0; t < top.length; t++) {
            sb.append(t == 0 ? " " : ", ").append(topTerm(c, row, top[t]));
        }
        return sb.toString();
    }

    /** One of a row's entries: "\"be\" 3.21". */
    public static String topTerm(Circuit c, int row, int col) {
        return "\"" + c.names()[col] + "\" " + Fmt.fixed(c.values().get(row, col), 2);
    }

    /** What cell (row, col) says, in words. */
    public static String readout(Circuit c, int row, int col) {
        String a = c.names()[row];
        String b = c.names()[col];
        double v = c.values().get(row, col);
        switch (c.view()) {
            case "bigram": {
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < c.size(); j++) {
                    max = Math.max(max, c.values().get(row, j));
                }
                double sum = 0;
                for (int j = 0; j < c.size(); j++) {
                    sum += Math.exp(c.values().get(row, j) - max);
                }
                double probability = Math.exp(v - max) / sum;
                return "after \"" + a + "\": logit " + Fmt.fixed(v, 2) + " for \"" + b + "\", probability "
                        + Fmt.fixed(probability, 3) + (c.truth() == null ? "" : " (language: "
                        + Fmt.fixed(c.truth()[row][col], 3) + ")");
            }
            case "ov":
                return "attending to \"" + a + "\" raises the logit of \"" + b + "\" by " + Fmt.fixed(v, 2)
                        + (row == col ? " (copying)" : "");
            default:
                return "query \"" + a + "\" scores key \"" + b + "\" at " + Fmt.fixed(v, 2);
        }
    }

    /**
     * A text alternative for the table drawn with colours from -{@code range} to {@code range}: {@link #describe} and,
     * where the scale is not the table's own, that it is shared.
     */
    public static String describe(Circuit c, double range) {
        String out = describe(c);
        return range == range(c) ? out : out + " Colours on the scale shared by all tables, up to " + Fmt.fixed(range, 1)
                + ".";
    }

    /** A text alternative for the whole table: what it is and its most telling statistic. */
    public static String describe(Circuit c) {
        int n = c.size();
        int diagonal = 0;
        int truthTop = 0;
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int j = 1; j < n; j++) {
                if (c.values().get(i, j) > c.values().get(i, best)) {
                    best = j;
                }
            }
            diagonal += best == i ? 1 : 0;
            if (c.truth() != null) {
                int likeliest = 0;
                for (int j = 1; j < n; j++) {
                    if (c.truth()[i][j] > c.truth()[i][likeliest]) {
                        likeliest = j;
                    }
                }
                truthTop += best == likeliest ? 1 : 0;
            }
        }
        String base = c.title() + ", a " + n + " by " + n + " heatmap (rows: " + c.rows() + "; columns: " + c.columns()
                + "; red positive, blue negative, up to " + Fmt.fixed(range(c), 1) + ").";
        switch (c.view()) {
            case "bigram":
                return base + (c.truth() == null ? "" : " Its largest entry in each row is the language's likeliest next "
                        + "token for " + truthTop + " of " + n + " tokens.");
            case "ov":
                return base + " Its largest entry in a row is the attended token itself for " + diagonal + " of " + n
                        + " tokens.";
            default:
                return base + " A query token attends most to itself for " + diagonal + " of " + n + " tokens.";
        }
    }
}
