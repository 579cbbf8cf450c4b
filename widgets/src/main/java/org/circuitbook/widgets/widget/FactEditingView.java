package org.circuitbook.widgets.widget;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.circuitbook.widgets.model.FactLookup;
import org.circuitbook.widgets.model.FactTable;
import org.circuitbook.widgets.weights.Json;
import org.circuitbook.widgets.weights.SafeTensors;

/**
 * The fact-editing widget's drawing (Meng et al. 2022, "Locating and Editing Factual Associations in GPT") on the
 * fact-lookup toy ({@link FactLookup}, {@link FactTable}): for one fact (a subject's two tokens and a relation),
 * <ul>
 *   <li>causal tracing: a heatmap by layer (rows) and position (columns, labelled with the prompt's tokens) of the
 *       probability of the model's answer when the subject's embeddings are corrupted with noise and one MLP output
 *       is restored from the clean run ({@link FactLookup#trace}, the noise and seeds of {@link FactTable}), its
 *       colour scale, and the clean and corrupted probabilities; the edit layer's cell at the subject's last token
 *       is framed;
 *   <li>ROME's edit of that layer's W_out towards a new attribute ({@link FactLookup#edit}): the edited fact, the
 *       same subject's other relations and a fixed sample of other subjects' facts, each with its top attribute and
 *       probability before and (once the edit is applied) after, and how many of all the other facts kept their
 *       answer.
 * </ul>
 * Names: entity {@code e} is "e12", its tokens "a1" and "b4" (first and last name, {@link FactTable}), relation
 * {@code r} is "r2", attribute {@code v} is "v9".
 */
public final class FactEditingView {
    public static final int WIDTH = 640;
    public static final int HEIGHT = 400;
    /** The narrow arrangement's height ({@link Arrangement}): the tracing above the edit. */
    public static final int NARROW_HEIGHT = 720;
    /** Other relations of the edited subject listed (at most), and other subjects' facts sampled. */
    static final int SAME_SHOWN = 3;
    static final int UNRELATED_SHOWN = 4;

    private FactEditingView() {
    }

    /**
     * The trained model, its facts regenerated from the spec, the edit layer the build chose, and every fact's answer
     * and its probability (computed once, when the weights load: choosing a fact then runs no forward pass for them).
     */
    public record Facts(FactLookup model, FactTable table, int romeLayer, int[] predicted, double[] probability) {
        public int nLayers() {
            return model.nLayers;
        }

        /** The model's answer for {@code fact} (its top attribute). */
        public int answer(int fact) {
            return predicted[fact];
        }

        /** The unedited model's top attribute for {@code fact} and its probability, as answer(model, prompt) gives them. */
        Answer unedited(int fact) {
            return new Answer(predicted[fact], probability[fact]);
        }
    }

    /** The facts of a fact-lookup spec's {@code final.safetensors}. */
    public static Facts facts(SafeTensors file) {
        Map<?, ?> spec = (Map<?, ?>) Json.parse(file.metadata().get("spec"));
        int nLayers = number(spec, "n_layers");
        FactTable table = new FactTable(number(spec, "entities"), number(spec, "relations"), number(spec, "attributes"),
                number(spec, "d_model"), number(spec, "seed"));
        FactLookup model = new FactLookup(file.tensors(), nLayers);
        int romeLayer = 0;
        String metrics = file.metadata().get("metrics");
        if (metrics != null && ((Map<?, ?>) Json.parse(metrics)).get("rome.layer") instanceof Number n) {
            romeLayer = Math.max(0, Math.min(nLayers - 1, n.intValue()));
        }
        int[] predicted = new int[table.size()];
        double[] probability = new double[table.size()];
        for (int f = 0; f < predicted.length; f++) {
            FactLookup.Run run = model.forward(table.prompt(f));
            predicted[f] = FactLookup.argmax(run.logits);
            probability[f] = run.probs()[predicted[f]];
        }
        return new Facts(model, table, romeLayer, predicted, probability);
    }

    private static int number(Map<?, ?> spec, String key) {
        if (!(spec.get(key) instanceof Number n)) {
            throw new IllegalArgumentException("the fact-lookup spec has no number \"" + key + "\"");
        }
        return n.intValue();
    }

