package org.circuitbook.widgets.widget;

import java.util.List;
import org.circuitbook.widgets.data.SyntheticLanguage;
import org.circuitbook.widgets.model.Composition;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.tensor.Tensor;

/**
 * The composition widget's drawing ({@link Composition}; Elhage et al. 2021, "A Mathematical Framework for Transformer
 * Circuits", section "Two-Layer Attention-Only Transformers"): for a layer-0 head (the sender) and a layer-1 head (the
 * receiver) of a two-layer attention-only model, their token-by-token Q-, K- or V-composition table as a heatmap (drawn
 * as the circuits widget draws its tables, {@link CircuitsView}), with a cursor cell read out in words; beside it the
 * Frobenius composition score of every pair of heads, coloured against the random baseline (white: as random heads
 * score), the chosen pair boxed; and under that every head's OV eigenvalue copying score as a bar (negative, blue: the
 * head lowers the logit of the token it attends to).
 */
public final class CompositionView {
    public static final int WIDTH = 760;
    public static final int HEIGHT = 560;
    public static final List<String> KINDS = Composition.KINDS;

    private static final double GRID_X = 62;
    private static final double GRID_Y = 70;
    private static final double GRID_SIZE = 432;
    private static final double SIDE_X = 590;
    private static final double SIDE_W = WIDTH - SIDE_X - 8;
    private static final double SCORES_Y = 62;
    private static final double BARS_Y = 300;

    private static final double N_GRID_X = 40;
    private static final double N_GRID_Y = 106;
    private static final double N_GRID_SIZE = Arrangement.NARROW_WIDTH - N_GRID_X - 8;
    private static final double N_SCORES_Y = N_GRID_Y + N_GRID_SIZE + 44;
    private static final double N_BARS_Y = N_SCORES_Y + 290;
    /** The narrow arrangement's room for the readout, under the bars. */
    private static final double N_READOUT = 70;

    private CompositionView() {
    }

    /** What a model shows whatever is chosen: each kind's scores [kind][sender][receiver], the baseline, copying. */
    public record Summary(double[][][] scores, double baseline, double[][] copying, String[] names) {
        public int heads() {
            return copying[0].length;
        }

        /** The scores of {@code kind} ({@link #KINDS}). */
        public double[][] scores(String kind) {
            return scores[KINDS.indexOf(kind)];
        }
    }

    /** One chosen table: the kind, the sender (layer 0) and receiver (layer 1) heads, the table and the summary. */
    public record Chosen(String kind, int sender, int receiver, Tensor table, Summary summary) {
        public int size() {
            return table.dim(0);
        }

        public String[] names() {
            return summary.names();
        }
    }

    /** The {@link Summary} of {@code model} (two layers or more), its tokens named by the synthetic language. */
    public static Summary summary(HookedTransformer model) {
        return summary(model, SyntheticLanguage.tokenNames(model.cfg().d_vocab()));
    }

    /** The {@link Summary} of {@code model} (two layers or more), its tokens called {@code names} ({@link TokenNames}). */
    public static Summary summary(HookedTransformer model, String[] names) {
        double[][][] scores = new double[KINDS.size()][][];
        for (int k = 0; k < KINDS.size(); k++) {
            scores[k] = Composition.scores(model, KINDS.get(k));
        }
        return new Summary(scores, Composition.baseline(model.cfg().d_model(), model.cfg().d_head()),
                Composition.copyingScores(model), names);
    }

    /** The table {@code kind} between head 0.{@code sender} and head 1.{@code receiver}. */
    public static Chosen choose(HookedTransformer model, Summary summary, String kind, int sender, int receiver) {
        return new Chosen(kind, sender, receiver, Composition.table(model, kind, sender, receiver), summary);
    }

    /**
     * The pair the widget starts with when the chapter names none: the one whose K-composition table is most diagonal
     * (ties: the larger diagonal mean), {sender, receiver}. On a model with an induction circuit, its previous-token
     * head and an induction head.
     */
    public static int[] defaultPair(HookedTransformer model) {
        int heads = model.cfg().n_heads();
        int[] best = {0, 0};
        double bestFraction = -1;
        double bestMean = Double.NEGATIVE_INFINITY;
        for (int s = 0; s < heads; s++) {
            for (int r = 0; r < heads; r++) {
                Tensor t = Composition.table(model, "k", s, r);
                double fraction = Composition.diagonalFraction(t);
                double mean = diagonalMean(t);
                if (fraction > bestFraction || (fraction == bestFraction && mean > bestMean)) {
                    best = new int[] {s, r};
                    bestFraction = fraction;
                    bestMean = mean;
                }
            }
        }
        return best;
    }

