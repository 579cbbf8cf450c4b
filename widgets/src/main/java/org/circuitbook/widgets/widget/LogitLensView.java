package org.circuitbook.widgets.widget;

import org.circuitbook.widgets.data.Lcg;
import org.circuitbook.widgets.data.SyntheticLanguage;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.model.LogitAttribution;
import org.circuitbook.widgets.model.LogitLens;

/**
 * The logit-lens widget's drawing ({@link LogitLens}): a grid with a row per stage (the embedding, then after each
 * layer) and a column per position of the prompt, each cell the stage's likeliest next token, shaded by its
 * probability, and outlined where it is the correct next token. Above the grid, the prompt; below, the correct next
 * token at each position. Narrow, the grid is turned on its side: a row per position, a column per stage.
 */
public final class LogitLensView {
    public static final int WIDTH = 640;
    public static final int HEIGHT = 300;
    /** The prompts offered: the induction task and a sample of the synthetic language. */
    public static final String REPEAT = "repeat";
    public static final String LANGUAGE = "language";

    private static final double GRID_X = 104;
    private static final double GRID_Y = 78;
    private static final double GRID_W = 520;
    private static final double GRID_H = 132;
    public static final int NARROW_HEIGHT = 640;
    private static final double N_GRID_X = 96;
    private static final double N_GRID_Y = 92;
    private static final double N_GRID_W = Arrangement.NARROW_WIDTH - N_GRID_X - 6;
    private static final double N_GRID_H = 440;
    /** How many of the likeliest tokens the readout lists. */
    public static final int TOP_K = 3;

    private LogitLensView() {
    }

    /** The induction task the widget starts with ({@link LogitAttributionView#defaultPrompt}). */
    public static int[] defaultPrompt(HookedTransformer model) {
        return LogitAttributionView.defaultPrompt(model);
    }

    /** A sample of the language of {@code n} tokens (at most the model's context). */
    public static int[] sample(SyntheticLanguage language, Lcg random, int n) {
        return language.sample(random, n);
    }

    /**
     * The lens on {@code tokens}, the correct token at each position its next one (the last: the induction answer); none
     * where that token is no output of the model (an input id at or above {@code d_vocab_out}).
     */
    public static LogitLens lens(HookedTransformer model, int[] tokens) {
        int[] correct = LogitAttribution.nextTokens(tokens);
        for (int i = 0; i < correct.length; i++) {
            if (correct[i] >= model.cfg().d_vocab_out()) {
                correct[i] = LogitAttribution.NONE;
            }
        }
        return LogitLens.of(model, tokens, correct);
    }

    private static double cw(LogitLens l, boolean narrow) {
        return narrow ? N_GRID_W / l.stages() : GRID_W / l.positions();
    }

    private static double ch(LogitLens l, boolean narrow) {
        return narrow ? Math.min(28, N_GRID_H / l.positions()) : Math.min(48, GRID_H / l.stages());
    }

    /** The cell under (x, y) of the arrangement drawn, as {stage, position}, or null outside the grid. */
    public static int[] cellAt(LogitLens l, boolean narrow, double x, double y) {
        double gx = narrow ? N_GRID_X : GRID_X;
        double gy = narrow ? N_GRID_Y : GRID_Y;
        int c = (int) Math.floor((x - gx) / cw(l, narrow));
        int r = (int) Math.floor((y - gy) / ch(l, narrow));
        int shownCols = narrow ? l.stages() : l.positions();
        int shownRows = narrow ? l.positions() : l.stages();
        if (x < gx || y < gy || c >= shownCols || r >= shownRows) {
            return null;
        }
        return narrow ? new int[] {c, r} : new int[] {r, c};
    }

    /**
     * The cursor after key {@code key} from (stage, pos), following the arrangement shown: the arrows move the way they
     * point on screen; Home and End go to the first and last position. Null for any other key.
     */
    public static int[] move(LogitLens l, boolean narrow, int stage, int pos, String key) {
        int s = stage;
        int p = pos;
        switch (key) {
            case "ArrowUp" -> {
                if (narrow) {
                    p--;
                } else {
                    s--;
                }
            }
            case "ArrowDown" -> {
                if (narrow) {
                    p++;
                } else {
                    s++;
                }
            }
            case "ArrowLeft" -> {
                if (narrow) {
                    s--;
                } else {
                    p--;
                }
            }
            case "ArrowRight" -> {
                if (narrow) {
                    s++;
                } else {
                    p++;
                }
            }
            case "Home" -> p = 0;
            case "End" -> p = l.positions() - 1;
            default -> {
                return null;
            }
        }
        return new int[] {Math.max(0, Math.min(l.stages() - 1, s)), Math.max(0, Math.min(l.positions() - 1, p))};
    }

