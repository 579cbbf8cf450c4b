package org.circuitbook.widgets.widget;

import org.circuitbook.widgets.data.InductionProbes;
import org.circuitbook.widgets.data.SyntheticLanguage;
import org.circuitbook.widgets.model.ActivationCache;
import org.circuitbook.widgets.model.HeadScores;
import org.circuitbook.widgets.model.Hook;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.tensor.Tensor;

/**
 * The attention-patterns widget's computation and drawing: one run of an attention-only transformer on a
 * token sequence, every head's attention pattern as a small heatmap (query position down, key position
 * across), each head's previous-token and induction score, and the loss at every position, optionally with one
 * head zero-ablated (its {@code hook_z} set to 0) to show what the head contributes: the experiments of Olsson et
 * al. (2022), "In-context Learning and Induction Heads".
 *
 * <p>The scores are a head's, not the sequence's: they are measured on the book's probe sequences ({@link
 * InductionProbes}, the ones the trainer records its metrics on, so the widget shows the numbers the chapters
 * quote), whatever sequence is drawn. The losses are drawn for the sequence shown, and summed up for it (before its
 * repeat and in it) and for the probes.
 */
public final class AttentionView {
    public static final int WIDTH = 640;
    public static final int HEIGHT = 520;
    private static final double PANEL = 132;
    private static final double PANEL_GAP = 26;
    private static final double TOP = 40;
    private static final double LEFT = 40;
    // the narrow arrangement: two heads to a row, a layer's rows one under another, the losses below
    private static final double N_PANEL = 100;
    private static final double N_GAP = 32;
    private static final double N_TOP = 58;
    private static final double N_PITCH = N_PANEL + 58;
    private static final double N_LOSSES = 200;

    private AttentionView() {
    }

    /**
     * The model's scores on the probe sequences ({@link HeadScores#onProbes}): {@code clean}, and {@code ablated} with
     * the run's ablated head zeroed (null when none is); {@code sequences} probes of {@code length} tokens.
     */
    public record Probes(int sequences, int length, HeadScores.OnProbes clean, HeadScores.OnProbes ablated) {
    }

    /**
     * One run: the patterns [layer] of shape [n_heads, pos, pos], the clean per-token losses, the losses with
     * {@code ablated} (layer, head) zeroed (null when none), the sequence's period (0 when it does not repeat), the
     * clean run's activations (an ablation resumes from them), and the heads' scores on the probe sequences (null
     * when the model's file does not say which language it learnt, so there are no probes).
     */
    public record Run(int[] tokens, Tensor[] patterns, double[] losses, double[] ablatedLosses, int[] ablated,
                      int period, ActivationCache cache, int vocab, Probes probes) {
        /** The previous-token scores on the probes, [n_layers][n_heads], or null. */
        public double[][] previous() {
            return probes == null ? null : probes.clean().previous();
        }

        /** The induction scores on the probes, [n_layers][n_heads], or null. */
        public double[][] induction() {
            return probes == null ? null : probes.clean().induction();
        }

        public double meanLoss(boolean withAblation) {
            double[] l = withAblation && ablatedLosses != null ? ablatedLosses : losses;
            return mean(l, 0, l.length);
        }
    }

    /**
     * The probe sequences of a model that learnt the language of seed {@code languageSeed}: those of the trainer's
     * metrics ({@link InductionProbes}).
     */
    public static int[][] probes(HookedTransformer model, long languageSeed) {
        return InductionProbes.sequences(languageSeed, model.cfg().d_vocab(), model.cfg().n_ctx());
    }

    /** {@code model}'s scores on {@code probes}, with head {@code ablated} = {layer, head} zeroed, or none when null. */
    public static HeadScores.OnProbes scores(HookedTransformer model, int[][] probes, int[] ablated) {
        HeadScores.Sums sums = scoring(model, probes, ablated);
        while (!sums.done()) {
            sums.addNext();
        }
        return sums.result();
    }

