package org.circuitbook.widgets.widget;

import java.util.List;
import org.circuitbook.widgets.data.Lcg;
import org.circuitbook.widgets.data.SyntheticLanguage;
import org.circuitbook.widgets.model.ActivationPatching;
import org.circuitbook.widgets.model.ActivationCache;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.model.LogitAttribution;
import org.circuitbook.widgets.tensor.Tensor;

/**
 * The logit-attribution widget's drawing: a logit difference split into what each component wrote into the residual
 * stream ({@link LogitAttribution}). On the left, the terms at the selected column as bars, and their sum, which is the
 * model's logit difference; on the right, every column's terms as a heat map with the same rows. For an attention-only
 * model a column is a position of the prompt; for modular addition, the summand a of "a b =" (b fixed), read at "=".
 */
public final class LogitAttributionView {
    public static final int WIDTH = 640;
    public static final int HEIGHT = 420;
    /** The answer rules: the correct next token (attention-only) or (a + b) mod p (modular addition). */
    public static final String NEXT = "next";
    public static final String CORRECT = "correct";
    /** The wrong-answer rules. */
    public static final String BIGRAM = "bigram";
    public static final String RUNNER_UP = "runner-up";
    public static final String MEAN = "mean";

    private static final double TOP = 58;
    private static final double LABEL_W = 84;
    private static final double BARS_X = 88;
    private static final double BARS_W = 148;
    private static final double MAP_X = 290;
    private static final double MAP_W = 320;
    private static final double BODY_H = 270;
    public static final int NARROW_HEIGHT = 740;
    private static final double N_TOP = 96;
    private static final double N_LABEL_W = 72;
    private static final double N_BARS_W = Arrangement.NARROW_WIDTH - N_LABEL_W - 48;
    private static final double N_BODY_H = 240;

    private LogitAttributionView() {
    }

    /**
     * What is drawn: columns (positions, or values of a), their labels, each column's decomposition, and words for
     * the answer and the wrong answer of each column.
     */
    public record Table(boolean modular, String[] columns, List<LogitAttribution.Term> terms, double[][] values,
                        double[] diff, String[] answer, String[] wrong, String wrongRule, int b) {
        public int cols() {
            return columns.length;
        }

        public int rows() {
            return terms.size() + 1; // the terms, then their sum
        }

        public boolean has(int col) {
            return !Double.isNaN(diff[col]);
        }

        /** Row {@code row}'s value at {@code col}: a term, or (the last row) the model's logit difference. */
        public double value(int row, int col) {
            return row < terms.size() ? values[col][row] : diff[col];
        }

        public String rowLabel(int row) {
            return row < terms.size() ? terms.get(row).label() : "logit diff";
        }

        /** The largest absolute value drawn (the colour scale's end); at least 1e-9. */
        public double range() {
            double r = 1e-9;
            for (int c = 0; c < cols(); c++) {
                for (int row = 0; has(c) && row < rows(); row++) {
                    r = Math.max(r, Math.abs(value(row, c)));
                }
            }
            return r;
        }
    }

    /**
     * The prompt the widget starts with: the induction task as the trainer's probes pose it ({@code n_ctx / 2} random
     * tokens from a fixed seed, then the same again; the period at which the book's model completes repeats best), cut
     * half way through the repeat ({@link #repeat}).
     */
    public static int[] defaultPrompt(HookedTransformer model) {
        return repeat(new Lcg(0), model);
    }

    /**
     * {@code n_ctx / 2} random tokens drawn from {@code random}, then the first half of them again: at every position
     * of the repeat the next token is a copy, the last position's too (a whole repeat would end where a third round
     * would start).
     */
    public static int[] repeat(Lcg random, HookedTransformer model) {
        int half = Math.max(2, model.cfg().n_ctx() / 2);
        int[] tokens = SyntheticLanguage.repeatedRandom(random, ActivationPatching.taskVocab(model.cfg()), half);
        return java.util.Arrays.copyOf(tokens, Math.min(model.cfg().n_ctx(), half + half / 2));
    }