    static double diagonalMean(Tensor t) {
        int n = Math.min(t.dim(0), t.dim(1));
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += t.get(i, i);
        }
        return sum / n;
    }

    /** The mean of the entries off the diagonal. */
    static double offDiagonalMean(Tensor t) {
        double sum = 0;
        int count = 0;
        for (int i = 0; i < t.dim(0); i++) {
            for (int j = 0; j < t.dim(1); j++) {
                if (i != j) {
                    sum += t.get(i, j);
                    count++;
                }
            }
        }
        return sum / count;
    }

    /** "K-composition", "Q-composition", "V-composition". */
    public static String kindTitle(String kind) {
        return kind.toUpperCase(java.util.Locale.ROOT) + "-composition";
    }

    /** The table's title: "K-composition: head 0.2 into head 1.1's keys". */
    public static String title(Chosen c) {
        String into = switch (c.kind()) {
            case "k" -> "'s keys";
            case "q" -> "'s queries";
            default -> "'s values";
        };
        return kindTitle(c.kind()) + ": head 0." + c.sender() + " into head 1." + c.receiver() + into;
    }

    /** What the rows are. */
    public static String rows(Chosen c) {
        return switch (c.kind()) {
            case "k" -> "query token";
            case "q" -> "token 0." + c.sender() + " moved into the query";
            default -> "token 0." + c.sender() + " moved where 1." + c.receiver() + " attends";
        };
    }

    /** What the columns are. */
    public static String columns(Chosen c) {
        return switch (c.kind()) {
            case "k" -> "token 0." + c.sender() + " moved into the key (its previous token)";
            case "q" -> "key token";
            default -> "next-token logit";
        };
    }

    /** The largest absolute value in the table: the colour scale's end. */
    public static double range(Chosen c) {
        double range = 1e-9;
        for (float v : c.table().data()) {
            range = Math.max(range, Math.abs(v));
        }
        return range;
    }

    /** The cell of the table under (x, y) in the arrangement drawn ({@code narrow} or not), as {row, column}, or null. */
    public static int[] cellAt(Chosen c, boolean narrow, double x, double y) {
        double gx = narrow ? N_GRID_X : GRID_X;
        double gy = narrow ? N_GRID_Y : GRID_Y;
        double cell = (narrow ? N_GRID_SIZE : GRID_SIZE) / c.size();
        if (x < gx || y < gy) {
            return null;
        }
        int col = (int) Math.floor((x - gx) / cell);
        int row = (int) Math.floor((y - gy) / cell);
        return row < c.size() && col < c.size() ? new int[] {row, col} : null;
    }

    /** The pair of heads whose score cell is under (x, y), as {sender, receiver}, or null. */
    public static int[] pairAt(Chosen c, boolean narrow, double x, double y) {
        int n = c.summary().heads();
        double[] m = matrix(narrow, n);
        if (x < m[0] || y < m[1]) {
            return null;
        }
        int r = (int) Math.floor((x - m[0]) / m[2]);
        int s = (int) Math.floor((y - m[1]) / m[2]);
        return s < n && r < n ? new int[] {s, r} : null;
    }

    /** The centre of the score cell of the pair (sender, receiver), {x, y}, in the arrangement {@code narrow} or not. */
    public static double[] pairCenter(Chosen c, boolean narrow, int sender, int receiver) {
        double[] m = matrix(narrow, c.summary().heads());
        return new double[] {m[0] + (receiver + 0.5) * m[2], m[1] + (sender + 0.5) * m[2]};
    }

    /** The score matrix's place: {x, y, cell}. */
    private static double[] matrix(boolean narrow, int heads) {
        if (narrow) {
            double cell = Math.min(40, 176.0 / heads);
            return new double[] {56, N_SCORES_Y + 62, cell};
        }
        double cell = Math.min(32, 128.0 / heads);
        return new double[] {SIDE_X + 30, SCORES_Y + 56, cell};
    }

    /** Paints the chosen table with the cursor on (row, col) (-1: none), the scores and the copying bars. */
    public static void paint(Painter p, Chosen c, int row, int col) {
        boolean narrow = p.narrow();
        int w = narrow ? Arrangement.NARROW_WIDTH : WIDTH;
        Arrangement.begin(p, w, narrow ? narrowHeight(c.summary()) : HEIGHT);
        double range = range(c);
        int n = c.size();
        if (narrow) {
            int font = Arrangement.MIN_TEXT_PX;
            p.panel("titles", 0, 0, w, 72);
            Arrangement.text(p, title(c), w / 2.0, 12, w - 6, 16, Theme.ink(), 13, "center");
            Arrangement.text(p, "rows: " + rows(c) + " \u00b7 columns: " + columns(c), w / 2.0, 44, w - 6, 14,
                    Theme.muted(), font, "center");
            p.panel("table", 0, N_GRID_Y - 28, w, N_GRID_SIZE + 28 + 40);
            double cell = N_GRID_SIZE / n;
            CircuitsView.labels(p, c.names(), row, col, N_GRID_X, N_GRID_Y, cell, true);
            CircuitsView.heatmap(p, c.table(), row, col, range, N_GRID_X, N_GRID_Y, cell);
            CircuitsView.horizontalBar(p, range, N_GRID_X, N_GRID_Y + N_GRID_SIZE + 10, N_GRID_SIZE);
            scores(p, c, true, 0, N_SCORES_Y, w);
            double y = bars(p, c, true, 0, N_BARS_Y, w) + 8;
            if (row >= 0 && col >= 0) {
                p.panel("readout", 0, y, w, N_READOUT - 8);
                Arrangement.text(p, readout(c, row, col), w / 2.0, y + 12, w - 6, 15, Theme.ink(), 12, "center");
            }
            return;
        }
        p.panel("table", GRID_X - 40, 0, GRID_SIZE + 40 + 14 + 50, GRID_Y + GRID_SIZE + 36);
        p.text(title(c), (GRID_X + GRID_SIZE) / 2 + 20, 14, Theme.ink(), 14, "center");
        p.text("rows: " + rows(c) + " \u00b7 columns: " + columns(c), (GRID_X + GRID_SIZE) / 2 + 20, 32, Theme.muted(), 11,
                "center");
        double cell = GRID_SIZE / n;
        CircuitsView.labels(p, c.names(), row, col, GRID_X, GRID_Y, cell, false);
        CircuitsView.heatmap(p, c.table(), row, col, range, GRID_X, GRID_Y, cell);
        CircuitsView.verticalBar(p, range, GRID_X + GRID_SIZE + 14, GRID_Y, GRID_SIZE);
        scores(p, c, false, SIDE_X - 10, SCORES_Y, SIDE_W + 10);
        bars(p, c, false, SIDE_X - 10, BARS_Y, SIDE_W + 10);
        if (row >= 0 && col >= 0) {
            p.text(readout(c, row, col), WIDTH / 2.0, GRID_Y + GRID_SIZE + 40, Theme.ink(), 12, "center");
        }
    }

    /**
     * Every pair's score of the chosen kind: rows the layer-0 heads, columns the layer-1 heads, red above the random
     * baseline and blue below it (white: as random heads score), each cell's value written where it fits.
     */
    private static void scores(Painter p, Chosen c, boolean narrow, double x, double y, double w) {
        int n = c.summary().heads();
        double[][] s = c.summary().scores(c.kind());
        double baseline = c.summary().baseline();
        double[] m = matrix(narrow, n);
        int font = narrow ? Arrangement.MIN_TEXT_PX : 10;
        double height = m[1] - y + n * m[2] + (narrow ? 48 : 40);
        p.panel("scores", x, y, w, height);
        String heading = kindTitle(c.kind()) + " scores (rows 0.x, columns 1.x)";
        if (narrow) {
            Arrangement.text(p, heading, x + w / 2, y + 12, w - 6, 15, Theme.ink(), 12, "center");
        } else {
            p.text(kindTitle(c.kind()) + " scores", x + w / 2, y + 10, Theme.ink(), 12, "center");
            p.text("rows: head 0.x \u00b7 columns: head 1.x", x + w / 2, y + 26, Theme.muted(), 10, "center");
        }
        double spread = 1e-9;
        for (double[] row : s) {
            for (double v : row) {
                spread = Math.max(spread, Math.abs(v - baseline));
            }
        }
        String[] colors = new String[n * n];
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                colors[a * n + b] = Colormaps.diverging((s[a][b] - baseline) / spread);
            }
        }
        p.cells(m[0], m[1], n * m[2], n * m[2], n, colors);
        boolean numbers = Arrangement.textWidth("0.00", font) + 2 <= m[2];
        for (int i = 0; i < n; i++) {
            p.text("0." + i, m[0] - 4, m[1] + (i + 0.5) * m[2], i == c.sender() ? Theme.ink() : Theme.muted(), font, "right");
            p.text("1." + i, m[0] + (i + 0.5) * m[2], m[1] - 8, i == c.receiver() ? Theme.ink() : Theme.muted(), font,
                    "center");
            for (int j = 0; numbers && j < n; j++) {
                // on the scale's deep ends the paper's colour reads better than the ink
                boolean deep = Math.abs(s[i][j] - baseline) / spread > 0.6;
                p.text(Fmt.fixed(s[i][j], 2), m[0] + (j + 0.5) * m[2], m[1] + (i + 0.5) * m[2],
                        deep ? Theme.paper() : Theme.ink(), narrow ? font : font - 1, "center");
            }
        }
        CircuitsView.box(p, m[0] + c.receiver() * m[2], m[1] + c.sender() * m[2], m[2], m[2], Theme.ink(), 2);
        String note = "random heads: " + Fmt.fixed(baseline, 3) + " (white)";
        if (narrow) {
            Arrangement.text(p, note, x + w / 2, m[1] + n * m[2] + 16, w - 6, 14, Theme.muted(), font, "center");
        } else {
            p.text(note, x + w / 2, m[1] + n * m[2] + 16, Theme.muted(), 10, "center");
        }
    }

    /**
     * Each head's OV copying score as a bar from 0, layer by layer: red to the right for copying, blue to the left for
     * suppression, the chosen pair's heads in ink, the value written beside each bar.
     */
    private static double bars(Painter p, Chosen c, boolean narrow, double x, double y, double w) {
        double[][] copying = c.summary().copying();
        int font = narrow ? Arrangement.MIN_TEXT_PX : 10;
        int count = copying.length * copying[0].length;
        double rowH = rowHeight(narrow, count);
        double height = barsHeight(narrow, count);
        p.panel("copying", x, y, w, height);
        if (narrow) {
            Arrangement.text(p, "OV copying scores (eigenvalues)", x + w / 2, y + 12, w - 6, 15, Theme.ink(), 12, "center");
        } else {
            p.text("OV copying scores", x + w / 2, y + 10, Theme.ink(), 12, "center");
            p.text("1 copies \u00b7 -1 suppresses", x + w / 2, y + 25, Theme.muted(), 10, "center");
        }
        double labelW = 32;
        double valueW = narrow ? 44 : 40;
        double barX = x + labelW;
        double barW = w - labelW - valueW;
        double zero = barX + barW / 2;
        double top = y + (narrow ? 30 : 34);
        p.line(zero, top, zero, top + count * rowH, Theme.grid(), 1);
        int i = 0;
        for (int l = 0; l < copying.length; l++) {
            for (int h = 0; h < copying[l].length; h++) {
                double v = copying[l][h];
                double cy = top + i * rowH;
                boolean chosen = (l == 0 && h == c.sender()) || (l == 1 && h == c.receiver());
                p.text(l + "." + h, barX - 4, cy + rowH / 2, chosen ? Theme.ink() : Theme.muted(), font, "right");
                double len = Math.abs(v) * barW / 2;
                p.fillRect(v >= 0 ? zero : zero - len, cy + 2, len, rowH - 4, v >= 0 ? Theme.red() : Theme.blue());
                p.text(Fmt.fixed(v, 2), x + w - 2, cy + rowH / 2, chosen ? Theme.ink() : Theme.muted(), font, "right");
                i++;
            }
        }
        String legend = "blue: lowers the logit of the token it attends to";
        if (narrow) {
            Arrangement.text(p, "-1", barX, top + count * rowH + 12, 20, 14, Theme.muted(), font, "left");
            Arrangement.text(p, "1", barX + barW, top + count * rowH + 12, 20, 14, Theme.muted(), font, "right");
            Arrangement.text(p, legend, x + w / 2, top + count * rowH + 30, w - 6, 14, Theme.muted(), font, "center");
        } else {
            p.text("-1", barX, top + count * rowH + 10, Theme.muted(), 9, "left");
            p.text("1", barX + barW, top + count * rowH + 10, Theme.muted(), 9, "right");
            p.text("blue: lowers the logit", x + w / 2, top + count * rowH + 24, Theme.muted(), 10, "center");
        }
        return y + height;
    }

    /** A copying bar's height: 16 narrow; wide, 13 or less, to fit under the scores. */
    private static double rowHeight(boolean narrow, int count) {
        return narrow ? 16 : Math.min(13, 200.0 / count);
    }

    private static double barsHeight(boolean narrow, int count) {
        return 34 + count * rowHeight(narrow, count) + (narrow ? 44 : 30);
    }

    /** The narrow arrangement's height: the table, the scores and the bars stacked, the readout under them. */
    public static int narrowHeight(Summary s) {
        return (int) Math.ceil(N_BARS_Y + barsHeight(true, s.copying().length * s.heads()) + N_READOUT);
    }

    /** What cell (row, col) says, in words. */
    public static String readout(Chosen c, int row, int col) {
        String a = "\"" + c.names()[row] + "\"";
        String b = "\"" + c.names()[col] + "\"";
        String v = Fmt.fixed(c.table().get(row, col), 2);
        String diagonal = row == col ? " (diagonal)" : "";
        return switch (c.kind()) {
            case "k" -> "head 1." + c.receiver() + ": query " + a + " scores a key where 0." + c.sender() + " saw " + b
                    + " at " + v + diagonal;
            case "q" -> "head 1." + c.receiver() + ": a query where 0." + c.sender() + " saw " + a + " scores key " + b
                    + " at " + v + diagonal;
            default -> "through 0." + c.sender() + " then 1." + c.receiver() + ", " + a + " raises the logit of " + b
                    + " by " + v + diagonal;
        };
    }

    /** A text alternative for the whole figure: the table's pattern, the pair's score, the copying scores. */
    public static String describe(Chosen c) {
        int n = c.size();
        int diagonal = (int) Math.round(Composition.diagonalFraction(c.table()) * n);
        double[][] s = c.summary().scores(c.kind());
        int[] top = {0, 0};
        for (int a = 0; a < s.length; a++) {
            for (int b = 0; b < s.length; b++) {
                if (s[a][b] > s[top[0]][top[1]]) {
                    top = new int[] {a, b};
                }
            }
        }
        StringBuilder out = new StringBuilder(title(c)).append(", a ").append(n).append(" by ").append(c.table().dim(1))
                .append(" heatmap (rows: ").append(rows(c)).append("; columns: ").append(columns(c))
                .append("; red positive, blue negative, up to ").append(Fmt.fixed(range(c), 1)).append("). Its largest ")
                .append("entry in a row is on the diagonal for ").append(diagonal).append(" of ").append(n)
                .append(" tokens (diagonal mean ").append(Fmt.fixed(diagonalMean(c.table()), 2))
                .append(", elsewhere ").append(Fmt.fixed(offDiagonalMean(c.table()), 2)).append("). ")
                .append(kindTitle(c.kind())).append(" score of 0.").append(c.sender()).append(" and 1.").append(c.receiver())
                .append(": ").append(Fmt.fixed(s[c.sender()][c.receiver()], 3)).append(", against ")
                .append(Fmt.fixed(c.summary().baseline(), 3)).append(" for random heads; the highest pair is 0.")
                .append(top[0]).append(" and 1.").append(top[1]).append(" at ").append(Fmt.fixed(s[top[0]][top[1]], 3))
                .append(". OV copying scores:");
        double[][] copying = c.summary().copying();
        StringBuilder negative = new StringBuilder();
        for (int l = 0; l < copying.length; l++) {
            for (int h = 0; h < copying[l].length; h++) {
                out.append(l == 0 && h == 0 ? " " : ", ").append(l).append('.').append(h).append(' ')
                        .append(Fmt.fixed(copying[l][h], 2));
                if (copying[l][h] < 0) {
                    negative.append(negative.length() == 0 ? "" : ", ").append(l).append('.').append(h);
                }
            }
        }
        out.append('.');
        if (negative.length() > 0) {
            out.append(" Negative (lowering the logit of the token attended to): ").append(negative).append('.');
        }
        return out.toString();
    }
}