    /** {@link #scores}, to be measured a probe at a time ({@link HeadScores.Sums#addNext}). */
    public static HeadScores.Sums scoring(HookedTransformer model, int[][] probes, int[] ablated) {
        return new HeadScores.Sums(model, probes, ablated == null ? null
                : Hook.at("blocks." + ablated[0] + ".attn.hook_z", z -> zeroHead(z, ablated[1])));
    }

    /** Runs {@code model} on {@code tokens}, with head {@code ablated} = {layer, head} zeroed, or null; no scores. */
    public static Run run(HookedTransformer model, int[] tokens, int[] ablated) {
        return run(model, tokens, ablated, (Probes) null);
    }

    /**
     * Runs {@code model} on {@code tokens}, with head {@code ablated} = {layer, head} zeroed, or null; the heads are
     * scored on {@code probes} (null: none).
     */
    public static Run run(HookedTransformer model, int[] tokens, int[] ablated, int[][] probes) {
        return run(model, tokens, ablated, probes == null ? null : new Probes(probes.length, probes[0].length,
                scores(model, probes, null), ablated == null ? null : scores(model, probes, ablated)));
    }

    /**
     * Runs {@code model} on {@code tokens}, with head {@code ablated} = {layer, head} zeroed, or null, with the scores
     * {@code probes} already measured (for this model and ablation; null: none).
     */
    public static Run run(HookedTransformer model, int[] tokens, int[] ablated, Probes probes) {
        ActivationCache cache = new ActivationCache();
        Tensor logits = model.forward(tokens, cache);
        int layers = model.cfg().n_layers();
        Tensor[] patterns = new Tensor[layers];
        for (int l = 0; l < layers; l++) {
            patterns[l] = cache.get("blocks." + l + ".attn.hook_pattern");
        }
        double[] losses = HeadScores.tokenLosses(logits, tokens);
        Run clean = new Run(tokens, patterns, losses, null, null, period(tokens), cache, model.cfg().d_vocab(), probes);
        return withAblation(clean, model, ablated, probes);
    }

    /**
     * {@code clean} (a run of {@code model} on its tokens) with head {@code ablated} = {layer, head} zeroed
     * instead, or none when null: only the ablated run is computed, and only from the ablated head's layer on
     * (resumed from the clean run's activations, {@link HookedTransformer#resumeAtZ}: the same numbers as a whole
     * forward pass with that head's {@code hook_z} zeroed); the clean patterns are kept, and the scores on the probes
     * are {@code probes} (measured for this model and ablation).
     */
    public static Run withAblation(Run clean, HookedTransformer model, int[] ablated, Probes probes) {
        double[] ablatedLosses = null;
        if (ablated != null) {
            int layer = ablated[0];
            Tensor z = clean.cache().get("blocks." + layer + ".attn.hook_z");
            ablatedLosses = HeadScores.tokenLosses(model.resumeAtZ(clean.cache(), layer, zeroHead(z, ablated[1]),
                    Hook.IDENTITY), clean.tokens());
        }
        return new Run(clean.tokens(), clean.patterns(), clean.losses(), ablatedLosses, ablated, clean.period(),
                clean.cache(), clean.vocab(), probes);
    }

    /** A copy of {@code z} [pos, n_heads, d_head] with head {@code head}'s slice zeroed at every position. */
    public static Tensor zeroHead(Tensor z, int head) {
        Tensor out = z.copy();
        int dHead = z.dim(2);
        for (int p = 0; p < z.dim(0); p++) {
            for (int e = 0; e < dHead; e++) {
                out.data()[(p * z.dim(1) + head) * dHead + e] = 0;
            }
        }
        return out;
    }

    /**
     * The period of a sequence that repeats itself: the smallest p >= 2 with tokens[t] == tokens[t - p] for
     * every t >= p and at least one full repeat (2p <= length); 0 when there is none.
     */
    public static int period(int[] tokens) {
        for (int p = 2; 2 * p <= tokens.length; p++) {
            boolean repeats = true;
            for (int t = p; t < tokens.length && repeats; t++) {
                repeats = tokens[t] == tokens[t - p];
            }
            if (repeats) {
                return p;
            }
        }
        return 0;
    }