    /**
     * An attention-only model's table for {@code tokens}: {@code answer} is {@link #NEXT} or a token id (as a
     * string), {@code wrong} {@link #BIGRAM}, {@link #MEAN} or a token id.
     */
    public static Table forPrompt(HookedTransformer model, int[] tokens, String answer, String wrong, String[] names) {
        int[] answers = answer.equals(NEXT) ? LogitAttribution.nextTokens(tokens) : filled(tokens.length, Integer.parseInt(answer));
        int[] wrongs = new int[tokens.length];
        for (int p = 0; p < tokens.length; p++) {
            if (answers[p] >= model.cfg().d_vocab_out()) {
                answers[p] = LogitAttribution.NONE; // a next token the model cannot predict (d_vocab_out < d_vocab)
            }
            wrongs[p] = answers[p] < 0 ? 0 : wrongOf(wrong, model, tokens[p], null, p, answers[p]);
            if (wrongs[p] == answers[p]) {
                answers[p] = LogitAttribution.NONE; // the same token twice: no difference to split
            }
        }
        LogitAttribution.Decomposition d = LogitAttribution.decompose(model, tokens, answers, wrongs);
        String[] cols = new String[tokens.length];
        String[] as = new String[tokens.length];
        String[] ws = new String[tokens.length];
        for (int p = 0; p < tokens.length; p++) {
            cols[p] = names[tokens[p]];
            as[p] = answers[p] < 0 ? null : names[answers[p]];
            ws[p] = answers[p] < 0 ? null : wrongs[p] == LogitAttribution.MEAN ? null : names[wrongs[p]];
        }
        return new Table(false, cols, d.terms(), d.values(), d.logitDiff(), as, ws, wrong, -1);
    }

    /**
     * A modular-addition model's table: a column for each a of "a b =", read at "=", {@code answer} {@link #CORRECT}
     * or a token id, {@code wrong} {@link #RUNNER_UP}, {@link #MEAN} or a token id; every column computed.
     */
    public static Table forPairs(HookedTransformer model, int b, String answer, String wrong) {
        Table t = pendingPairs(model, b, wrong);
        for (int a = 0; a < t.cols(); a++) {
            fillPair(model, t, a, answer);
        }
        return t;
    }

    /**
     * A modular-addition model's table with no column computed yet ({@link #fillPair} computes one: a forward pass
     * each, so a page can spread the p of them over frames).
     */
    public static Table pendingPairs(HookedTransformer model, int b, String wrong) {
        int p = model.cfg().d_vocab_out();
        String[] cols = new String[p];
        double[][] values = new double[p][LogitAttribution.terms(model.cfg()).size()];
        double[] diff = new double[p];
        for (int a = 0; a < p; a++) {
            cols[a] = Integer.toString(a);
            java.util.Arrays.fill(values[a], Double.NaN);
            diff[a] = Double.NaN;
        }
        return new Table(true, cols, LogitAttribution.terms(model.cfg()), values, diff, new String[p], new String[p], wrong, b);
    }

    /** Whether column {@code a} of a modular-addition table is still to be computed. */
    public static boolean pending(Table t, int a) {
        return t.modular() && t.answer()[a] == null;
    }

    /** Computes column {@code a} of a modular-addition table ({@code answer} as in {@link #forPairs}). */
    public static void fillPair(HookedTransformer model, Table t, int a, String answer) {
        int p = model.cfg().d_vocab_out();
        int[] tokens = {a, t.b(), p};
        ActivationCache cache = new ActivationCache();
        Tensor logits = model.forward(tokens, cache);
        int c = answer.equals(CORRECT) ? (a + t.b()) % p : Integer.parseInt(answer);
        int w = wrongOf(t.wrongRule(), model, p, logits, 2, c);
        LogitAttribution.Decomposition d = LogitAttribution.decompose(model, tokens, cache, logits,
                new int[] {LogitAttribution.NONE, LogitAttribution.NONE, w == c ? LogitAttribution.NONE : c}, new int[] {0, 0, w});
        System.arraycopy(d.values()[2], 0, t.values()[a], 0, t.terms().size());
        t.diff()[a] = d.logitDiff()[2];
        t.wrong()[a] = w == LogitAttribution.MEAN ? null : Integer.toString(w);
        t.answer()[a] = Integer.toString(c);
    }

    private static int wrongOf(String rule, HookedTransformer model, int token, Tensor logits, int pos, int answer) {
        return switch (rule) {
            case MEAN -> LogitAttribution.MEAN;
            case BIGRAM -> LogitAttribution.bigramGuess(model, token, answer);
            case RUNNER_UP -> LogitAttribution.runnerUp(logits, pos, answer);
            default -> Integer.parseInt(rule);
        };
    }

