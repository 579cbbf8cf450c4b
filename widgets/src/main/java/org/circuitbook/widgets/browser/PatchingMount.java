package org.circuitbook.widgets.browser;

import org.circuitbook.widgets.data.Lcg;
import org.circuitbook.widgets.data.SyntheticLanguage;
import org.circuitbook.widgets.model.ActivationPatching;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.widget.AttentionView;
import org.circuitbook.widgets.widget.PatchingView;
import org.circuitbook.widgets.widget.WeightFiles;
import org.teavm.jso.browser.Performance;
import org.teavm.jso.browser.Window;
import org.teavm.jso.dom.events.KeyboardEvent;
import org.teavm.jso.dom.events.MouseEvent;
import org.teavm.jso.dom.html.HTMLButtonElement;
import org.teavm.jso.dom.html.HTMLCanvasElement;
import org.teavm.jso.dom.html.HTMLElement;
import org.teavm.jso.dom.html.HTMLInputElement;
import org.teavm.jso.dom.html.HTMLOptionElement;
import org.teavm.jso.dom.html.HTMLSelectElement;

/**
 * The activation-patching widget: a clean and a corrupted prompt (editable; by default the induction task of
 * {@link ActivationPatching#inductionPrompts}) run through an attention-only transformer, and the heatmap of
 * what patching each clean activation into the corrupted run restores ({@link PatchingView}): residual stream
 * or attention output by layer and position, or each head. The patched runs are spread over animation
 * frames (about 5 ms of work per frame, starting in the frame after the change, which draws the grid still
 * pending), so the page stays responsive while the grid fills in. A cell is
 * read out by pointer, touch or the arrow keys on the focused heatmap.
 *
 * <p>{@code data-view} and {@code data-metric} pick the first experiment; the fragment
 * {@code #ID:view=heads&metric=probability&clean=ba.be&corrupted=ba.bi&answer=bo&wrong=bu&cell=1.2} restores a
 * shared state. The canvas's {@code data-progress} says how many patched runs are done ("12/48").
 */
final class PatchingMount {
    private static final double BUDGET_MS = 5; // with the drawing, within one 16.7 ms frame
    private static int counter;

    private final HTMLElement figure;
    private HookedTransformer model;
    private String[] names;
    private ActivationPatching.Prompts prompts;
    private ActivationPatching.Experiment experiment;
    private int generation; // bumps on every change, so a stale computation stops
    private int row = -1;
    private int col = -1;
    private boolean touched;
    private final Lcg random = new Lcg(System.currentTimeMillis());
    private HTMLInputElement cleanInput;
    private HTMLInputElement corruptedInput;
    private HTMLSelectElement answer;
    private HTMLSelectElement wrong;
    private HTMLSelectElement view;
    private HTMLSelectElement metric;
    private HTMLElement message;
    private HTMLCanvasElement canvas;
    private HTMLElement readout;
    private CanvasPainter painter;

    private PatchingMount(HTMLElement figure) {
        this.figure = figure;
    }

    static void mount(HTMLElement figure) {
        WeightFiles files = Dom.weightFiles(figure);
        if (files == null) {
            return;
        }
        String url = files.finalUrl();
        PatchingMount m = new PatchingMount(figure);
        Dom.loadWeights(figure, url, "the model weights", file -> {
            m.model = HookedTransformer.fromWeights(file);
            m.build();
        });
    }