    /** Heads to a row in the narrow arrangement. */
    private static int narrowColumns(Run run) {
        return Math.max(1, Math.min(2, heads(run)));
    }

    private static int heads(Run run) {
        return run.patterns().length == 0 ? 0 : run.patterns()[0].dim(0);
    }

    /** Rows of heads in the narrow arrangement. */
    private static int narrowRows(Run run) {
        int cols = narrowColumns(run);
        return run.patterns().length * ((heads(run) + cols - 1) / cols);
    }

    /**
     * The narrow arrangement's height for {@code run}'s model: it depends on the model's layers and heads only (not on
     * the sequence), so the static drawing and the live one agree.
     */
    public static int narrowHeight(Run run) {
        return (int) (N_TOP + narrowRows(run) * N_PITCH + N_LOSSES);
    }

    /** Whether {@code only} (a {layer, head} shown alone, or null) names one of {@code run}'s heads. */
    private static boolean alone(Run run, int[] only) {
        return only != null && only[0] >= 0 && only[0] < run.patterns().length && only[1] >= 0 && only[1] < heads(run);
    }

    /**
     * Head (layer, head)'s panel: its top-left corner and side, {x, y, side}; null when it is not drawn (another
     * head is shown alone, {@code only}).
     */
    private static double[] panel(Run run, boolean narrow, int[] only, int layer, int head) {
        if (alone(run, only)) {
            if (only[0] != layer || only[1] != head) {
                return null;
            }
            if (narrow) { // the heads' whole area, less the title, the key labels and the scores
                double area = narrowRows(run) * N_PITCH;
                double side = Math.min(Arrangement.NARROW_WIDTH - 44, area - 50);
                return new double[] {(Arrangement.NARROW_WIDTH - side) / 2 + 10, N_TOP, side};
            }
            double side = run.patterns().length * (PANEL + PANEL_GAP + 16) - 40;
            return new double[] {(WIDTH - side) / 2, TOP + 4, side};
        }
        if (narrow) {
            int cols = narrowColumns(run);
            double left = (Arrangement.NARROW_WIDTH - cols * N_PANEL - (cols - 1) * N_GAP) / 2;
            int row = layer * ((heads(run) + cols - 1) / cols) + head / cols;
            return new double[] {left + (head % cols) * (N_PANEL + N_GAP), N_TOP + row * N_PITCH, N_PANEL};
        }
        return new double[] {LEFT + head * (PANEL + 14), TOP + layer * (PANEL + PANEL_GAP + 16), PANEL};
    }

    /** The head whose panel holds the point (x, y) of the wide arrangement, as {layer, head}, or null. */
    public static int[] headAt(Run run, double x, double y) {
        return headAt(run, false, x, y);
    }

    /** The head whose panel holds the point (x, y) of the arrangement drawn ({@code narrow} or not), or null. */
    public static int[] headAt(Run run, boolean narrow, double x, double y) {
        int[] cell = cellAt(run, narrow, null, x, y);
        return cell == null ? null : new int[] {cell[0], cell[1]};
    }

    /**
     * The cell under the point (x, y) of the arrangement drawn ({@code narrow} or not, with head {@code only} alone
     * or every head when null), as {layer, head, query, key}, or null.
     */
    public static int[] cellAt(Run run, boolean narrow, int[] only, double x, double y) {
        int pos = run.tokens().length;
        for (int l = 0; l < run.patterns().length; l++) {
            for (int h = 0; h < run.patterns()[l].dim(0); h++) {
                double[] c = panel(run, narrow, only, l, h);
                if (c != null && x >= c[0] && x < c[0] + c[2] && y >= c[1] && y < c[1] + c[2]) {
                    int q = Math.min(pos - 1, (int) ((y - c[1]) / c[2] * pos));
                    int k = Math.min(pos - 1, (int) ((x - c[0]) / c[2] * pos));
                    return new int[] {l, h, q, k};
                }
            }
        }
        return null;
    }

