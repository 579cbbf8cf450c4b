package org.circuitbook.widgets.widget;

/**
 * The steering widget's read-out: the model's predicted next-move probabilities per square before and after adding
 * {@code alpha * d} to the residual stream (at one stage, at the last position), and the side effect of doing so.
 * The side effects are measured two ways: {@link #offTarget} (the total absolute change in probability on every
 * square except the targeted one; 0 to 2) and {@link #kl} (KL(before || after) in nats, over all squares). The
 * drawing is a bar pair per square (before grey, after brown; the targeted square's name in ink) above a bar for
 * the off-target change, on a scale of 0 to 2. It knows nothing of the model: the widget hands it the two
 * probability vectors.
 */
public final class SteeringView {
    public static final int WIDTH = Arrangement.NARROW_WIDTH;
    public static final int HEIGHT = 200;
    static final double LEFT = 8;
    static final double PLOT_TOP = 26;
    static final double PLOT_H = 100;

    private SteeringView() {
    }

    /** Softmax of {@code logits} (as doubles). */
    public static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** The total absolute change in probability on every square but {@code target} (all squares when -1). */
    public static double offTarget(double[] before, double[] after, int target) {
        double total = 0;
        for (int i = 0; i < before.length; i++) {
            if (i != target) {
                total += Math.abs(after[i] - before[i]);
            }
        }
        return total;
    }

    /** KL(before || after) in nats; squares with zero probability before contribute nothing. */
    public static double kl(double[] before, double[] after) {
        double kl = 0;
        for (int i = 0; i < before.length; i++) {
            if (before[i] > 0) {
                kl += before[i] * Math.log(before[i] / Math.max(after[i], 1e-30));
            }
        }
        return kl;
    }

    /** The read-out's text for readers who cannot see it. */
    public static String describe(double[] before, double[] after, int target, int n, double alpha) {
        return "Steering with alpha " + Fmt.fixed(alpha, 2) + (target < 0 ? "" : " on " + BoardView.name(target, n))
                + ": probability of " + (target < 0 ? "the moves" : BoardView.name(target, n)) + " "
                + (target < 0 ? "" : Fmt.fixed(before[target], 3) + " before, " + Fmt.fixed(after[target], 3) + " after; ")
                + "off-target change " + Fmt.fixed(offTarget(before, after, target), 3) + ", KL "
                + Fmt.fixed(kl(before, after), 3) + " nats.";
    }

    /** Draws the before/after bars per square of an n x n board and the side-effect bar. */
    public static void draw(Painter p, double[] before, double[] after, int target, int n) {
        draw(p, before, after, target, n, "next-move probability: before vs after");
    }

    /** {@link #draw(Painter, double[], double[], int, int)} under another title. */
    public static void draw(Painter p, double[] before, double[] after, int target, int n, String title) {
        Arrangement.begin(p, WIDTH, HEIGHT);
        int squares = before.length;
        double slot = (WIDTH - 2 * LEFT) / squares;
        double bar = Math.max(1, slot * 0.36);
        p.panel("moves", 0, 0, WIDTH, PLOT_TOP + PLOT_H + 20);
        p.text(title, LEFT, 10, Theme.ink(), 11, "left");
        double base = PLOT_TOP + PLOT_H;
        p.line(LEFT, base, WIDTH - LEFT, base, Theme.grid(), 1);
        for (int s = 0; s < squares; s++) {
            double x = LEFT + s * slot + slot / 2;
            double hb = PLOT_H * Math.max(0, Math.min(1, before[s]));
            double ha = PLOT_H * Math.max(0, Math.min(1, after[s]));
            p.fillRect(x - bar, base - hb, bar, hb, Theme.muted());
            p.fillRect(x, base - ha, bar, ha, Theme.brown());
            if (s % 2 == 0 || squares <= 8) {
                p.text(BoardView.name(s, n), x, base + 9, s == target ? Theme.ink() : Theme.muted(), 11, "center");
            }
            if (s == target) {
                p.line(x - slot / 2 + 1, PLOT_TOP, x + slot / 2 - 1, PLOT_TOP, Theme.ink(), 2);
            }
        }
        double off = offTarget(before, after, target);
        double y = base + 34;
        p.panel("side-effect", 0, y - 10, WIDTH, HEIGHT - y + 10);
        p.text("off-target change " + Fmt.fixed(off, 3) + "  \u00b7  KL " + Fmt.fixed(kl(before, after), 3),
                LEFT, y, Theme.ink(), 11, "left");
        double w = WIDTH - 2 * LEFT;
        p.fillRect(LEFT, y + 14, w, 12, Theme.pending());
        p.fillRect(LEFT, y + 14, w * Math.min(1, off / 2), 12, Theme.alert());
        p.text("0", LEFT, y + 36, Theme.muted(), 11, "left");
        p.text("2 (all mass moved)", WIDTH - LEFT, y + 36, Theme.muted(), 11, "right");
    }
}