    /** The first subject shown without a chapter's {@code :entity:}. */
    public static int defaultEntity(FactTable table) {
        return 12 % table.entities();
    }

    /** The first relation shown without a chapter's {@code :relation:}. */
    public static int defaultRelation(FactTable table) {
        return 2 % table.relations();
    }

    /** The new attribute first offered for {@code fact}: the one after the model's answer. */
    public static int defaultTarget(Facts facts, int fact) {
        return (facts.answer(fact) + 1) % facts.table().attributes();
    }

    public static String entityName(int e) {
        return "e" + e;
    }

    public static String relationName(int r) {
        return "r" + r;
    }

    public static String attributeName(int a) {
        return "v" + a;
    }

    /** The names of the prompt's tokens: "a1", "b4", "r2". */
    public static String[] tokenNames(FactTable table, int fact) {
        int[] p = table.prompt(fact);
        int side = (table.dVocab() - table.relations()) / 2;
        return new String[] {"a" + p[0], "b" + (p[1] - side), relationName(p[2] - 2 * side)};
    }

    /** "e12 r2": a fact by its subject and relation. */
    public static String factName(FactTable table, int fact) {
        return entityName(fact / table.relations()) + " " + relationName(fact % table.relations());
    }

    /** One fact's top attribute and its probability. */
    public record Answer(int attribute, double probability) {
        String text() {
            return attributeName(attribute) + " " + Fmt.fixed(probability, 2);
        }
    }

    static Answer answer(FactLookup model, int[] prompt) {
        double[] p = model.forward(prompt).probs();
        int top = FactLookup.argmax(p);
        return new Answer(top, p[top]);
    }

    /** The widget's state: the fact traced and edited, the edit, and its outcome once applied. */
    public static final class State {
        public final Facts facts;
        public final int entity, relation, target, layer, fact;
        /** The causal tracing of the fact, complete or under way (shared by the states of one fact). */
        private final FactLookup.Tracing tracing;
        /** The facts listed: the edited one, the same subject's other relations, then the sample of other subjects. */
        public final int[] rows;
        public final int same;
        public final Answer[] before;
        /** After the edit (null until it is applied). */
        private Answer[] after;
        private int sameKept, sameTotal, otherKept, otherTotal;

        State(Facts facts, int entity, int relation, int target, int layer, FactLookup.Tracing tracing) {
            this.facts = facts;
            this.entity = entity;
            this.relation = relation;
            this.target = target;
            this.layer = layer;
            FactTable t = facts.table();
            this.fact = t.fact(entity, relation);
            this.tracing = tracing != null ? tracing : facts.model().new Tracing(t.prompt(fact),
                    FactTable.SUBJECT_LENGTH, FactTable.NOISE_SCALE, FactTable.TRACE_SEEDS);
            List<Integer> list = new ArrayList<>();
            list.add(fact);
            for (int r = 0; r < t.relations() && list.size() <= SAME_SHOWN; r++) {
                if (r != relation) {
                    list.add(t.fact(entity, r));
                }
            }
            same = list.size() - 1;
            Set<Integer> others = new LinkedHashSet<>();
            for (int k = 0; k < 4 * UNRELATED_SHOWN && others.size() < UNRELATED_SHOWN; k++) {
                int e = (entity + 1 + 13 * k) % t.entities();
                if (e != entity) {
                    others.add(t.fact(e, k % t.relations()));
                }
            }
            list.addAll(others);
            rows = new int[list.size()];
            before = new Answer[rows.length];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = list.get(i);
                before[i] = facts.unedited(rows[i]);
            }
        }

        /** The edit's outcome on {@code edited} (the model with the edited W_out). */
        public void applied(FactLookup edited) {
            startApplying(edited);
            applyNext(Integer.MAX_VALUE);
        }

        private FactLookup applying;
        private Answer[] pending;
        private int next;

        /** Starts measuring the edit's outcome on {@code edited}: the listed facts now, every other fact by {@link #applyNext}. */
        public void startApplying(FactLookup edited) {
            FactTable t = facts.table();
            after = null;
            applying = edited;
            pending = new Answer[rows.length];
            for (int i = 0; i < rows.length; i++) {
                pending[i] = answer(edited, t.prompt(rows[i]));
            }
            sameKept = sameTotal = otherKept = otherTotal = 0;
            next = 0;
        }