    /** The weight head (layer, head) gives key {@code key} at query {@code query}: 0 above the diagonal. */
    public static double weight(Run run, int layer, int head, int query, int key) {
        return key > query ? 0 : run.patterns()[layer].get(head, query, key);
    }

    /**
     * Whether {@code cell} = {layer, head, query, key} is one of {@code run}'s cells (a shared link's cell may name
     * a head or a position this model or sequence does not have).
     */
    public static boolean valid(Run run, int[] cell) {
        return cell != null && cell.length == 4 && cell[0] >= 0 && cell[0] < run.patterns().length && cell[1] >= 0
                && cell[1] < heads(run) && cell[2] >= 0 && cell[2] < run.tokens().length && cell[3] >= 0
                && cell[3] < run.tokens().length;
    }

    /** What cell {layer, head, query, key} shows, for the readout under the drawing. */
    public static String readout(Run run, String[] names, int[] cell) {
        int q = cell[2];
        int k = cell[3];
        String text = "head " + cell[0] + "." + cell[1] + ", query " + q + " '" + names[run.tokens()[q]] + "' -> key "
                + k + " '" + names[run.tokens()[k]] + "': weight " + Fmt.fixed(weight(run, cell[0], cell[1], q, k), 3);
        if (k > q) {
            return text + " (a later token: masked)";
        }
        if (k == q) {
            return text + " (itself)";
        }
        if (k == q - 1) {
            return text + " (the previous token)";
        }
        if (run.period() > 0 && k == q - run.period() + 1) {
            return text + " (the token after its previous occurrence: induction)";
        }
        return text;
    }

    /** The loss chart's fixed top, in nats, the same at every checkpoint: twice a uniform guess's, ln(vocab), rounded up. */
    public static double lossScale(int vocab) {
        return Math.ceil(2 * Math.log(Math.max(2, vocab)));
    }

    /** The painting of the first state: every head, no cell pointed at. */
    public static void paint(Painter p, Run run, String[] names) {
        paint(p, run, names, null, null);
    }

