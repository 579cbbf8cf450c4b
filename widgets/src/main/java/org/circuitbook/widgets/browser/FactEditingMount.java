package org.circuitbook.widgets.browser;

import java.util.HashMap;
import java.util.Map;
import org.circuitbook.widgets.figures.FactEditingWidget;
import org.circuitbook.widgets.model.FactLookup;
import org.circuitbook.widgets.model.FactTable;
import org.circuitbook.widgets.widget.FactEditingView;
import org.teavm.jso.browser.Performance;
import org.teavm.jso.browser.Window;
import org.teavm.jso.dom.events.KeyboardEvent;
import org.teavm.jso.dom.events.MouseEvent;
import org.teavm.jso.dom.html.HTMLElement;

/**
 * The fact-editing widget: selects pick the fact (subject, relation), the new attribute and the MLP layer to edit;
 * the causal tracing of the chosen fact is recomputed at once (a few ms) and drawn ({@link FactEditingView}); "Apply
 * edit" computes ROME's edit in the page, spread over frames: the layer's key covariance and its Cholesky factor (once per layer, kept), then
 * the search for v* ({@link FactLookup.TargetSearch}) a few gradient steps a frame, then the rank-one update and every
 * fact's answer under the edited model. "Reset" goes back to the trained model. The heatmap takes the keyboard focus:
 * the arrow keys move a cursor over its cells, read out under the drawing, as the pointer does.
 *
 * <p>Its controls are {@link FactEditingWidget#controls}; the fragment {@code #ID:entity=E&relation=R&target=A&layer=L}
 * restores a shared state, and {@code &edited=1} applies the edit again on opening.
 */
final class FactEditingMount {
    private static final double BUDGET_MS = 8; // of edit work per frame: with the drawing, within one 16.7 ms frame

    private final LivePanel panel;
    private final FactEditingView.Facts facts;
    private final Map<Integer, double[][]> factors = new HashMap<>(); // each edited layer's C, as its Cholesky factor
    private final HTMLElement readout;
    private final HTMLElement outcome;
    private FactEditingView.State state;
    private FactLookup.TargetSearch search;
    private FactLookup.KeyCovariance covariance; // the covariance being accumulated, of layer covarianceLayer
    private FactLookup.Cholesky cholesky;        // then its factor being computed
    private int covarianceLayer = -1;
    private int covarianceNext;
    private boolean measuring; // the edited model is made; its answers are being checked
    private int[] cursor;
    private int generation;      // of the edit: a change drops the edit under way
    private int traceGeneration; // of the tracing: another fact drops the tracing under way
    private boolean running;

    private FactEditingMount(HTMLElement figure, FactEditingView.Facts facts) {
        this.facts = facts;
        panel = new LivePanel(figure, FactEditingWidget.controls(new BrowserFigure(figure), facts),
                FactEditingView.WIDTH, FactEditingView.HEIGHT).listen(this::changed);
        panel.focusable();
        readout = panel.readout(null);
        outcome = panel.readout(panel.controls.id("target") + " " + panel.controls.id("layer"));
        outcome.setAttribute("data-role", "edit");
        boolean editAtStart = "1".equals(panel.controls.value("edited"));
        panel.controls.set("edited", null);
        state = newState();
        panel.canvas.addEventListener("pointermove", e -> point((MouseEvent) e));
        panel.canvas.addEventListener("keydown", e -> key((KeyboardEvent) e));
        panel.canvas.addEventListener("focus", e -> {
            if (cursor == null) {
                cursor = new int[] {state.layer, FactTable.SUBJECT_LENGTH - 1};
                redraw();
            }
        });
        panel.show(() -> {
            redraw();
            if (editAtStart) {
                apply();
            }
        }, this::redraw);
    }

    static void mount(HTMLElement figure) {
        LivePanel.loadFinal(figure, (files, file) -> new FactEditingMount(figure, FactEditingView.facts(file)));
    }

    private FactEditingView.State newState() {
        return FactEditingView.state(facts, value("entity"), value("relation"), value("target"), value("layer"));
    }

    private int value(String key) {
        return Integer.parseInt(panel.controls.value(key));
    }

    /** One frame's share of the tracing of a newly chosen fact: noise seeds while the budget lasts. */
    private void trace(int current) {
        if (current != traceGeneration) {
            return; // another fact was chosen
        }
        double start = Performance.now();
        boolean done;
        do {
            done = state.traceNext();
        } while (!done && Performance.now() - start < BUDGET_MS);
        if (done) {
            redraw();
        } else {
            Window.requestAnimationFrame(time -> trace(current));
        }
    }

    private boolean changed(String key) {
        switch (key) {
            case "apply" -> apply();
            case "reset" -> {
                generation++; // an edit under way is dropped
                running = false;
                state.reset();
                panel.controls.set("edited", null);
                redraw();
            }
            case "entity", "relation" -> { // another fact: traced from the frame after the next on (the frame
                // that shows the choice carries no tracing), the edit not applied
                generation++;
                running = false;
                int fact = facts.table().fact(value("entity"), value("relation"));
                if (value("target") == facts.answer(fact)) { // an edit to the answer it already gives is no edit
                    panel.controls.set("target", Integer.toString(FactEditingView.defaultTarget(facts, fact)));
                }
                state = FactEditingView.pending(facts, value("entity"), value("relation"), value("target"), value("layer"));
                panel.controls.set("edited", null);
                redraw();
                int current = ++traceGeneration;
                Window.requestAnimationFrame(shown -> Window.requestAnimationFrame(time -> trace(current)));
            }
            default -> { // the new attribute or the layer: the same fact and tracing, the edit not applied
                generation++;
                running = false;
                state = state.withEdit(value("target"), value("layer"));
                panel.controls.set("edited", null);
                redraw();
            }
        }
        return true;
    }

