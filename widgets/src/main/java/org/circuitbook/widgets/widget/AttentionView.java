package org.circuitbook.widgets.widget;

import org.circuitbook.widgets.data.SyntheticLanguage;
import org.circuitbook.widgets.model.ActivationCache;
import org.circuitbook.widgets.model.HeadScores;
import org.circuitbook.widgets.model.Hook;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.tensor.Tensor;

/**
 * The attention-patterns widget's computation and drawing: one run of an attention-only transformer on a
 * token sequence, every head's attention pattern as a small heatmap (query position down, key position
 * across), each head's previous-token and (for a sequence that repeats itself) induction score, and the
 * loss at every position, optionally with one head zero-ablated (its {@code hook_z} set to 0) to show
 * what the head contributes: the experiments of Olsson et al. (2022), "In-context Learning and Induction
 * Heads".
 */
public final class AttentionView {
    public static final int WIDTH = 640;
    public static final int HEIGHT = 520;
    private static final double PANEL = 132;
    private static final double PANEL_GAP = 26;
    private static final double TOP = 40;
    private static final double LEFT = 40;

    private AttentionView() {
    }

    /**
     * One run: the patterns [layer] of shape [n_heads, pos, pos], the clean per-token losses, the losses with
     * {@code ablated} (layer, head) zeroed (null when none), the previous-token scores, the induction scores
     * for {@code period} (null when the sequence does not repeat), the mean losses, and the clean run's
     * activations (an ablation resumes from them).
     */
    public record Run(int[] tokens, Tensor[] patterns, double[] losses, double[] ablatedLosses, int[] ablated,
                      double[][] previous, double[][] induction, int period, ActivationCache cache) {
        public double meanLoss(boolean withAblation) {
            double[] l = withAblation && ablatedLosses != null ? ablatedLosses : losses;
            double sum = 0;
            for (double v : l) {
                sum += v;
            }
            return l.length == 0 ? 0 : sum / l.length;
        }
    }

    /** Runs {@code model} on {@code tokens}, with head {@code ablated} = {layer, head} zeroed, or null. */
    public static Run run(HookedTransformer model, int[] tokens, int[] ablated) {
        ActivationCache cache = new ActivationCache();
        Tensor logits = model.forward(tokens, cache);
        int layers = model.cfg().n_layers();
        Tensor[] patterns = new Tensor[layers];
        for (int l = 0; l < layers; l++) {
            patterns[l] = cache.get("blocks." + l + ".attn.hook_pattern");
        }
        double[] losses = HeadScores.tokenLosses(logits, tokens);
        int period = period(tokens);
        double[][] previous = tokens.length > 1 ? HeadScores.previousToken(model, cache) : new double[layers][model.cfg().n_heads()];
        double[][] induction = period > 0 ? HeadScores.induction(model, cache, period) : null;
        return withAblation(new Run(tokens, patterns, losses, null, null, previous, induction, period, cache), model,
                ablated);
    }