    /**
     * Paints every head's pattern (or head {@code only} = {layer, head} alone, enlarged, when not null), its scores,
     * and the per-position losses (clean, and ablated when set), in the arrangement {@code p} asks for: wide, a
     * layer's heads in a row; narrow, two heads to a row. {@code cursor} = {layer, head, query, key}, or null, is
     * the cell pointed at, outlined.
     */
    public static void paint(Painter p, Run run, String[] names, int[] cursor, int[] only) {
        boolean narrow = p.narrow();
        int width = narrow ? Arrangement.NARROW_WIDTH : WIDTH;
        int height = narrow ? narrowHeight(run) : HEIGHT;
        Arrangement.begin(p, width, height);
        int small = narrow ? Arrangement.MIN_TEXT_PX : 10;
        int label = Arrangement.MIN_TEXT_PX; // token labels: never smaller
        String title = "Attention patterns of every head (row: query position, column: key position)";
        if (narrow) { // the title, and what a pattern's rows and columns are under it
            p.text("Attention patterns of every head", width / 2.0, 12, Theme.ink(), 12, "center");
            p.text("rows: query \u00b7 columns: key position", width / 2.0, 28, Theme.muted(), small, "center");
        } else {
            p.text(title, WIDTH / 2.0, 14, Theme.ink(), 12, "center");
        }
        int pos = run.tokens().length;
        double areaTop = Double.MAX_VALUE;
        double areaBottom = 0;
        for (int l = 0; l < run.patterns().length; l++) {
            for (int h = 0; h < heads(run); h++) {
                double[] c = panel(run, narrow, only, l, h);
                if (c != null) {
                    areaTop = Math.min(areaTop, c[1] - 16);
                    areaBottom = Math.max(areaBottom, c[1] + c[2] + 32);
                }
            }
        }
        if (areaBottom > 0) {
            p.panel("heads", 0, areaTop, width, areaBottom - areaTop);
        }
        int longest = 1;
        for (int t : run.tokens()) {
            longest = Math.max(longest, names == null ? 1 : names[t].length());
        }
        String faint = Theme.isDark() ? "rgba(160,166,176,0.45)" : "rgba(120,120,120,0.4)";
        String induction = Theme.isDark() ? "rgba(240,160,90,0.6)" : "rgba(205,95,20,0.5)";
        for (int l = 0; l < run.patterns().length; l++) {
            Tensor pattern = run.patterns()[l];
            for (int h = 0; h < pattern.dim(0); h++) {
                double[] c = panel(run, narrow, only, l, h);
                if (c == null) {
                    continue;
                }
                double side = c[2];
                double cell = side / pos;
                boolean off = run.ablated() != null && run.ablated()[0] == l && run.ablated()[1] == h;
                p.fillRect(c[0], c[1], side, side, Colormaps.sequential(0));
                String[] colors = new String[pos * pos]; // one image per panel: null cells keep the background
                for (int q = 0; q < pos; q++) {
                    for (int k = 0; k <= q; k++) { // above the diagonal the pattern is 0 (causal mask)
                        double v = pattern.get(h, q, k);
                        if (v >= 0.01) { // lighter cells are indistinguishable from the background
                            colors[q * pos + k] = Colormaps.sequential(v);
                        }
                    }
                }
                p.cells(c[0], c[1], side, side, pos, colors);
                // faint guides over the cells (1 px, translucent: the cells show through): the diagonal (a token
                // attending to itself) and, where the sequence repeats, the induction offset (key = query - period + 1:
                // the token after the query's previous occurrence)
                p.line(c[0] + cell / 2, c[1] + cell / 2, c[0] + side - cell / 2, c[1] + side - cell / 2, faint, 1);
                if (run.period() > 0 && pos > run.period()) {
                    int q0 = run.period();
                    int k0 = 1;
                    int q1 = pos - 1;
                    int k1 = pos - run.period();
                    p.line(c[0] + (k0 + 0.5) * cell, c[1] + (q0 + 0.5) * cell, c[0] + (k1 + 0.5) * cell,
                            c[1] + (q1 + 0.5) * cell, induction, 1);
                }
                p.line(c[0], c[1] + side, c[0] + side, c[1] + side, Theme.grid(), 1);
                p.line(c[0], c[1], c[0], c[1] + side, Theme.grid(), 1);
                if (names != null) { // token labels: keys under the panel, queries left of it where they fit
                    int keysEvery = Arrangement.every(cell, Arrangement.textWidth("m".repeat(longest), label) + 5);
                    int queriesEvery = Arrangement.every(cell, label + 1);
                    for (int k = 0; k < pos; k += keysEvery) {
                        double x = c[0] + (k + 0.5) * cell;
                        p.line(x, c[1] + side, x, c[1] + side + 3, Theme.muted(), 1);
                        p.text(names[run.tokens()[k]], x, c[1] + side + 10, Theme.muted(), label, "center");
                    }
                    boolean room = narrow || alone(run, only) || h == 0; // wide: between panels there is none
                    for (int q = 0; q < pos; q += queriesEvery) {
                        double y = c[1] + (q + 0.5) * cell;
                        p.line(c[0] - 3, y, c[0], y, Theme.muted(), 1);
                        if (room) {
                            p.text(names[run.tokens()[q]], c[0] - 5, y, Theme.muted(), label, "right");
                        }
                    }
                }
                String head = "head " + l + "." + h + (off ? " (ablated)" : "");
                p.text(head, c[0] + side / 2, c[1] - 8, off ? Theme.alert() : Theme.ink(), 11, "center");
                if (run.probes() != null) { // the head's scores, on the probes
                    String scores = "prev " + Fmt.fixed(run.previous()[l][h], 2) + "  ind " + Fmt.fixed(run.induction()[l][h], 2);
                    p.text(scores, c[0] + side / 2, c[1] + side + 24, Theme.muted(), small, "center");
                }
                if (off) {
                    p.line(c[0], c[1], c[0] + side, c[1] + side, Theme.alert(), 2);
                }
                if (cursor != null && cursor[0] == l && cursor[1] == h && valid(run, cursor)) {
                    double x = c[0] + cursor[3] * cell;
                    double y = c[1] + cursor[2] * cell;
                    double w = Math.max(cell, 3);
                    String ink = Theme.alert();
                    p.line(x, y, x + w, y, ink, 1.5);
                    p.line(x + w, y, x + w, y + w, ink, 1.5);
                    p.line(x + w, y + w, x, y + w, ink, 1.5);
                    p.line(x, y + w, x, y, ink, 1.5);
                }
            }
        }
        // per-position loss bars, on a fixed scale (the same at every checkpoint)
        double top = narrow ? N_TOP + narrowRows(run) * N_PITCH - 10 : TOP + run.patterns().length * (PANEL + PANEL_GAP + 16) + 6;
        double left = narrow ? 30 : LEFT;
        double plotTop = narrow ? top + 3 * 14 : top + 14; // narrow: room for the title's lines; wide: the legend's
        double barsHeight = narrow ? height - plotTop - 12 - 62 : HEIGHT - plotTop - 12 - 20;
        double barsWidth = width - left - (narrow ? 10 : LEFT);
        p.panel("losses", 0, top - 8, width, height - (top - 8));
        double max = lossScale(run.vocab());
        String lossTitle = "Loss predicting each next token (nats): mean " + Fmt.fixed(run.meanLoss(false), 2)
                + (run.ablatedLosses() == null ? "" : ", with head " + run.ablated()[0] + "." + run.ablated()[1]
                + " ablated " + Fmt.fixed(run.meanLoss(true), 2))
                + (run.period() > 0 ? "   (repeats with period " + run.period() + ")" : "");
        if (narrow) {
            Arrangement.text(p, lossTitle, width / 2.0, top, width - 8, 14, Theme.ink(), 11, "center");
        } else {
            p.text(lossTitle, WIDTH / 2.0, top, Theme.ink(), 11, "center");
        }
        double base = plotTop + 12 + barsHeight;
        p.line(left, base, left + barsWidth, base, Theme.muted(), 1);
        double uniform = Math.log(Math.max(2, run.vocab()));
        double uy = base - uniform / max * barsHeight;
        for (double x = left; x < left + barsWidth; x += 8) { // dashed: a uniform guess's loss
            p.line(x, uy, Math.min(x + 4, left + barsWidth), uy, Theme.muted(), 1);
        }
        int n = run.losses().length;
        double bar = barsWidth / Math.max(1, n);
        int every = 1;
        if (names != null) { // token labels of 11 px need room: every k-th
            int predicted = 1;
            for (int t = 0; t < n; t++) {
                predicted = Math.max(predicted, names[run.tokens()[t + 1]].length());
            }
            every = Arrangement.every(bar, Arrangement.textWidth("m".repeat(predicted), label) + 4);
        }
        for (int t = 0; t < n; t++) {
            double x = left + t * bar;
            lossBar(p, x + 1, base, Math.max(1, bar / 2 - 1), run.losses()[t], max, barsHeight, Theme.blue());
            if (run.ablatedLosses() != null) {
                lossBar(p, x + bar / 2, base, Math.max(1, bar / 2 - 1), run.ablatedLosses()[t], max, barsHeight, Theme.red());
            }
            if (names != null && t % every == 0) {
                p.text(names[run.tokens()[t + 1]], x + bar / 2, base + 9, Theme.muted(), label, "center");
            }
        }
        p.text(Fmt.fixed(max, 0), left - 4, base - barsHeight, Theme.muted(), label, "right");
        p.text("0", left - 4, base, Theme.muted(), label, "right");
        String legend = "blue: model" + (run.ablatedLosses() == null ? "" : "; red: head ablated")
                + "; dashes: uniform guess (ln " + run.vocab() + "); labels: token predicted"
                + (every > 1 ? ", 1 in " + every : "");
        if (narrow) {
            Arrangement.text(p, legend, width / 2.0, base + 30, width - 8, 14, Theme.muted(), small, "center");
        } else {
            p.text(legend, WIDTH / 2.0, top + 14, Theme.muted(), label, "center");
        }
    }