    /** Starts the edit: from the next frame on, a frame's budget of work at a time. */
    private void apply() {
        int current = ++generation;
        state.reset();
        panel.controls.set("edited", null);
        search = null;
        measuring = false;
        running = true;
        redraw();
        Window.requestAnimationFrame(time -> step(current));
    }

    /**
     * One frame's share of the edit: the layer's key covariance a prompt at a time, then its Cholesky factor a row at a
     * time (kept per layer), then the search for v* a gradient step at a time, then the rank-one update and every fact's
     * answer under the edited model a few facts at a time; each phase stops when the frame's budget is spent.
     */
    private void step(int current) {
        if (current != generation) {
            return; // the reader changed something: this edit is dropped
        }
        double start = Performance.now();
        FactLookup model = facts.model();
        FactTable table = facts.table();
        double[][] factor = factors.get(state.layer);
        if (factor == null) {
            if (covarianceLayer != state.layer) {
                covariance = model.new KeyCovariance(state.layer);
                cholesky = null;
                covarianceLayer = state.layer;
                covarianceNext = 0;
            }
            while (covarianceNext < table.size() && Performance.now() - start < BUDGET_MS) {
                covariance.add(table.prompt(covarianceNext++));
            }
            if (covarianceNext < table.size()) {
                progress("keys " + covarianceNext + "/" + table.size());
                Window.requestAnimationFrame(time -> step(current));
                return;
            }
            if (cholesky == null) {
                cholesky = new FactLookup.Cholesky(covariance.result());
            }
            while (!cholesky.done() && Performance.now() - start < BUDGET_MS) {
                cholesky.nextRow();
            }
            if (!cholesky.done()) {
                progress("factor");
                Window.requestAnimationFrame(time -> step(current));
                return;
            }
            factor = cholesky.factor();
            factors.put(state.layer, factor);
            covariance = null;
            cholesky = null;
            covarianceLayer = -1;
        }
        if (search == null) {
            search = model.new TargetSearch(state.prompt(), FactTable.SUBJECT_LENGTH, state.layer, state.target,
                    FactLookup.TARGET_STEPS);
        }
        while (!search.done() && Performance.now() - start < BUDGET_MS) {
            search.step();
        }
        if (!search.done()) {
            progress("search " + search.taken());
            Window.requestAnimationFrame(time -> step(current));
            return;
        }
        if (!measuring && Performance.now() - start >= BUDGET_MS) {
            Window.requestAnimationFrame(time -> step(current)); // the update and the answers in a frame of their own
            return;
        }
        if (!measuring) {
            state.startApplying(model.editFactored(state.prompt(), FactTable.SUBJECT_LENGTH, state.layer, factor,
                    search.value()));
            measuring = true;
        }
        boolean done = false;
        while (!done && Performance.now() - start < BUDGET_MS) {
            done = state.applyNext(16);
        }
        if (!done) {
            progress("facts");
            Window.requestAnimationFrame(time -> step(current));
            return;
        }
        search = null;
        measuring = false;
        running = false;
        panel.controls.set("edited", "1");
        panel.controls.save();
        redraw();
    }

    private void progress(String what) {
        Dom.attribute(panel.canvas, "data-progress", what);
    }

    private void point(MouseEvent event) {
        double[] at = panel.painter.at(event);
        int[] cell = FactEditingView.cellAt(state, panel.painter.narrow(), at[0], at[1]);
        if (cell != null && (cursor == null || cell[0] != cursor[0] || cell[1] != cursor[1])) {
            cursor = cell;
            redraw();
        }
    }

    private void key(KeyboardEvent event) {
        int layers = facts.nLayers();
        int positions = FactTable.N_CTX;
        int r = cursor == null ? state.layer : cursor[0];
        int c = cursor == null ? FactTable.SUBJECT_LENGTH - 1 : cursor[1];
        switch (event.getKey()) {
            case "ArrowUp" -> r = Math.max(0, r - 1);
            case "ArrowDown" -> r = Math.min(layers - 1, r + 1);
            case "ArrowLeft" -> c = Math.max(0, c - 1);
            case "ArrowRight" -> c = Math.min(positions - 1, c + 1);
            case "Home" -> c = 0;
            case "End" -> c = positions - 1;
            default -> {
                return;
            }
        }
        event.preventDefault();
        cursor = new int[] {r, c};
        redraw();
    }

    /** The page's text first (where it changed), then the drawing. */
    private void redraw() {
        Dom.attribute(panel.canvas, "data-edit", running ? "running" : state.edited() ? "done" : "none");
        Dom.attribute(panel.canvas, "data-trace", state.trace() == null ? "running" : "done");
        Dom.attribute(panel.canvas, "aria-label", FactEditingView.describe(state));
        Dom.text(readout, cursor != null ? FactEditingView.readout(state, cursor[0], cursor[1])
                : "Point at a cell, or focus the heatmap and use the arrow keys, to read its restored probability.");
        Dom.text(outcome, running ? "Computing the edit..." : FactEditingView.editReadout(state));
        FactEditingView.paint(panel.painter, state, cursor);
    }
}