    /**
     * {@code clean} (a run of {@code model} on its tokens) with head {@code ablated} = {layer, head} zeroed
     * instead, or none when null: only the ablated run is computed, and only from the ablated head's layer on
     * (resumed from the clean run's activations, {@link HookedTransformer#resumeAtZ}: the same numbers as a whole
     * forward pass with that head's {@code hook_z} zeroed); the clean patterns and scores are kept.
     */
    public static Run withAblation(Run clean, HookedTransformer model, int[] ablated) {
        double[] ablatedLosses = null;
        if (ablated != null) {
            int layer = ablated[0];
            Tensor z = clean.cache().get("blocks." + layer + ".attn.hook_z");
            ablatedLosses = HeadScores.tokenLosses(model.resumeAtZ(clean.cache(), layer, zeroHead(z, ablated[1]),
                    Hook.IDENTITY), clean.tokens());
        }
        return new Run(clean.tokens(), clean.patterns(), clean.losses(), ablatedLosses, ablated, clean.previous(),
                clean.induction(), clean.period(), clean.cache());
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

    /** The top-left corner of head (layer, head)'s panel. */
    private static double[] panel(int layer, int head) {
        return new double[] {LEFT + head * (PANEL + 14), TOP + layer * (PANEL + PANEL_GAP + 16)};
    }

    /** The head whose panel holds the point (x, y), as {layer, head}, or null. */
    public static int[] headAt(Run run, double x, double y) {
        for (int l = 0; l < run.patterns().length; l++) {
            for (int h = 0; h < run.patterns()[l].dim(0); h++) {
                double[] c = panel(l, h);
                if (x >= c[0] && x < c[0] + PANEL && y >= c[1] && y < c[1] + PANEL) {
                    return new int[] {l, h};
                }
            }
        }
        return null;
    }

    /** Paints every head's pattern, its scores, and the per-position losses (clean, and ablated when set). */
    public static void paint(Painter p, Run run, String[] names) {
        p.fillRect(0, 0, WIDTH, HEIGHT, Theme.paper());
        p.text("Attention patterns of every head (row: query position, column: key position)",
                WIDTH / 2.0, 14, Theme.ink(), 12, "center");
        int pos = run.tokens().length;
        for (int l = 0; l < run.patterns().length; l++) {
            Tensor pattern = run.patterns()[l];
            for (int h = 0; h < pattern.dim(0); h++) {
                double[] c = panel(l, h);
                double cell = PANEL / pos;
                boolean off = run.ablated() != null && run.ablated()[0] == l && run.ablated()[1] == h;
                p.fillRect(c[0], c[1], PANEL, PANEL, Colormaps.sequential(0));
                String[] colors = new String[pos * pos]; // one image per panel: null cells keep the background
                for (int q = 0; q < pos; q++) {
                    for (int k = 0; k <= q; k++) { // above the diagonal the pattern is 0 (causal mask)
                        double v = pattern.get(h, q, k);
                        if (v >= 0.01) { // lighter cells are indistinguishable from the background
                            colors[q * pos + k] = Colormaps.sequential(v);
                        }
                    }
                }
                p.cells(c[0], c[1], PANEL, PANEL, pos, colors);
                String label = "head " + l + "." + h + (off ? " (ablated)" : "");
                p.text(label, c[0] + PANEL / 2, c[1] - 8, off ? Theme.alert() : Theme.ink(), 11, "center");
                String scores = "prev " + Fmt.fixed(run.previous()[l][h], 2)
                        + (run.induction() == null ? "" : "  ind " + Fmt.fixed(run.induction()[l][h], 2));
                p.text(scores, c[0] + PANEL / 2, c[1] + PANEL + 9, Theme.muted(), 10, "center");
                if (off) {
                    p.line(c[0], c[1], c[0] + PANEL, c[1] + PANEL, Theme.alert(), 2);
                }
            }
        }
        // per-position loss bars
        double top = TOP + run.patterns().length * (PANEL + PANEL_GAP + 16) + 6;
        double height = HEIGHT - top - 34;
        double width = WIDTH - 2 * LEFT;
        double max = 1;
        for (double v : run.losses()) {
            max = Math.max(max, v);
        }
        if (run.ablatedLosses() != null) {
            for (double v : run.ablatedLosses()) {
                max = Math.max(max, v);
            }
        }
        p.text("Loss predicting each next token (nats): mean " + Fmt.fixed(run.meanLoss(false), 2)
                + (run.ablatedLosses() == null ? "" : ", with head " + run.ablated()[0] + "." + run.ablated()[1]
                + " ablated " + Fmt.fixed(run.meanLoss(true), 2))
                + (run.period() > 0 ? "   (repeats with period " + run.period() + ")" : ""),
                WIDTH / 2.0, top, Theme.ink(), 11, "center");
        double base = top + 12 + height;
        p.line(LEFT, base, LEFT + width, base, Theme.muted(), 1);
        int n = run.losses().length;
        double bar = width / Math.max(1, n);
        for (int t = 0; t < n; t++) {
            double x = LEFT + t * bar;
            double clean = run.losses()[t] / max * height;
            p.fillRect(x + 1, base - clean, Math.max(1, bar / 2 - 1), clean, Theme.blue());
            if (run.ablatedLosses() != null) {
                double ab = run.ablatedLosses()[t] / max * height;
                p.fillRect(x + bar / 2, base - ab, Math.max(1, bar / 2 - 1), ab, Theme.red());
            }
            if (n <= 40 && names != null) {
                p.text(names[run.tokens()[t + 1]], x + bar / 2, base + 9, Theme.muted(), 8, "center");
            }
        }
        p.text(Fmt.fixed(max, 1), LEFT - 4, base - height, Theme.muted(), 9, "right");
        p.text("0", LEFT - 4, base, Theme.muted(), 9, "right");
        p.text("blue: the model" + (run.ablatedLosses() == null ? "" : "; red: with the head ablated")
                + "; labels: the token predicted", WIDTH / 2.0, HEIGHT - 8, Theme.muted(), 10, "center");
    }

    /** A text alternative: the sequence's length, the mean loss, and the strongest heads of each kind. */
    public static String describe(Run run) {
        int[] bestPrev = best(run.previous());
        StringBuilder s = new StringBuilder("Attention patterns of " + run.patterns().length + " layers on "
                + run.tokens().length + " tokens; mean loss " + Fmt.fixed(run.meanLoss(false), 2) + " nats. Strongest "
                + "previous-token head: " + bestPrev[0] + "." + bestPrev[1] + " ("
                + Fmt.fixed(run.previous()[bestPrev[0]][bestPrev[1]], 2) + ").");
        if (run.induction() != null) {
            int[] bestInd = best(run.induction());
            s.append(" The sequence repeats with period ").append(run.period()).append("; strongest induction head: ")
                    .append(bestInd[0]).append('.').append(bestInd[1]).append(" (")
                    .append(Fmt.fixed(run.induction()[bestInd[0]][bestInd[1]], 2)).append(").");
        }
        if (run.ablatedLosses() != null) {
            s.append(" With head ").append(run.ablated()[0]).append('.').append(run.ablated()[1])
                    .append(" ablated the mean loss is ").append(Fmt.fixed(run.meanLoss(true), 2)).append('.');
        }
        return s.toString();
    }

    private static int[] best(double[][] scores) {
        int[] best = {0, 0};
        for (int l = 0; l < scores.length; l++) {
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