    /** One loss bar from {@code base} up, cut at the scale's top {@code max} (marked by a notch of the ink). */
    private static void lossBar(Painter p, double x, double base, double w, double loss, double max, double height,
                                String color) {
        if (Double.isNaN(loss)) {
            return; // a token the model cannot predict: no bar
        }
        double h = Math.min(loss, max) / max * height;
        p.fillRect(x, base - h, w, h, color);
        if (loss > max) {
            p.fillRect(x, base - h, w, 2, Theme.ink());
        }
    }

    /**
     * A text alternative: the sequence's length and mean loss, {@link #sequenceSummary}, what the probes are, {@link
     * #probeSummary}, every head's two scores (drawn under its pattern), and the loss chart's fixed scale.
     */
    public static String describe(Run run) {
        StringBuilder s = new StringBuilder("Attention patterns of " + run.patterns().length + " layers on "
                + run.tokens().length + " tokens; mean loss " + Fmt.fixed(run.meanLoss(false), 2) + " nats.");
        if (run.ablatedLosses() != null) {
            s.append(" With head ").append(run.ablated()[0]).append('.').append(run.ablated()[1])
                    .append(" ablated the mean loss is ").append(Fmt.fixed(run.meanLoss(true), 2)).append('.');
        }
        s.append(' ').append(sequenceSummary(run));
        Probes p = run.probes();
        if (p != null && run.patterns().length > 0) {
            String half = Integer.toString(p.length() / 2);
            s.append(" The book's probe sequences are ").append(p.sequences()).append(" of ").append(half)
                    .append(" random tokens, then the same ").append(half).append(" again (the chapters' numbers). ")
                    .append(probeSummary(run)).append(" Previous-token scores of heads 0.0 to ")
                    .append(run.patterns().length - 1).append('.').append(heads(run) - 1).append(": ")
                    .append(list(p.clean().previous())).append("; induction scores: ").append(list(p.clean().induction()))
                    .append('.');
        }
        s.append(" Losses are drawn from 0 to ").append(Fmt.fixed(lossScale(run.vocab()), 0))
                .append(" nats at every checkpoint (a uniform guess: ").append(Fmt.fixed(Math.log(Math.max(2, run.vocab())), 2))
                .append(").");
        return s.toString();
    }