    private void build() {
        int id = ++counter;
        int vocab = model.cfg().d_vocab();
        names = SyntheticLanguage.tokenNames(vocab);
        HTMLElement live = Dom.create("div", "widget-live");
        HTMLElement row1 = Dom.create("div", "widget-controls");
        cleanInput = tokenInput(row1, "patching-clean-" + id, "Clean prompt");
        corruptedInput = tokenInput(row1, "patching-corrupted-" + id, "Corrupted prompt");
        HTMLButtonElement fresh = Dom.create("button", null).cast();
        fresh.setAttribute("type", "button");
        fresh.setTextContent("New random prompt");
        row1.appendChild(fresh);

        HTMLElement row2 = Dom.create("div", "widget-controls");
        answer = select(row2, "patching-answer-" + id, "Clean answer");
        wrong = select(row2, "patching-wrong-" + id, "Corrupted answer");
        for (int i = 0; i < vocab; i++) {
            option(answer, Integer.toString(i), names[i]);
            option(wrong, Integer.toString(i), names[i]);
        }
        view = select(row2, "patching-view-" + id, "Patch");
        for (String v : ActivationPatching.VIEWS) {
            option(view, v, PatchingView.viewTitle(v));
        }
        metric = select(row2, "patching-metric-" + id, "Metric");
        for (String m : ActivationPatching.METRICS) {
            option(metric, m, PatchingView.metricTitle(m));
        }

        message = Dom.create("p", "widget-message");
        message.setAttribute("role", "status");
        canvas = Dom.create("canvas", "widget-canvas").cast();
        canvas.setAttribute("role", "img");
        canvas.setTabIndex(0);
        painter = new CanvasPainter(canvas, PatchingView.WIDTH, PatchingView.HEIGHT);
        readout = Dom.create("output", "widget-readout");
        readout.setAttribute("aria-live", "polite");
        live.appendChild(row1);
        live.appendChild(row2);
        live.appendChild(message);
        live.appendChild(canvas);
        live.appendChild(readout);

        restore();
        Dom.showLive(figure, live);
        cleanInput.addEventListener("change", e -> readPrompts());
        corruptedInput.addEventListener("change", e -> readPrompts());
        answer.addEventListener("change", e -> readPrompts());
        wrong.addEventListener("change", e -> readPrompts());
        view.addEventListener("change", e -> changed());
        metric.addEventListener("change", e -> changed());
        fresh.addEventListener("click", e -> {
            int half = Math.min(10, model.cfg().n_ctx() / 2);
            setPrompts(ActivationPatching.inductionPrompts(random, vocab, half, 1 + random.nextInt(half - 2)));
            changed();
        });
        canvas.addEventListener("pointermove", e -> point((MouseEvent) e));
        canvas.addEventListener("pointerdown", e -> point((MouseEvent) e));
        canvas.addEventListener("keydown", e -> key((KeyboardEvent) e));
        canvas.addEventListener("focus", e -> {
            if (row < 0) {
                moveTo(0, 0);
            }
        });
        recompute();
        painter.follow(() -> {
            if (experiment != null) {
                redraw();
            }
        });
        figure.setAttribute("data-state", "ready");
    }

    private HTMLInputElement tokenInput(HTMLElement row, String id, String text) {
        HTMLInputElement input = Dom.create("input", "widget-tokens").cast();
        input.setType("text");
        input.setAttribute("id", id);
        input.setAttribute("spellcheck", "false");
        row.appendChild(Dom.label(id, text));
        row.appendChild(input);
        return input;
    }

    private HTMLSelectElement select(HTMLElement row, String id, String text) {
        HTMLSelectElement s = Dom.create("select", null).cast();
        s.setAttribute("id", id);
        row.appendChild(Dom.label(id, text));
        row.appendChild(s);
        return s;
    }

    private static void option(HTMLSelectElement select, String value, String text) {
        HTMLOptionElement o = Dom.create("option", null).cast();
        o.setValue(value);
        o.setTextContent(text);
        select.appendChild(o);
    }

    /** The shared link's state, else the figure's options and the default induction prompts. */
    private void restore() {
        String state = WidgetState.forFigure(figure.getAttribute("id"));
        choose(view, WidgetState.value(state, "view"), Dom.option(figure, "view"));
        choose(metric, WidgetState.value(state, "metric"), Dom.option(figure, "metric"));
        setPrompts(PatchingView.defaultPrompts(model));
        String clean = WidgetState.value(state, "clean");
        if (clean != null) {
            cleanInput.setValue(clean.replace('.', ' '));
            corruptedInput.setValue(String.valueOf(WidgetState.value(state, "corrupted")).replace('.', ' '));
            answer.setValue(id(WidgetState.value(state, "answer")));
            wrong.setValue(id(WidgetState.value(state, "wrong")));
            if (!parsePrompts()) {
                setPrompts(PatchingView.defaultPrompts(model));
            }
        }
        String cell = WidgetState.value(state, "cell");
        if (cell != null && cell.indexOf('.') > 0) {
            try {
                row = Integer.parseInt(cell.substring(0, cell.indexOf('.')));
                col = Integer.parseInt(cell.substring(cell.indexOf('.') + 1));
            } catch (NumberFormatException e) {
                row = -1;
            }
        }
    }

    private static void choose(HTMLSelectElement select, String shared, String option) {
        String value = shared != null ? shared : option;
        if (value != null && !value.isEmpty()) {
            select.setValue(value);
        }
        if (select.getSelectedIndex() < 0) {
            select.setSelectedIndex(0);
        }
    }