    private static int[] filled(int n, int v) {
        int[] out = new int[n];
        java.util.Arrays.fill(out, v);
        return out;
    }

    /** "logit(ba) - logit(ne)" for column {@code col}. */
    public static String difference(Table t, int col) {
        if (!t.has(col)) {
            return "no answer";
        }
        return "logit(" + t.answer()[col] + ") - " + (t.wrong()[col] == null ? "mean logit" : "logit(" + t.wrong()[col] + ")");
    }

    /** Where column {@code col} is, in words: position 19 ("no"), or 12 + 30 =. */
    public static String where(Table t, int col) {
        return t.modular() ? col + " + " + t.b() + " =" : "position " + col + " (\"" + t.columns()[col] + "\")";
    }

    private static double rowH(Table t, double bodyH) {
        return Math.min(22, bodyH / t.rows());
    }

    /** The heat map's top: beside the bars (wide) or under them (narrow). */
    private static double mapTop(Table t, boolean narrow) {
        return narrow ? N_TOP + t.rows() * rowH(t, N_BODY_H) + 44 : TOP;
    }

    /** The heat map's cell under (x, y) of the arrangement drawn, as {row, column}, or null outside it. */
    public static int[] cellAt(Table t, boolean narrow, double x, double y) {
        double top = mapTop(t, narrow);
        double mapX = narrow ? N_LABEL_W : MAP_X;
        double mapW = narrow ? Arrangement.NARROW_WIDTH - N_LABEL_W - 6 : MAP_W;
        double rh = rowH(t, narrow ? N_BODY_H : BODY_H);
        int col = (int) Math.floor((x - mapX) / (mapW / t.cols()));
        int row = (int) Math.floor((y - top) / rh);
        if (x < mapX || y < top || col >= t.cols() || row >= t.rows()) {
            return null;
        }
        return new int[] {row, col};
    }