    private static String list(double[][] scores) {
        StringBuilder s = new StringBuilder();
        for (double[] layer : scores) {
            for (double v : layer) {
                s.append(s.length() == 0 ? "" : ", ").append(Fmt.fixed(v, 2));
            }
        }
        return s.toString();
    }

    /**
     * The mean of {@code losses} (entry t: predicting token t + 1) before and in the repeat of a sequence repeating
     * with {@code period}, {before, repeat}, as the trainer splits its probes ({@link HeadScores#onProbes}): before,
     * the predictions of tokens 1 to period - 1; in the repeat, those of tokens period + 1 on (the repeat's first
     * token, unpredictable, counts in neither).
     */
    public static double[] beforeAndInRepeat(double[] losses, int period) {
        return new double[] {mean(losses, 0, period - 1), mean(losses, period, losses.length)};
    }

    /**
     * The mean of {@code values[from..to)}, leaving out NaN (a token the model cannot predict,
     * {@link HeadScores#tokenLosses}); 0 where nothing is left.
     */
    static double mean(double[] values, int from, int to) {
        double sum = 0;
        int n = 0;
        for (int t = from; t < to; t++) {
            if (!Double.isNaN(values[t])) {
                sum += values[t];
                n++;
            }
        }
        return n == 0 ? 0 : sum / n;
    }

