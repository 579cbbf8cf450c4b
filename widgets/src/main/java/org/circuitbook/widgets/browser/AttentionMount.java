package org.circuitbook.widgets.browser;

import java.util.List;
import org.circuitbook.widgets.data.Lcg;
import org.circuitbook.widgets.data.SyntheticLanguage;
import org.circuitbook.widgets.figures.AttentionPatternsWidget;
import org.circuitbook.widgets.model.HeadScores;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.widget.AttentionView;
import org.circuitbook.widgets.widget.TokenNames;
import org.teavm.jso.browser.Performance;
import org.teavm.jso.browser.Window;
import org.teavm.jso.dom.events.KeyboardEvent;
import org.teavm.jso.dom.events.MouseEvent;
import org.teavm.jso.dom.html.HTMLElement;

/**
 * The attention-patterns widget: an attention-only transformer run on a token sequence the reader types or
 * generates, showing every head's pattern, its previous-token and induction scores (on the book's probe sequences,
 * the trainer's: the numbers the chapters quote) and the loss at each position ({@link AttentionView}); a head can be
 * ablated (the Ablate select; with a mouse, also a click on its panel), shown alone and enlarged (select), and a slider
 * moves through the training checkpoints, fetched when first shown, across the induction phase change. Pointing at a
 * cell (mouse, pen or touch: a tap reads out and ablates nothing), or the arrow keys on the focused drawing (Page Up and
 * Page Down: the previous and next head), read the cell out under the drawing: the head, the query and key tokens and
 * the weight. Two more readouts sum up the losses of the sequence shown (before its repeat and in it) and the scores and
 * losses on the probes, with the ablated head and without. The probes (64 forward passes) are measured once per
 * checkpoint and ablated head: for the first drawing at once (so that the figure is laid out with its readouts whole
 * and does not grow after), then from the frame after a change on, about {@value #BUDGET_MS} ms of them a frame, so
 * that the frame answering the reader carries one forward pass and the drawing; the heads' scores appear when done.
 *
 * <p>{@code data-weights} lists {@code final.safetensors} and {@code checkpoint-STEP.safetensors} files.
 * Its controls are {@link AttentionPatternsWidget#controls(List, int, int, String, boolean)}; the fragment
 * {@code #ID:step=K&ablate=L.H&head=L.H&tokens=ba.be.bi&cell=L.H.Q.K} restores a shared state.
 */
final class AttentionMount {
    private static final double BUDGET_MS = 5; // of probes per frame: with the drawing, within one 16.7 ms frame
    private final LivePanel.Checkpoints<HookedTransformer> models; // by step: checkpoints, then the final model
    private final SyntheticLanguage language;
    private final int vocab;
    private final TokenNames tokenNames; // how tokens are named and typed
    private final String[] names; // token names by id
    private final int nCtx;
    private int[] tokens;
    private final Lcg random = new Lcg(System.currentTimeMillis()); // fresh sequences each visit
    private final LivePanel panel;
    private final HTMLElement message;
    private final HTMLElement readout;
    private final HTMLElement summary; // the readout of both summaries below
    private final HTMLElement sequenceReadout; // the sequence's losses, before its repeat and in it
    private final HTMLElement probeReadout; // the best scores and the losses on the probes
    private final int[][] probes; // the trainer's probe sequences, or null (no language in the file)
    private final java.util.Map<String, HeadScores.OnProbes> scored = new java.util.HashMap<>(); // by checkpoint and ablation
    private HeadScores.Sums job; // the scores being measured, a few probes a frame, or null
    private String jobKey; // what job measures: the key of scored
    private int generation; // the frames of an older schedule stop
    private String pointerType = ""; // of the last pointerdown on the drawing: a click ablates for a mouse only
    private int[] cursor; // {layer, head, query, key} pointed at, or null
    private String described; // the aria-label last written
    private AttentionView.Run run;
    private int runIndex = -1; // the checkpoint run was computed with