    /** Paints the table with the cursor on (row, col): col is the column whose bars are shown; row -1 for none. */
    public static void paint(Painter p, Table t, int row, int col) {
        boolean narrow = p.narrow();
        int w = narrow ? Arrangement.NARROW_WIDTH : WIDTH;
        int h = narrow ? NARROW_HEIGHT : HEIGHT;
        Arrangement.begin(p, w, h);
        int c = Math.max(0, Math.min(t.cols() - 1, col));
        int font = narrow ? Arrangement.MIN_TEXT_PX : 11;
        // titles
        String title = "Direct logit attribution at " + where(t, c);
        String sub = difference(t, c) + (t.has(c) ? " = " + Fmt.fixed(t.diff()[c], 2)
                + ": the terms add up to it exactly (no LayerNorm)" : "");
        double titlesH = narrow ? N_TOP - 16 : TOP - 18;
        p.panel("titles", 0, 0, w, titlesH);
        if (narrow) {
            int lines = Arrangement.text(p, title, w / 2.0, 12, w - 6, 16, Theme.ink(), 13, "center");
            Arrangement.text(p, sub, w / 2.0, 14 + 16 * lines, w - 6, 14, Theme.muted(), font, "center");
        } else {
            p.text(title, w / 2.0, 14, Theme.ink(), 14, "center");
            p.text(sub, w / 2.0, 32, Theme.muted(), 11, "center");
        }
        // bars at the selected column, the rows labelled
        double top = narrow ? N_TOP : TOP;
        double bodyH = narrow ? N_BODY_H : BODY_H;
        double rh = rowH(t, bodyH);
        double barsX = narrow ? N_LABEL_W : BARS_X;
        double barsW = narrow ? N_BARS_W : BARS_W;
        p.panel("bars", 0, top - 6, narrow ? w : MAP_X - 12, t.rows() * rh + 24);
        double scale = 1e-9;
        for (int r = 0; t.has(c) && r < t.rows(); r++) {
            scale = Math.max(scale, Math.abs(t.value(r, c)));
        }
        double zero = barsX + barsW / 2;
        for (int r = 0; r < t.rows(); r++) {
            double y = top + r * rh;
            boolean sum = r == t.terms().size();
            p.text(t.rowLabel(r), barsX - 6, y + rh / 2, r == row || sum ? Theme.ink() : Theme.muted(), font, "right");
            if (!t.has(c)) {
                continue;
            }
            double v = t.value(r, c);
            double len = v / scale * (barsW / 2 - 2);
            String color = sum ? Theme.ink() : v >= 0 ? Theme.red() : Theme.blue();
            p.fillRect(Math.min(zero, zero + len), y + 3, Math.abs(len), rh - 6, color);
            p.text(signed(v, 1), barsX + barsW + 4, y + rh / 2, r == row || sum ? Theme.ink() : Theme.muted(), font, "left");
            if (r == row) {
                p.line(barsX, y + rh - 1, barsX + barsW, y + rh - 1, Theme.ink(), 1);
            }
        }
        double barsBottom = top + t.rows() * rh;
        p.line(zero, top, zero, barsBottom, Theme.grid(), 1);
        p.line(barsX, barsBottom - rh, barsX + barsW, barsBottom - rh, Theme.grid(), 1); // the sum below the terms
        p.text(t.has(c) ? "bars: each term at " + (t.modular() ? "a = " + c : "position " + c) : "no answer at position " + c,
                zero, barsBottom + 10, Theme.muted(), font, "center");
        // the heat map: every column's terms
        double mapTop = mapTop(t, narrow);
        double mapX = narrow ? N_LABEL_W : MAP_X;
        double mapW = narrow ? w - N_LABEL_W - 6 : MAP_W;
        double cw = mapW / t.cols();
        double range = t.range();
        p.panel("heatmap", narrow ? 0 : MAP_X - 4, mapTop - (narrow ? 18 : 6), narrow ? w : w - MAP_X + 4,
                t.rows() * rh + (narrow ? 18 : 6) + 36);
        if (narrow) {
            p.text("every " + (t.modular() ? "a (b = " + t.b() + ")" : "position") + ", same rows", w / 2.0, mapTop - 10,
                    Theme.muted(), font, "center");
            for (int r = 0; r < t.rows(); r++) {
                p.text(t.rowLabel(r), mapX - 6, mapTop + (r + 0.5) * rh, r == row ? Theme.ink() : Theme.muted(), font, "right");
            }
        }
        String[] colors = new String[t.rows() * t.cols()];
        for (int r = 0; r < t.rows(); r++) {
            for (int k = 0; k < t.cols(); k++) {
                colors[r * t.cols() + k] = t.has(k) ? Colormaps.diverging(t.value(r, k) / range) : Theme.pending();
            }
        }
        p.cells(mapX, mapTop, mapW, t.rows() * rh, t.cols(), colors);
        p.line(mapX, mapTop + (t.rows() - 1) * rh, mapX + mapW, mapTop + (t.rows() - 1) * rh, Theme.paper(), 2);
        double x0 = mapX + c * cw;
        double y1 = mapTop + t.rows() * rh;
        p.line(x0, mapTop, x0 + cw, mapTop, Theme.ink(), 2);
        p.line(x0 + cw, mapTop, x0 + cw, y1, Theme.ink(), 2);
        p.line(x0 + cw, y1, x0, y1, Theme.ink(), 2);
        p.line(x0, y1, x0, mapTop, Theme.ink(), 2);
        if (row >= 0 && row < t.rows()) {
            p.line(mapX, mapTop + (row + 1) * rh - 1, mapX + mapW, mapTop + (row + 1) * rh - 1, Theme.ink(), 1);
        }
        int every = Arrangement.every(cw, Arrangement.textWidth(t.modular() ? "58" : "bab", font) + 4);
        for (int k = 0; k < t.cols(); k++) {
            if (k == c || k % every == 0 && Math.abs(k - c) >= every) {
                p.text(t.columns()[k], mapX + (k + 0.5) * cw, y1 + 10, k == c ? Theme.ink() : Theme.muted(), font, "center");
            }
        }
        p.text(t.modular() ? "a (b = " + t.b() + ", read at \"=\")" : "position (its token)", mapX + mapW / 2, y1 + 26,
                Theme.muted(), font, "center");
        // the colour key and the read-out
        double keyY = narrow ? y1 + 44 : HEIGHT - 54;
        double keyX = narrow ? N_LABEL_W : MAP_X;
        double keyW = narrow ? w - N_LABEL_W - 6 : MAP_W;
        p.panel("key", 0, keyY - 2, w, h - keyY + 2);
        int steps = 40;
        for (int k = 0; k < steps; k++) {
            p.fillRect(keyX + k * keyW / steps, keyY, keyW / steps + 0.5, 8, Colormaps.diverging(-1 + 2.0 * k / (steps - 1)));
        }
        p.text(Fmt.fixed(-range, 1), keyX, keyY + 18, Theme.muted(), font, "left");
        p.text(Fmt.fixed(range, 1), keyX + keyW, keyY + 18, Theme.muted(), font, "right");
        p.text("logit difference", keyX + keyW / 2, keyY + 18, Theme.muted(), font, "center");
        String read = row >= 0 && row < t.rows() ? shortReadout(t, row, c) : "";
        if (narrow) {
            Arrangement.text(p, read, w / 2.0, keyY + 40, w - 6, 14, Theme.ink(), font, "center");
        } else {
            p.text(read, w / 2.0, HEIGHT - 12, Theme.ink(), font, "center");
        }
    }

