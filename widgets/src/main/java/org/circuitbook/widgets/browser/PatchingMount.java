package org.circuitbook.widgets.browser;

import java.util.List;
import org.circuitbook.widgets.data.Lcg;
import org.circuitbook.widgets.figures.ActivationPatchingWidget;
import org.circuitbook.widgets.model.ActivationPatching;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.widget.PatchingView;
import org.circuitbook.widgets.widget.TokenNames;
import org.teavm.jso.browser.Performance;
import org.teavm.jso.browser.Window;
import org.teavm.jso.dom.events.KeyboardEvent;
import org.teavm.jso.dom.events.MouseEvent;
import org.teavm.jso.dom.html.HTMLElement;

/**
 * The activation-patching widget: a clean and a corrupted prompt (editable; by default the induction task of
 * {@link ActivationPatching#inductionPrompts}) run through an attention-only transformer, and the heatmap of
 * what patching each clean activation into the corrupted run restores ({@link PatchingView}): residual stream
 * or attention output by layer and position, or each head. The patched runs are spread over animation
 * frames (about 5 ms of work per frame, starting in the frame after the change, which draws the grid still
 * pending), so the page stays responsive while the grid fills in. A cell is
 * read out by pointer, touch or the arrow keys on the focused heatmap (which move the way they point in the
 * arrangement shown: on a phone's, a row per position; {@link PatchingView#move}).
 *
 * <p>Its controls are {@link ActivationPatchingWidget#controls(org.circuitbook.widgets.widget.LiveFigure,
 * HookedTransformer)}: {@code data-view} and {@code data-metric} pick the first experiment; the fragment
 * {@code #ID:view=heads&metric=probability&clean=ba.be&corrupted=ba.bi&answer=bo&wrong=bu&mode=mean-ablation&cell=1.2}
 * restores a shared state. The mode's work beyond the patched runs (an ablation's {@link
 * org.circuitbook.widgets.model.AblationBaselines}: 17 forward passes, once per prompt length; attribution's one
 * backward pass) is done when the experiment starts. The canvas's {@code data-progress} says how many patched runs are done ("12/48").
 */
final class PatchingMount {
    private static final double BUDGET_MS = 5; // with the drawing, within one 16.7 ms frame
    private static final List<String> PROMPT_KEYS = List.of("clean", "corrupted", "answer", "wrong");

    private final HookedTransformer model;
    private final TokenNames tokenNames; // how tokens are named and typed: the language's, a vocab's, or ids
    private final String[] names;
    private final LivePanel panel;
    private final HTMLElement message;
    private final HTMLElement readout;
    private ActivationPatching.Prompts prompts;
    private ActivationPatching.Experiment experiment;
    private int generation; // bumps on every change, so a stale computation stops
    private int row = -1;
    private int col = -1;
    private final Lcg random = new Lcg(System.currentTimeMillis());
    private final String corruption; // the chapter's :corrupt:: which token a new random pair replaces

    private PatchingMount(HTMLElement figure, HookedTransformer model, TokenNames tokenNames) {
        this.model = model;
        this.tokenNames = tokenNames;
        corruption = ActivationPatchingWidget.corruption(new BrowserFigure(figure));
        names = tokenNames.names();
        panel = new LivePanel(figure, ActivationPatchingWidget.controls(new BrowserFigure(figure), model, tokenNames),
                PatchingView.WIDTH, PatchingView.HEIGHT);
        panel.focusable();
        message = panel.above(Dom.create("p", "widget-message"));
        message.setAttribute("role", "status");
        readout = panel.readout(null);
        if (!parsePrompts()) { // a shared link's prompts this model cannot run
            setPrompts(PatchingView.defaultPrompts(model, corruption));
        }
        String cell = panel.controls.value("cell");
        if (cell != null && cell.indexOf('.') > 0) {
            try {
                row = Integer.parseInt(cell.substring(0, cell.indexOf('.')));
                col = Integer.parseInt(cell.substring(cell.indexOf('.') + 1));
            } catch (NumberFormatException e) {
                row = -1;
            }
        }
        panel.listen(key -> {
            if (key.equals("swap")) {
                setPrompts(new ActivationPatching.Prompts(prompts.corrupted(), prompts.clean(), prompts.wrong(),
                        prompts.answer()));
            } else if (key.equals("random")) {
                int half = Math.min(10, model.cfg().n_ctx() / 2);
                setPrompts(ActivationPatching.inductionPrompts(random, ActivationPatching.taskVocab(model.cfg()), half,
                        1 + random.nextInt(half - 2),
                        corruption));
            } else if (PROMPT_KEYS.contains(key) && !parsePrompts()) {
                return false;
            }
            recompute();
            return true;
        });
        panel.canvas.addEventListener("pointermove", e -> point((MouseEvent) e));
        panel.canvas.addEventListener("pointerdown", e -> point((MouseEvent) e));
        panel.canvas.addEventListener("keydown", e -> key((KeyboardEvent) e));
        panel.canvas.addEventListener("focus", e -> {
            if (row < 0) {
                moveTo(0, 0);
            }
        });
        panel.show(this::recompute, () -> {
            if (experiment != null) {
                redraw();
            }
        });
    }