    /** The id of the token called {@code name}, as a select value ("" when unknown). */
    private String id(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return Integer.toString(i);
            }
        }
        return "";
    }

    private void setPrompts(ActivationPatching.Prompts p) {
        prompts = p;
        cleanInput.setValue(AttentionView.format(p.clean()));
        corruptedInput.setValue(AttentionView.format(p.corrupted()));
        answer.setValue(Integer.toString(p.answer()));
        wrong.setValue(Integer.toString(p.wrong()));
        message.setTextContent("");
    }

    private void readPrompts() {
        if (parsePrompts()) {
            changed();
        }
    }

    /** Reads the four prompt controls; on a problem says what is wrong and keeps the last good prompts. */
    private boolean parsePrompts() {
        int vocab = model.cfg().d_vocab();
        try {
            int[] clean = AttentionView.parse(cleanInput.getValue(), vocab);
            int[] corrupted = AttentionView.parse(corruptedInput.getValue(), vocab);
            if (clean.length > model.cfg().n_ctx() || corrupted.length > model.cfg().n_ctx()) {
                throw new IllegalArgumentException("this model reads at most " + model.cfg().n_ctx() + " tokens");
            }
            if (answer.getSelectedIndex() < 0 || wrong.getSelectedIndex() < 0) {
                throw new IllegalArgumentException("choose both answers");
            }
            prompts = new ActivationPatching.Prompts(clean, corrupted, Integer.parseInt(answer.getValue()),
                    Integer.parseInt(wrong.getValue()));
            message.setTextContent("");
            return true;
        } catch (IllegalArgumentException e) {
            message.setTextContent(e.getMessage());
            return false;
        }
    }

    private void changed() {
        touched = true;
        recompute();
        save();
    }

    /**
     * Starts the experiment for the current controls (the clean and corrupted runs, reused from the last
     * experiment when only the view, the metric or the answers changed), draws it with every cell pending at
     * once, and computes the patched runs from the next frame on, frame by frame: the frame that answers the
     * input carries at most the two runs and the drawing.
     */
    private void recompute() {
        experiment = ActivationPatching.start(model, prompts, view.getValue(), metric.getValue(), experiment);
        if (row >= experiment.rows() || col >= experiment.cols()) {
            row = -1;
            col = -1;
        }
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
        double[] at = painter.at(event); // in the arrangement shown
        int[] cell = PatchingView.cellAt(experiment, painter.narrow(), at[0], at[1]);
        if (cell != null && (cell[0] != row || cell[1] != col)) {
            moveTo(cell[0], cell[1]);
        }
    }

    private void key(KeyboardEvent event) {
        int r = Math.max(row, 0);
        int c = Math.max(col, 0);
        switch (event.getKey()) {
            case "ArrowUp" -> r = Math.max(0, r - 1);
            case "ArrowDown" -> r = Math.min(experiment.rows() - 1, r + 1);
            case "ArrowLeft" -> c = Math.max(0, c - 1);
            case "ArrowRight" -> c = Math.min(experiment.cols() - 1, c + 1);
            case "Home" -> c = 0;
            case "End" -> c = experiment.cols() - 1;
            default -> {
                return;
            }
        }
        event.preventDefault();
        moveTo(r, c);
    }

    private void moveTo(int r, int c) {
        row = r;
        col = c;
        touched = true;
        redraw();
        save();
    }

    private void save() {
        if (!touched) {
            return;
        }
        WidgetState.save(figure.getAttribute("id"), "view=" + view.getValue() + "&metric=" + metric.getValue()
                + "&clean=" + join(prompts.clean()) + "&corrupted=" + join(prompts.corrupted())
                + "&answer=" + names[prompts.answer()] + "&wrong=" + names[prompts.wrong()]
                + (row >= 0 ? "&cell=" + row + "." + col : ""));
    }

    private String join(int[] tokens) {
        StringBuilder s = new StringBuilder();
        for (int t : tokens) {
            s.append(s.length() == 0 ? "" : ".").append(names[t]);
        }
        return s.toString();
    }

    private void redraw() {
        PatchingView.paint(painter, experiment, names, row, col);
        canvas.setAttribute("data-progress", experiment.computed() + "/" + experiment.cells());
        canvas.setAttribute("aria-label", PatchingView.describe(experiment, names));
        readout.setTextContent(row >= 0 ? PatchingView.readout(experiment, names, row, col)
                : "Point at a cell, or focus the heatmap and use the arrow keys.");
    }
}