    private AttentionMount(HTMLElement figure, List<String> urls, List<Integer> steps, HookedTransformer model,
                           TokenNames tokenNames) {
        this.tokenNames = tokenNames;
        language = tokenNames.language();
        vocab = model.cfg().d_vocab();
        nCtx = model.cfg().n_ctx();
        names = tokenNames.names();
        models = new LivePanel.Checkpoints<>(figure, urls, HookedTransformer::fromWeights);
        models.put(urls.size() - 1, model);
        panel = new LivePanel(figure, AttentionPatternsWidget.controls(steps, model.cfg().n_layers(), model.cfg().n_heads(),
                tokenNames.format(AttentionPatternsWidget.firstTokens(model)), language != null), AttentionView.WIDTH,
                AttentionView.HEIGHT);
        message = panel.above(Dom.create("p", "widget-message"));
        message.setAttribute("role", "status");
        tokens = AttentionPatternsWidget.firstTokens(model);
        probes = language == null ? null : AttentionView.probes(model, language.settings().seed());
        String shared = panel.controls.value("tokens");
        try {
            tokens = tokenNames.parse(shared.replace('.', ' '));
        } catch (IllegalArgumentException e) {
            Dom.text(message, "The link's tokens could not be read: " + e.getMessage());
            panel.controls.set("tokens", tokenNames.format(tokens));
        }
        panel.focusable();
        readout = panel.readout(panel.controls.id("head"));
        // one paragraph for both summaries (two would each leave a line part empty, and the figure must stay as tall
        // as its static drawing with the description)
        summary = panel.readout(panel.controls.id("tokens") + " " + panel.controls.id("step") + " "
                + panel.controls.id("ablate"));
        summary.getClassList().add("attention-summary");
        sequenceReadout = Dom.create("span", "attention-sequence");
        probeReadout = Dom.create("span", "attention-probes");
        summary.appendChild(sequenceReadout);
        summary.appendChild(Dom.textNode(" "));
        summary.appendChild(probeReadout);
        cursor = parseCell(panel.controls.value("cell"));
        panel.listen(this::changed);
        panel.canvas.addEventListener("click", e -> click((MouseEvent) e));
        panel.canvas.addEventListener("pointermove", e -> point((MouseEvent) e));
        panel.canvas.addEventListener("pointerdown", e -> { // a touch: no move before it
            pointerType = ((PointerEvent) e).getPointerType();
            point((MouseEvent) e);
        });
        panel.canvas.addEventListener("keydown", e -> key((KeyboardEvent) e));
        panel.canvas.addEventListener("focus", e -> {
            if (cursor == null && run != null) {
                int[] only = only();
                moveTo(only == null ? new int[] {0, 0, 0, 0} : new int[] {only[0], only[1], 0, 0});
            }
        });
        panel.show(this::update, this::redraw);
    }

    static void mount(HTMLElement figure) {
        LivePanel.loadFinal(figure, (files, file) -> {
            List<Integer> steps = new java.util.ArrayList<>(files.checkpointSteps());
            steps.add(Integer.parseInt(file.metadata().getOrDefault("step", "0")));
            HookedTransformer model = HookedTransformer.fromWeights(file);
            new AttentionMount(figure, files.urls(), steps, model, TokenNames.of(file, model.cfg()));
        });
    }

    /** A control changed: new tokens (typed, repeated or sampled), another checkpoint or another ablated head. */
    private boolean changed(String key) {
        switch (key) {
            case "tokens" -> {
                return readTokens();
            }
            case "repeat" -> tokens = SyntheticLanguage.repeatedRandom(random, vocab, nCtx / 2);
            case "sample" -> {
                if (language == null) {
                    return false;
                }
                tokens = language.sample(random, nCtx);
            }
            case "head" -> {
                int[] only = only();
                if (only != null && cursor != null) { // the cursor follows to the head shown
                    cursor = new int[] {only[0], only[1], cursor[2], cursor[3]};
                    panel.controls.set("cell", cell(cursor));
                }
                redraw();
                return true;
            }
            default -> {
                update();
                return true;
            }
        }
        panel.controls.set("tokens", tokenNames.format(tokens));
        update();
        return true;
    }

    private boolean readTokens() {
        try {
            int[] parsed = tokenNames.parse(panel.controls.value("tokens").replace('.', ' '));
            if (parsed.length < 2 || parsed.length > nCtx) {
                Dom.text(message, "Type 2 to " + nCtx + " tokens, separated by spaces.");
                return false;
            }
            tokens = parsed;
            Dom.text(message, "");
            update();
            return true;
        } catch (IllegalArgumentException e) {
            Dom.text(message, e.getMessage());
            return false;
        }
    }

    private int[] ablated() {
        String v = panel.controls.value("ablate");
        return v == null || v.isEmpty() ? null : new int[] {Integer.parseInt(v.substring(0, v.indexOf('.'))),
                Integer.parseInt(v.substring(v.indexOf('.') + 1))};
    }