    /**
     * The sequence shown, summed up: where it repeats, its loss per token before the repeat and in it
     * ({@link #beforeAndInRepeat}), else its mean loss; and the same with the ablated head zeroed.
     */
    public static String sequenceSummary(Run run) {
        String ablated = run.ablatedLosses() == null ? null : "; head " + run.ablated()[0] + "." + run.ablated()[1]
                + " ablated: ";
        if (run.period() > 0) {
            double[] clean = beforeAndInRepeat(run.losses(), run.period());
            String s = "This sequence repeats every " + run.period() + " tokens: loss " + Fmt.fixed(clean[0], 2)
                    + " nats per token before the repeat, " + Fmt.fixed(clean[1], 2) + " in it";
            if (ablated != null) {
                double[] off = beforeAndInRepeat(run.ablatedLosses(), run.period());
                s += ablated + Fmt.fixed(off[0], 2) + " and " + Fmt.fixed(off[1], 2);
            }
            return s + ".";
        }
        return "This sequence does not repeat: loss " + Fmt.fixed(run.meanLoss(false), 2) + " nats per token"
                + (ablated == null ? "" : ablated + Fmt.fixed(run.meanLoss(true), 2)) + ".";
    }

    /**
     * The heads' scores on the probes, summed up: the best previous-token head of layer 0, the best induction head
     * of the layers after it (of layer 0 in a one-layer model), and the probes' loss on the first half and on the
     * repeat, with the ablated head zeroed too; "" when there are no probes.
     */
    public static String probeSummary(Run run) {
        Probes p = run.probes();
        if (p == null || run.patterns().length == 0) {
            return "";
        }
        int layers = run.patterns().length;
        int[] prev = best(p.clean().previous(), 0, 1);
        int from = layers > 1 ? 1 : 0;
        int[] ind = best(p.clean().induction(), from, layers);
        String s = "Scores under the heads: on the book's " + p.sequences() + " probe sequences. Best previous-token "
                + "score in layer 0: " + Fmt.fixed(p.clean().previous()[prev[0]][prev[1]], 2) + " (head " + prev[0] + "."
                + prev[1] + "); best induction score in " + (from == layers - 1 ? "layer " + from : "layers " + from + " to "
                + (layers - 1)) + ": " + Fmt.fixed(p.clean().induction()[ind[0]][ind[1]], 2) + " (head " + ind[0] + "."
                + ind[1] + "). Probe loss " + Fmt.fixed(p.clean().firstHalfLoss(), 2) + " on the first half, "
                + Fmt.fixed(p.clean().repeatLoss(), 2) + " on the repeat";
        if (p.ablated() != null && run.ablated() != null) {
            s += "; head " + run.ablated()[0] + "." + run.ablated()[1] + " ablated: " + Fmt.fixed(p.ablated().repeatLoss(), 2);
        }
        return s + ".";
    }

    /** The {layer, head} of the largest score in layers {@code from} to {@code to} - 1. */
    private static int[] best(double[][] scores, int from, int to) {
        int[] best = {from, 0};
        for (int l = from; l < to; l++) {
            for (int h = 0; h < scores[l].length; h++) {
                if (scores[l][h] > scores[best[0]][best[1]]) {
                    best = new int[] {l, h};
                }
            }
        }
        return best;
    }

    /** Token ids from names separated by spaces; throws naming the first unknown word. */
    public static int[] parse(String text, int vocab) {
        String[] words = Fmt.split(text, ' ').toArray(new String[0]);
        String[] names = SyntheticLanguage.tokenNames(vocab); // once, not once per word: each is a new string
        int[] out = new int[words.length];
        for (int i = 0; i < words.length; i++) {
            out[i] = -1;
            for (int t = 0; t < vocab; t++) {
                if (names[t].equals(words[i])) {
                    out[i] = t;
                }
            }
            if (out[i] < 0) {
                throw new IllegalArgumentException("\"" + words[i] + "\" is not a token (tokens: "
                        + SyntheticLanguage.tokenName(0) + " to " + SyntheticLanguage.tokenName(vocab - 1) + ")");
            }
        }
        return out;
    }

    /** Token names separated by spaces. */
    public static String format(int[] tokens) {
        StringBuilder s = new StringBuilder();
        for (int t : tokens) {
            s.append(s.length() == 0 ? "" : " ").append(SyntheticLanguage.tokenName(t));
        }
        return s.toString();
    }
}