        /** Checks the next {@code count} facts' answers; true once all are checked (the edit then shows as applied). */
        public boolean applyNext(int count) {
            if (applying == null) {
                return true;
            }
            FactTable t = facts.table();
            for (int n = 0; n < count && next < t.size(); n++, next++) {
                int g = next;
                if (g == fact) {
                    continue;
                }
                boolean kept = applying.predict(t.prompt(g)) == facts.answer(g);
                if (g / t.relations() == entity) {
                    sameTotal++;
                    sameKept += kept ? 1 : 0;
                } else {
                    otherTotal++;
                    otherKept += kept ? 1 : 0;
                }
            }
            if (next < t.size()) {
                return false;
            }
            after = pending;
            applying = null;
            return true;
        }

        /** The causal tracing, or null while it is computed ({@link #traceNext}). */
        public FactLookup.Trace trace() {
            return tracing.done() ? tracing.trace() : null;
        }

        /** Traces the next noise seed; true once the tracing is complete. */
        public boolean traceNext() {
            tracing.step();
            return tracing.done();
        }

        /** The same fact and its tracing (complete or under way) with another edit, not applied. */
        public State withEdit(int newTarget, int newLayer) {
            return new State(facts, entity, relation, newTarget, newLayer, tracing);
        }

        /** Back to the unedited model. */
        public void reset() {
            after = null;
            applying = null;
        }

        public boolean edited() {
            return after != null;
        }

        /** The answers after the edit, row by row (null before it). */
        public Answer[] after() {
            return after;
        }

        /** Whether the new attribute now wins for the edited fact (false before the edit). */
        public boolean succeeded() {
            return after != null && after[0].attribute() == target;
        }

        /** {same subject kept, same subject total, other subjects kept, other subjects total} after the edit. */
        public int[] kept() {
            return new int[] {sameKept, sameTotal, otherKept, otherTotal};
        }