    /** Paints the lens with the cursor on (stage, pos) (-1: none); token names by id. */
    public static void paint(Painter p, LogitLens l, String[] names, int stage, int pos) {
        boolean narrow = p.narrow();
        int w = narrow ? Arrangement.NARROW_WIDTH : WIDTH;
        int h = narrow ? NARROW_HEIGHT : HEIGHT;
        int font = narrow ? Arrangement.MIN_TEXT_PX : 11;
        Arrangement.begin(p, w, h);
        String title = "Logit lens: the likeliest next token after each layer";
        String sub = "shade: its probability; outlined: it is the correct next token";
        p.panel("titles", 0, 0, w, narrow ? 66 : 40);
        if (narrow) {
            int lines = Arrangement.text(p, title, w / 2.0, 12, w - 6, 16, Theme.ink(), 13, "center");
            Arrangement.text(p, sub, w / 2.0, 14 + 16 * lines, w - 6, 14, Theme.muted(), font, "center");
        } else {
            p.text(title, w / 2.0, 14, Theme.ink(), 14, "center");
            p.text(sub, w / 2.0, 32, Theme.muted(), 11, "center");
        }
        double gx = narrow ? N_GRID_X : GRID_X;
        double gy = narrow ? N_GRID_Y : GRID_Y;
        double cw = cw(l, narrow);
        double ch = ch(l, narrow);
        int rows = narrow ? l.positions() : l.stages();
        int cols = narrow ? l.stages() : l.positions();
        p.panel("grid", 0, gy - (narrow ? 22 : 30), w, rows * ch + (narrow ? 22 : 56));
        // the prompt (wide: above the grid; narrow: the rows' labels) and the correct next tokens
        if (narrow) {
            p.text("token", 26, gy - 10, Theme.muted(), font, "center");
            p.text("next", 70, gy - 10, Theme.muted(), font, "center");
            for (int s = 0; s < l.stages(); s++) {
                p.text(shortStage(l, s), gx + (s + 0.5) * cw, gy - 10, s == stage ? Theme.ink() : Theme.muted(), font, "center");
            }
        } else {
            p.text("token", gx - 8, gy - 18, Theme.muted(), font, "right");
            p.text("next", gx - 8, gy + rows * ch + 14, Theme.muted(), font, "right");
        }
        int longest = 1;
        for (int t : l.tokens()) {
            longest = Math.max(longest, names[t].length());
        }
        int every = narrow ? Arrangement.every(ch, font + 2) : Arrangement.every(cw, longest * font * Arrangement.EM_PER_CHAR + 4);
        for (int i = 0; i < l.positions(); i++) {
            boolean on = i == pos;
            if (!on && (i % every != 0 || Math.abs(i - pos) < every)) {
                continue;
            }
            String token = names[l.tokens()[i]];
            String next = l.correct(i) < 0 ? "?" : names[l.correct(i)];
            if (narrow) {
                double y = gy + (i + 0.5) * ch;
                p.text(token, 26, y, on ? Theme.ink() : Theme.muted(), font, "center");
                p.text(next, 70, y, on ? Theme.ink() : Theme.muted(), font, "center");
            } else {
                double x = gx + (i + 0.5) * cw;
                p.text(token, x, gy - 18, on ? Theme.ink() : Theme.muted(), font, "center");
                p.text(next, x, gy + rows * ch + 14, on ? Theme.ink() : Theme.muted(), font, "center");
            }
        }
        for (int s = 0; !narrow && s < l.stages(); s++) {
            p.text(l.stage(s), gx - 8, gy + (s + 0.5) * ch, s == stage ? Theme.ink() : Theme.muted(), font, "right");
        }
        // the cells
        String[] colors = new String[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int s = narrow ? c : r;
                int i = narrow ? r : c;
                colors[r * cols + c] = Colormaps.sequential(l.probability(s, i, l.top(s, i, 1)[0]));
            }
        }
        p.cells(gx, gy, cols * cw, rows * ch, cols, colors);
        boolean labels = ch >= font + 2;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int s = narrow ? c : r;
                int i = narrow ? r : c;
                int top = l.top(s, i, 1)[0];
                double prob = l.probability(s, i, top);
                double x = gx + c * cw;
                double y = gy + r * ch;
                if (labels && Arrangement.textWidth(names[top], font) <= cw - 2) {
                    p.text(names[top], x + cw / 2, y + ch / 2, prob > 0.55 ? Theme.onStrong() : Theme.ink(), font, "center");
                }
                if (top == l.correct(i)) {
                    box(p, x + 2, y + 2, cw - 4, ch - 4, Theme.green(), 2);
                }
            }
        }
        if (stage >= 0 && pos >= 0 && stage < l.stages() && pos < l.positions()) {
            int r = narrow ? pos : stage;
            int c = narrow ? stage : pos;
            box(p, gx + c * cw, gy + r * ch, cw, ch, Theme.ink(), 2);
        }
        // the key and the read-out
        double keyY = narrow ? gy + rows * ch + 14 : HEIGHT - 62;
        p.panel("key", 0, keyY - 2, w, h - keyY + 2);
        double keyX = gx;
        double keyW = narrow ? N_GRID_W : 200;
        int steps = 30;
        for (int k = 0; k < steps; k++) {
            p.fillRect(keyX + k * keyW / steps, keyY, keyW / steps + 0.5, 8, Colormaps.sequential(k / (steps - 1.0)));
        }
        p.text("0", keyX, keyY + 18, Theme.muted(), font, "left");
        p.text("1", keyX + keyW, keyY + 18, Theme.muted(), font, "right");
        p.text("probability", keyX + keyW / 2, keyY + 18, Theme.muted(), font, "center");
        if (stage >= 0 && pos >= 0 && stage < l.stages() && pos < l.positions()) {
            String read = shortReadout(l, names, stage, pos);
            if (narrow) {
                Arrangement.text(p, read, w / 2.0, keyY + 40, w - 6, 14, Theme.ink(), font, "center");
            } else {
                p.text(read, w / 2.0, HEIGHT - 24, Theme.ink(), font, "center");
            }
        }
    }

    private static void box(Painter p, double x, double y, double w, double h, String color, double width) {
        p.line(x, y, x + w, y, color, width);
        p.line(x + w, y, x + w, y + h, color, width);
        p.line(x + w, y + h, x, y + h, color, width);
        p.line(x, y + h, x, y, color, width);
    }

    /** A stage's name in a narrow column: "embed", "L0", "L1" (or "L0 attn", "L0 MLP"). */
    private static String shortStage(LogitLens l, int s) {
        String name = l.stage(s);
        return name.startsWith("after layer ") ? "L" + name.substring("after layer ".length())
                : name.startsWith("layer ") ? "L" + name.substring("layer ".length()) : name;
    }

    private static String shortReadout(LogitLens l, String[] names, int stage, int pos) {
        int top = l.top(stage, pos, 1)[0];
        String s = l.stage(stage) + ", position " + pos + ": " + names[top] + " " + Fmt.fixed(l.probability(stage, pos, top), 2);
        int c = l.correct(pos);
        return c < 0 ? s : s + "; correct " + names[c] + " rank " + l.rank(stage, pos, c);
    }

    /** What the cursor's cell says, in words: the top tokens and the correct token's rank and probability. */
    public static String readout(LogitLens l, String[] names, int stage, int pos) {
        String where = l.stage(stage);
        StringBuilder s = new StringBuilder("Read through the unembedding " + (stage == 0 ? "right after the embedding"
                : where.startsWith("layer ") ? "after " + where : where) + ", at position " + pos + " (\""
                + names[l.tokens()[pos]] + "\"), the likeliest next tokens are ");
        int[] top = l.top(stage, pos, TOP_K);
        for (int i = 0; i < top.length; i++) {
            s.append(i == 0 ? "" : i == top.length - 1 ? " and " : ", ").append(names[top[i]]).append(" (")
                    .append(Fmt.fixed(l.probability(stage, pos, top[i]), 2)).append(")");
        }
        int c = l.correct(pos);
        if (c < 0) {
            return s.append("; the correct next token is unknown here.").toString();
        }
        return s.append("; the correct next token, ").append(names[c]).append(", is rank ").append(l.rank(stage, pos, c))
                .append(" of ").append(l.logits(stage).dim(1)).append(" with probability ")
                .append(Fmt.fixed(l.probability(stage, pos, c), 2)).append(".").toString();
    }

    /** A text alternative: what the grid shows, and per stage how often its top token is the correct one. */
    public static String describe(LogitLens l, String[] names) {
        StringBuilder s = new StringBuilder("Logit lens on a " + l.positions() + "-token prompt: for each of "
                + l.stages() + " stages (");
        for (int st = 0; st < l.stages(); st++) {
            s.append(st == 0 ? "" : ", ").append(l.stage(st));
        }
        s.append(") and each position, the likeliest next token when the residual stream there is read through the "
                + "unembedding, shaded by its probability.").append(l.throughLayerNorm()
                ? " Each stage is read through the model's final LayerNorm first, as the model reads its last, so the last "
                        + "stage is the model's own prediction."
                : " The model has no LayerNorm, so the last stage is the model's own prediction.");
        int known = 0;
        for (int i = 0; i < l.positions(); i++) {
            known += l.correct(i) >= 0 ? 1 : 0;
        }
        for (int st = 0; st < l.stages() && known > 0; st++) {
            int right = 0;
            double rank = 0;
            for (int i = 0; i < l.positions(); i++) {
                if (l.correct(i) >= 0) {
                    right += l.rank(st, i, l.correct(i)) == 1 ? 1 : 0;
                    rank += l.rank(st, i, l.correct(i));
                }
            }
            s.append(st == 0 ? " Positions whose top token is the correct next token: " : "; ").append(l.stage(st))
                    .append(" ").append(right).append(" of ").append(known).append(" (mean rank of the correct token ")
                    .append(Fmt.fixed(rank / known, 1)).append(")");
        }
        return s.append(".").toString();
    }
}