    /** The head shown alone, {layer, head}, or null: every head. */
    private int[] only() {
        return parseHead(panel.controls.value("head"));
    }

    private static int[] parseHead(String v) {
        if (v == null || v.indexOf('.') < 0) {
            return null;
        }
        try {
            return new int[] {Integer.parseInt(v.substring(0, v.indexOf('.'))), Integer.parseInt(v.substring(v.indexOf('.') + 1))};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A shared link's cell, LAYER.HEAD.QUERY.KEY, or null. */
    private static int[] parseCell(String v) {
        if (v == null || v.isEmpty()) {
            return null;
        }
        List<String> parts = org.circuitbook.widgets.widget.Fmt.split(v, '.');
        if (parts.size() != 4) {
            return null;
        }
        int[] out = new int[4];
        try {
            for (int i = 0; i < 4; i++) {
                out[i] = Integer.parseInt(parts.get(i));
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return out;
    }

    private static String cell(int[] c) {
        return c[0] + "." + c[1] + "." + c[2] + "." + c[3];
    }

    /** The pointer: the cell under it is read out and outlined (a repaint only when it moves to another cell). */
    private void point(MouseEvent event) {
        if (run == null) {
            return;
        }
        double[] at = panel.painter.at(event); // in the arrangement shown
        int[] c = AttentionView.cellAt(run, panel.painter.narrow(), only(), at[0], at[1]);
        if (c != null && !java.util.Arrays.equals(c, cursor)) {
            moveTo(c);
        }
    }

    private void key(KeyboardEvent event) {
        if (run == null) {
            return;
        }
        int pos = run.tokens().length;
        int layers = run.patterns().length;
        int heads = run.patterns()[0].dim(0);
        int[] only = only();
        int[] c = cursor != null && AttentionView.valid(run, cursor) ? cursor.clone()
                : only != null ? new int[] {only[0], only[1], 0, 0} : new int[] {0, 0, 0, 0};
        switch (event.getKey()) {
            case "ArrowUp" -> c[2] = Math.max(0, c[2] - 1);
            case "ArrowDown" -> c[2] = Math.min(pos - 1, c[2] + 1);
            case "ArrowLeft" -> c[3] = Math.max(0, c[3] - 1);
            case "ArrowRight" -> c[3] = Math.min(pos - 1, c[3] + 1);
            case "Home" -> c[3] = 0;
            case "End" -> c[3] = c[2]; // the diagonal: the last key the query can see
            case "PageUp", "PageDown" -> {
                if (only != null) {
                    return; // one head shown: the select picks another
                }
                int index = c[0] * heads + c[1] + (event.getKey().equals("PageUp") ? -1 : 1);
                index = Math.max(0, Math.min(layers * heads - 1, index));
                c[0] = index / heads;
                c[1] = index % heads;
            }
            default -> {
                return;
            }
        }
        event.preventDefault();
        moveTo(c);
    }

    private void moveTo(int[] c) {
        cursor = c;
        panel.controls.set("cell", cell(c));
        redraw();
        panel.controls.save();
    }

    /**
     * A mouse click on a head's panel ablates it (or restores it, when it is the one ablated). A tap (touch or pen) only
     * reads the cell out, which its pointerdown did: ablating is the Ablate select's, a control of its own.
     */
    private void click(MouseEvent event) {
        if (run == null || !"mouse".equals(pointerType)) {
            return;
        }
        double[] at = panel.painter.at(event); // in the arrangement shown
        int[] c = AttentionView.cellAt(run, panel.painter.narrow(), only(), at[0], at[1]);
        if (c == null) {
            return;
        }
        int[] head = {c[0], c[1]};
        int[] ablated = ablated();
        boolean same = ablated != null && ablated[0] == head[0] && ablated[1] == head[1];
        panel.controls.set("ablate", same ? "" : head[0] + "." + head[1]);
        update();
        panel.controls.save();
    }

    /** Recomputes and redraws with the current checkpoint, fetching it first if needed. */
    private void update() {
        int index = panel.controls.index("step");
        HookedTransformer model = models.get(index, arrived -> {
            if (panel.controls.index("step") == arrived) {
                update();
            }
        });
        if (model == null) {
            return;
        }
        // a new ablation of the same model on the same tokens reuses the clean run: one forward pass, not two
        boolean same = run != null && runIndex == index && java.util.Arrays.equals(run.tokens(), tokens);
        int[] ablated = ablated();
        if (run == null && probes != null) { // the first drawing: its readouts whole before the figure is laid out
            scored.put(key(index, null), AttentionView.scores(model, probes, null));
            if (ablated != null) {
                scored.put(key(index, ablated), AttentionView.scores(model, probes, ablated));
            }
        }
        HeadScores.OnProbes clean = scored.get(key(index, null));
        AttentionView.Probes scores = clean == null ? null : new AttentionView.Probes(probes.length, probes[0].length,
                clean, ablated == null ? null : scored.get(key(index, ablated)));
        run = same ? AttentionView.withAblation(run, model, ablated, scores) : AttentionView.run(model, tokens, ablated, scores);
        runIndex = index;
        Dom.text(sequenceReadout, AttentionView.sequenceSummary(run));
        schedule(model, index, ablated);
        writeProbeReadout();
        String description = AttentionView.describe(run);
        if (!description.equals(described)) {
            described = description;
            Dom.attribute(panel.canvas, "aria-label", description);
        }
        redraw();
    }

    /** The key of {@link #scored} for checkpoint {@code index} with head {@code ablated} zeroed, or none. */
    private static String key(int index, int[] ablated) {
        return index + (ablated == null ? "" : ":" + ablated[0] + "." + ablated[1]);
    }

    /**
     * Starts measuring, from the next frame on, the scores the run shown lacks: the clean model's first, then with the
     * ablated head zeroed. A measurement under way for the same model and head goes on; one for another is dropped.
     */
    private void schedule(HookedTransformer model, int index, int[] ablated) {
        int current = ++generation;
        if (probes == null) {
            return;
        }
        String key = !scored.containsKey(key(index, null)) ? key(index, null)
                : ablated != null && !scored.containsKey(key(index, ablated)) ? key(index, ablated) : null;
        if (key == null) {
            job = null;
            return;
        }
        if (job == null || !key.equals(jobKey)) {
            job = AttentionView.scoring(model, probes, key.indexOf(':') < 0 ? null : ablated);
            jobKey = key;
        }
        Window.requestAnimationFrame(time -> step(current));
    }

    /** A frame's share of the measurement; when it is done, the run is shown with the scores. */
    private void step(int current) {
        if (current != generation || job == null) {
            return; // a newer schedule runs
        }
        double start = Performance.now();
        do {
            job.addNext();
        } while (!job.done() && Performance.now() - start < BUDGET_MS);
        if (job.done()) {
            scored.put(jobKey, job.result());
            job = null;
            update(); // the scores drawn, and the next measurement, if any, scheduled
        } else {
            writeProbeReadout();
            Window.requestAnimationFrame(time -> step(current));
        }
    }

    /** The probes' readout: the scores and losses measured, and how far a measurement under way is. */
    private void writeProbeReadout() {
        if (probes == null) {
            Dom.text(probeReadout, "");
            return;
        }
        String measuring = job == null ? "" : "Measuring the book's " + probes.length + " probe sequences"
                + (jobKey.indexOf(':') < 0 ? "" : ", head " + jobKey.substring(jobKey.indexOf(':') + 1) + " ablated")
                + ": " + job.added() + " of " + job.total() + ".";
        String scores = AttentionView.probeSummary(run);
        Dom.text(probeReadout, scores.isEmpty() ? measuring : measuring.isEmpty() ? scores : scores + " " + measuring);
        Dom.attribute(summary, "aria-busy", job == null ? "false" : "true");
    }

    /** A pointer event's {@code pointerType}: "mouse", "pen" or "touch". */
    interface PointerEvent extends org.teavm.jso.JSObject {
        @org.teavm.jso.JSProperty
        String getPointerType();
    }

    /**
     * Repaints the current run: the readout first (page text before the canvas, whose text drawing waits for the
     * page's layout; Dom.text writes only a change), then the drawing with the cell pointed at outlined.
     */
    private void redraw() {
        if (run == null) {
            return;
        }
        int[] c = AttentionView.valid(run, cursor) ? cursor : null;
        Dom.text(readout, c != null ? AttentionView.readout(run, names, c)
                : "Point at or tap a cell, or focus the drawing and use the arrow keys (Page Up, Down: another head)."
                + " Ablate a head: the Ablate menu, or click it with a mouse.");
        AttentionView.paint(panel.painter, run, names, c, only());
    }
}