        /** The prompt edited. */
        public int[] prompt() {
            return facts.table().prompt(fact);
        }
    }

    /** The state for a fact and an edit (not applied), its tracing computed here. */
    public static State state(Facts facts, int entity, int relation, int target, int layer) {
        State s = pending(facts, entity, relation, target, layer);
        while (!s.traceNext()) {
            // every seed
        }
        return s;
    }

    /** As {@link #state}, its tracing not yet computed: drawn pending until {@link State#traceNext} completes it. */
    public static State pending(Facts facts, int entity, int relation, int target, int layer) {
        return new State(facts, entity, relation, target, layer, null);
    }

    /** The position with the largest restored probability at {@code layer}. */
    static int peakPosition(double[] row) {
        int best = 0;
        for (int p = 1; p < row.length; p++) {
            if (row[p] > row[best]) {
                best = p;
            }
        }
        return best;
    }

    // ---- layout ----

    /** The tracing grid, {left, top, width, height}: wide and narrow. */
    private static final double[] GRID = {72, 50, 213, 216};
    private static final double[] N_GRID = {60, 64, 198, 176};
    private static final double EDIT_X = 324;
    private static final double N_EDIT_Y = 366;

    /** The grid's box in the arrangement shown. */
    private static double[] grid(boolean narrow) {
        return narrow ? N_GRID : GRID;
    }

    /** The cell under (x, y) of the arrangement drawn, as {layer, position}, or null outside the heatmap. */
    public static int[] cellAt(State s, boolean narrow, double x, double y) {
        double[] g = grid(narrow);
        int n = s.prompt().length;
        int col = (int) Math.floor((x - g[0]) / (g[2] / n));
        int row = (int) Math.floor((y - g[1]) / (g[3] / s.facts.nLayers()));
        return x >= g[0] && y >= g[1] && col < n && row < s.facts.nLayers() ? new int[] {row, col} : null;
    }

    /** Paints the state; {@code cursor} ({layer, position}) may be null. */
    public static void paint(Painter p, State s, int[] cursor) {
        boolean narrow = p.narrow();
        if (narrow) {
            Arrangement.begin(p, Arrangement.NARROW_WIDTH, NARROW_HEIGHT);
            p.panel("tracing", 0, 0, Arrangement.NARROW_WIDTH, N_EDIT_Y - 4);
            paintTracing(p, s, cursor, 0, Arrangement.NARROW_WIDTH, true);
            p.panel("edit", 0, N_EDIT_Y, Arrangement.NARROW_WIDTH, NARROW_HEIGHT - N_EDIT_Y);
            paintEdit(p, s, 0, N_EDIT_Y, Arrangement.NARROW_WIDTH, true);
            return;
        }
        Arrangement.begin(p, WIDTH, HEIGHT);
        p.panel("tracing", 0, 0, EDIT_X - 8, HEIGHT);
        paintTracing(p, s, cursor, 0, EDIT_X - 8, false);
        p.panel("edit", EDIT_X, 0, WIDTH - EDIT_X, HEIGHT);
        paintEdit(p, s, EDIT_X, 0, WIDTH - EDIT_X, false);
    }

    private static int title(Painter p, String text, double x, double y, double width, boolean narrow) {
        if (narrow) {
            return Arrangement.text(p, text, x + width / 2, y, width - 6, 15, Theme.ink(), 12, "center");
        }
        p.text(text, x + width / 2, y, Theme.ink(), 12, "center");
        return 1;
    }

    private static void paintTracing(Painter p, State s, int[] cursor, double x0, double width, boolean narrow) {
        FactTable t = s.facts.table();
        int answer = s.before[0].attribute();
        FactLookup.Trace trace = s.trace();
        int small = narrow ? Arrangement.MIN_TEXT_PX : 10;
        int lines = title(p, "Causal tracing: " + factName(t, s.fact) + " → " + attributeName(answer), x0, 14, width,
                narrow);
        double sub = 14 + lines * 15 + (narrow ? 1 : 0);
        Arrangement.text(p, "p(" + attributeName(answer) + "), one MLP output restored; subject noised",
                x0 + width / 2, sub, width - 6, 13, Theme.muted(), small, "center");
        double[] g = grid(narrow);
        int layers = s.facts.nLayers();
        int n = s.prompt().length;
        double cw = g[2] / n;
        double ch = g[3] / layers;
        String[] colors = new String[layers * n];
        for (int l = 0; l < layers; l++) {
            for (int q = 0; q < n; q++) {
                colors[l * n + q] = trace == null ? Theme.pending() : Colormaps.sequential(trace.restored[l][q]);
            }
        }
        p.cells(g[0], g[1], g[2], g[3], n, colors);
        int valueSize = narrow ? Arrangement.MIN_TEXT_PX : 11;
        for (int l = 0; l < layers; l++) {
            double cy = g[1] + (l + 0.5) * ch;
            p.text("layer " + l, g[0] - 6, cy, Theme.ink(), small, "right");
            if (trace != null && ch >= valueSize + 2) {
                for (int q = 0; q < n; q++) {
                    double v = trace.restored[l][q];
                    p.text(Fmt.fixed(v, 2), g[0] + (q + 0.5) * cw, cy, v > 0.55 ? Theme.onStrong() : Theme.ink(),
                            valueSize, "center");
                }
            }
        }
        // the edit's cell: the edit layer at the subject's last token
        box(p, g[0] + (FactTable.SUBJECT_LENGTH - 1) * cw, g[1] + s.layer * ch, cw, ch, Theme.red(), 2.5);
        if (cursor != null) {
            box(p, g[0] + cursor[1] * cw + 2, g[1] + cursor[0] * ch + 2, cw - 4, ch - 4, Theme.ink(), 1.5);
        }
        String[] tokens = tokenNames(t, s.fact);
        double below = g[1] + g[3] + 10;
        for (int q = 0; q < n; q++) {
            p.text(tokens[q], g[0] + (q + 0.5) * cw, below, Theme.ink(), narrow ? 12 : 11, "center");
        }
        p.text("subject", g[0] + cw * FactTable.SUBJECT_LENGTH / 2, below + 15, Theme.muted(), small, "center");
        p.text("relation", g[0] + (n - 0.5) * cw, below + 15, Theme.muted(), small, "center");
        // the colour scale
        double ly = below + 32;
        int steps = 48;
        String[] scale = new String[steps];
        for (int i = 0; i < steps; i++) {
            scale[i] = Colormaps.sequential((i + 0.5) / steps);
        }
        p.cells(g[0], ly, g[2], 9, steps, scale);
        p.line(g[0], ly + 9, g[0] + g[2], ly + 9, Theme.grid(), 1);
        p.text("0", g[0], ly + 19, Theme.muted(), small, "center");
        p.text("0.5", g[0] + g[2] / 2, ly + 19, Theme.muted(), small, "center");
        p.text("1", g[0] + g[2], ly + 19, Theme.muted(), small, "center");
        p.text("p", g[0] - 8, ly + 4, Theme.muted(), small, "right");
        String clean = "clean p " + Fmt.fixed(s.before[0].probability(), 3);
        String corrupted = trace == null ? "tracing..." : "corrupted p " + Fmt.fixed(trace.corruptedProb, 3);
        if (narrow) {
            p.text(clean + ", " + corrupted, x0 + width / 2, ly + 38, Theme.ink(), small, "center");
            Arrangement.text(p, "Red frame: the edit's MLP (layer " + s.layer + ") at the subject's last token",
                    x0 + width / 2, ly + 56, width - 6, 14, Theme.muted(), small, "center");
        } else {
            p.text(clean + "  ·  " + corrupted, x0 + width / 2, ly + 40, Theme.ink(), 11, "center");
            p.text("Red frame: the edit's MLP (layer " + s.layer + ") at the subject's last token", x0 + width / 2,
                    ly + 58, Theme.muted(), small, "center");
        }
    }

    private static void box(Painter p, double x, double y, double w, double h, String color, double lw) {
        p.line(x, y, x + w, y, color, lw);
        p.line(x + w, y, x + w, y + h, color, lw);
        p.line(x + w, y + h, x, y + h, color, lw);
        p.line(x, y + h, x, y, color, lw);
    }

    private static void paintEdit(Painter p, State s, double x0, double y0, double width, boolean narrow) {
        FactTable t = s.facts.table();
        int small = narrow ? Arrangement.MIN_TEXT_PX : 10;
        int lines = title(p, "ROME: " + factName(t, s.fact) + " → " + attributeName(s.target) + " at layer " + s.layer,
                x0, y0 + 14, width, narrow);
        double y = y0 + 14 + lines * 15;
        String status = !s.edited() ? "Not applied: the model as trained (Apply edit writes it into W_out)"
                : s.succeeded() ? "Applied: a rank-one update of layer " + s.layer + "'s W_out; the new attribute wins"
                : "Applied: a rank-one update of layer " + s.layer + "'s W_out; the new attribute does not win";
        int statusLines = Arrangement.text(p, status, x0 + width / 2, y, width - 6, 13,
                s.edited() && !s.succeeded() ? Theme.alert() : Theme.muted(), small, "center");
        y += statusLines * 13 + 8;
        double cFact = x0 + (narrow ? 4 : 10);
        double cBefore = x0 + (narrow ? 100 : 130);
        double cAfter = x0 + (narrow ? 186 : 224);
        int size = 11;
        p.text("fact", cFact, y, Theme.muted(), small, "left");
        p.text("before", cBefore, y, Theme.muted(), small, "left");
        p.text("after", cAfter, y, Theme.muted(), small, "left");
        p.line(x0 + 2, y + 8, x0 + width - 2, y + 8, Theme.grid(), 1);
        y += 20;
        Answer[] after = s.after();
        String[] groups = {"The edited fact", "The same subject, other relations", "Other subjects (a sample)"};
        int[] from = {0, 1, 1 + s.same};
        int[] to = {1, 1 + s.same, s.rows.length};
        for (int gi = 0; gi < groups.length; gi++) {
            p.text(groups[gi], cFact, y, Theme.muted(), small, "left");
            y += 17;
            if (from[gi] == to[gi]) {
                p.text("(none)", cFact + 8, y, Theme.muted(), small, "left");
                y += 17;
            }
            for (int i = from[gi]; i < to[gi]; i++) {
                p.text(factName(t, s.rows[i]), cFact + 8, y, Theme.ink(), size, "left");
                p.text(s.before[i].text(), cBefore, y, Theme.ink(), size, "left");
                String a;
                String colour;
                if (after == null) {
                    a = "–";
                    colour = Theme.muted();
                } else if (i == 0) {
                    a = after[i].text();
                    colour = after[i].attribute() == s.target ? Theme.green() : Theme.alert();
                } else {
                    boolean kept = after[i].attribute() == s.before[i].attribute();
                    a = after[i].text() + (kept ? "" : " !");
                    colour = kept ? Theme.ink() : Theme.alert();
                }
                p.text(a, cAfter, y, colour, size, "left");
                y += 17;
            }
            y += 3;
        }
        p.line(x0 + 2, y - 8, x0 + width - 2, y - 8, Theme.grid(), 1);
        y += 6;
        Arrangement.text(p, summary(s), x0 + width / 2, y, width - 8, 14, Theme.ink(), size, "center");
    }

    /** The edit's effect on all facts, in words (before it: what applying it does). */
    static String summary(State s) {
        if (!s.edited()) {
            return "Apply the edit: ROME finds the value that makes the new attribute win and writes it into W_out.";
        }
        int[] k = s.kept();
        return "Other facts keeping their answer: same subject " + k[0] + " of " + k[1] + ", other subjects " + k[2]
                + " of " + k[3] + ".";
    }

    /** The readout of one heatmap cell. */
    public static String readout(State s, int layer, int position) {
        String[] tokens = tokenNames(s.facts.table(), s.fact);
        FactLookup.Trace trace = s.trace();
        if (trace == null) {
            return "Layer " + layer + ", position " + position + " (" + tokens[position] + "): tracing...";
        }
        return "Layer " + layer + ", position " + position + " (" + tokens[position] + "): restoring this MLP output gives p "
                + Fmt.fixed(trace.restored[layer][position], 3) + " (clean " + Fmt.fixed(trace.cleanProb, 3)
                + ", corrupted " + Fmt.fixed(trace.corruptedProb, 3) + ").";
    }

    /** The edit's outcome in one sentence for the page's readout. */
    public static String editReadout(State s) {
        FactTable t = s.facts.table();
        String fact = factName(t, s.fact);
        if (!s.edited()) {
            return fact + " answers " + s.before[0].text() + "; the edit to " + attributeName(s.target) + " at layer "
                    + s.layer + " is not applied.";
        }
        int[] k = s.kept();
        return "Edited: " + fact + " now answers " + s.after()[0].text() + " (was " + s.before[0].text() + "); "
                + "other facts keeping their answer: same subject " + k[0] + " of " + k[1] + ", other subjects " + k[2]
                + " of " + k[3] + ".";
    }

    /** A text alternative for the drawing. */
    public static String describe(State s) {
        FactTable t = s.facts.table();
        String[] tokens = tokenNames(t, s.fact);
        FactLookup.Trace trace = s.trace();
        String d = "Causal tracing of " + factName(t, s.fact) + " (tokens " + String.join(" ", tokens) + "), answer "
                + s.before[0].text() + ": ";
        if (trace == null) {
            d += "being computed";
        } else {
            int bestL = 0, bestP = 0;
            for (int l = 0; l < s.facts.nLayers(); l++) {
                int q = peakPosition(trace.restored[l]);
                if (trace.restored[l][q] > trace.restored[bestL][bestP]) {
                    bestL = l;
                    bestP = q;
                }
            }
            d += "clean p " + Fmt.fixed(trace.cleanProb, 3) + ", with the subject corrupted p "
                    + Fmt.fixed(trace.corruptedProb, 3) + "; restoring one MLP output helps most at layer " + bestL
                    + ", position " + bestP + " (" + tokens[bestP] + "), p " + Fmt.fixed(trace.restored[bestL][bestP], 3);
        }
        d += ". ROME edit at layer " + s.layer + " to " + attributeName(s.target) + ": ";
        if (!s.edited()) {
            return d + "not applied.";
        }
        StringBuilder rows = new StringBuilder();
        for (int i = 1; i < s.rows.length; i++) {
            rows.append(i == 1 ? "" : ", ").append(factName(t, s.rows[i])).append(' ').append(s.before[i].text())
                    .append(" to ").append(s.after()[i].text());
        }
        return d + factName(t, s.fact) + " now answers " + s.after()[0].text() + "; " + rows + ". " + summary(s);
    }
}