    private static String shortReadout(Table t, int row, int col) {
        if (pending(t, col)) {
            return "computing " + where(t, col);
        }
        if (!t.has(col)) {
            return "no answer at " + where(t, col);
        }
        return t.rowLabel(row) + " at " + where(t, col) + ": " + signed(t.value(row, col));
    }

    private static String signed(double v) {
        return signed(v, 2);
    }

    private static String signed(double v, int digits) {
        String s = Fmt.fixed(v, digits);
        return (v > 0 && !s.equals(Fmt.fixed(0, digits)) ? "+" : "") + s;
    }

    /** What the cursor's cell says, in words. */
    public static String readout(Table t, int row, int col) {
        if (pending(t, col)) {
            return "At " + where(t, col) + ": computing.";
        }
        if (!t.has(col)) {
            return "At " + where(t, col) + " there is no answer to attribute (the token has not occurred before, so "
                    + "there is no induction answer; choose an answer token).";
        }
        String diff = difference(t, col) + " = " + Fmt.fixed(t.diff()[col], 2);
        if (row < 0 || row >= t.terms().size()) {
            return "At " + where(t, col) + ", " + diff + ", the sum of " + t.terms().size() + " terms; largest: "
                    + largest(t, col) + ".";
        }
        return "At " + where(t, col) + ", " + t.rowLabel(row) + " contributes " + signed(t.value(row, col)) + " of " + diff + ".";
    }

    /** The term with the largest absolute value at {@code col}, with its value. */
    private static String largest(Table t, int col) {
        int best = 0;
        for (int r = 1; r < t.terms().size(); r++) {
            if (Math.abs(t.value(r, col)) > Math.abs(t.value(best, col))) {
                best = r;
            }
        }
        return t.rowLabel(best) + " " + signed(t.value(best, col));
    }

    /** A text alternative: what is drawn, the selected column's terms, and where the difference is largest. */
    public static String describe(Table t, int col) {
        int c = Math.max(0, Math.min(t.cols() - 1, col));
        StringBuilder s = new StringBuilder("Direct logit attribution: bars of each component's share of the logit "
                + "difference at " + where(t, c) + ", and a heat map of the same " + t.rows() + " rows (" + t.terms().size()
                + " terms and their sum) for every " + (t.modular() ? "a from 0 to " + (t.cols() - 1) + " with b = " + t.b()
                : "position of the " + t.cols() + "-token prompt") + ". The model has no LayerNorm, so the terms add up "
                + "exactly to the logit difference.");
        if (t.has(c)) {
            s.append(" At ").append(where(t, c)).append(": ").append(difference(t, c)).append(" = ")
                    .append(Fmt.fixed(t.diff()[c], 2)).append("; ");
            for (int r = 0; r < t.terms().size(); r++) {
                s.append(r == 0 ? "" : ", ").append(t.rowLabel(r)).append(" ").append(signed(t.value(r, c)));
            }
            s.append(".");
        }
        int best = -1;
        for (int k = 0; k < t.cols(); k++) {
            if (t.has(k) && (best < 0 || t.diff()[k] > t.diff()[best])) {
                best = k;
            }
        }
        if (best >= 0) {
            s.append(" The largest difference is at ").append(where(t, best)).append(", ")
                    .append(Fmt.fixed(t.diff()[best], 2)).append(", most of it from ").append(largest(t, best)).append(".");
        }
        return s.toString();
    }
}