    static void mount(HTMLElement figure) {
        LivePanel.loadFinal(figure, (files, file) -> {
            HookedTransformer model = HookedTransformer.fromWeights(file);
            new PatchingMount(figure, model, TokenNames.of(file, model.cfg()));
        });
    }

    private void setPrompts(ActivationPatching.Prompts p) {
        prompts = p;
        panel.controls.set("clean", tokenNames.format(p.clean()));
        panel.controls.set("corrupted", tokenNames.format(p.corrupted()));
        panel.controls.set("answer", tokenNames.word(p.answer()));
        panel.controls.set("wrong", tokenNames.word(p.wrong()));
        Dom.text(message, "");
    }

    /** Reads the four prompt controls; on a problem says what is wrong and keeps the last good prompts. */
    private boolean parsePrompts() {
        LiveControls controls = panel.controls;
        try {
            int[] clean = tokenNames.parse(controls.value("clean").replace('.', ' '));
            int[] corrupted = tokenNames.parse(controls.value("corrupted").replace('.', ' '));
            if (clean.length > model.cfg().n_ctx() || corrupted.length > model.cfg().n_ctx()) {
                throw new IllegalArgumentException("this model reads at most " + model.cfg().n_ctx() + " tokens");
            }
            prompts = new ActivationPatching.Prompts(clean, corrupted, controls.index("answer"), controls.index("wrong"));
            Dom.text(message, "");
            return true;
        } catch (IllegalArgumentException e) {
            Dom.text(message, e.getMessage());
            return false;
        }
    }

    /**
     * Starts the experiment for the current controls (the clean and corrupted runs, reused from the last
     * experiment when only the view, the metric or the answers changed), draws it with every cell pending at
     * once, and computes the patched runs from the next frame on, frame by frame: the frame that answers the
     * input carries at most the two runs and the drawing.
     */
    private void recompute() {
        String view = panel.controls.value("view");
        String refusal = ActivationPatchingWidget.refusal(model, view);
        if (refusal != null) {
            Dom.text(message, refusal);
            view = ActivationPatchingWidget.runnable(model, view);
        } else if (message.getTextContent() != null && (message.getTextContent().startsWith("Path patching")
                || message.getTextContent().startsWith("This model is attention-only"))) {
            Dom.text(message, "");
        }
        experiment = ActivationPatching.start(model, prompts, view, panel.controls.value("metric"),
                panel.controls.value("direction"), panel.controls.value("mode"), experiment);
        if (row >= experiment.rows() || col >= experiment.cols()) {
            row = -1;
            col = -1;
        }
        panel.controls.set("cell", row >= 0 ? row + "." + col : null);
        int current = ++generation;
        redraw();
        if (!experiment.done()) {
            Window.requestAnimationFrame(time -> step(current));
        }
    }

    private void step(int current) {
        if (current != generation) {
            return; // the reader changed something: a newer experiment runs
        }
        double start = Performance.now();
        do {
            experiment.computeNext();
        } while (!experiment.done() && Performance.now() - start < BUDGET_MS);
        redraw();
        if (!experiment.done()) {
            Window.requestAnimationFrame(time -> step(current));
        }
    }

    private void point(MouseEvent event) {
        double[] at = panel.painter.at(event); // in the arrangement shown
        int[] cell = PatchingView.cellAt(experiment, panel.painter.narrow(), at[0], at[1]);
        if (cell != null && (cell[0] != row || cell[1] != col)) {
            moveTo(cell[0], cell[1]);
        }
    }

    /** The arrow keys move the cursor the way they point on screen, also where the narrow arrangement turns the map. */
    private void key(KeyboardEvent event) {
        int[] cell = PatchingView.move(experiment, panel.painter.narrow(), Math.max(row, 0), Math.max(col, 0),
                event.getKey());
        if (cell == null) {
            return;
        }
        event.preventDefault();
        moveTo(cell[0], cell[1]);
    }

    private void moveTo(int r, int c) {
        row = r;
        col = c;
        panel.controls.set("cell", r + "." + c);
        redraw();
        panel.controls.save();
    }

    private void redraw() {
        // the page's text first, where it changed: the canvas's text drawing waits for the page's layout
        Dom.attribute(panel.canvas, "data-progress", experiment.computed() + "/" + experiment.cells());
        Dom.attribute(panel.canvas, "aria-label", PatchingView.describe(experiment, names));
        Dom.text(readout, row >= 0 ? PatchingView.readout(experiment, names, row, col)
                : "Point at a cell, or focus the heatmap and use the arrow keys.");
        PatchingView.paint(panel.painter, experiment, names, row, col);
    }
}
