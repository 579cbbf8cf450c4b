package org.circuitbook.widgets.browser;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.circuitbook.widgets.model.ToyModel;
import org.circuitbook.widgets.model.ToyTraining;
import org.circuitbook.widgets.weights.Json;
import org.circuitbook.widgets.widget.Fmt;
import org.circuitbook.widgets.widget.SuperpositionView;
import org.teavm.jso.browser.Performance;
import org.teavm.jso.browser.Window;
import org.teavm.jso.dom.html.HTMLButtonElement;
import org.teavm.jso.dom.html.HTMLCanvasElement;
import org.teavm.jso.dom.html.HTMLOptionElement;
import org.teavm.jso.dom.html.HTMLSelectElement;
import org.teavm.jso.dom.html.HTMLElement;
import org.teavm.jso.dom.html.HTMLInputElement;

/**
 * The superposition widget: a sparsity slider over the toy models the build trained, redrawing the
 * feature directions and W^T W of the selected one; and a fresh toy model trained in the page
 * ({@link ToyTraining}, hand-written gradients and Adam), restarted from the same seed whenever the reader
 * moves its sparsity or importance-decay slider or picks another shape, and drawn as it trains, a few
 * steps per animation frame while the figure is on screen (paused when it scrolls away).
 *
 * <p>The figure carries {@code data-weights}: space-separated URLs of one safetensors file per trained
 * model; each file's metadata says the sparsity it was trained at. {@code data-sparsity} picks the
 * model shown first (default: the sparsest), unless the URL fragment carries this figure's state
 * ({@code #ID:sparsity=0.50}, written whenever the slider moves; {@code &live=1&s=0.9&decay=0.9&shape=5x2}
 * for the live model).
 */
final class SuperpositionMount {
    private static int counter;
    private static final int LIVE_STEPS = 3000;
    private static final int LIVE_STEPS_PER_FRAME = 25; // slow enough to watch the directions organise
    /**
     * Training's share of a frame, in ms: the rest is the reader's. An input in a frame that also trains must still
     * be handled, redrawn and laid out within it; on a long chapter page the page's own style, layout and paint take
     * 4-5 ms of a frame, so 8 ms of training left inputs there at 18-20 ms p95 (bench/run).
     */
    private static final double LIVE_MS_PER_FRAME = 4;
    private static final int LIVE_BATCH = 256;
    private static final double LIVE_LEARNING_RATE = 0.01;

    /** One trained model and the sparsity it was trained at. */
    private record Trained(double sparsity, ToyModel model) {
    }

    private final HTMLElement figure;
    private final List<String> urls;
    private final List<Trained> trained = new ArrayList<>();
    private HTMLInputElement slider;
    private HTMLElement readout;
    private HTMLCanvasElement canvas;
    private CanvasPainter painter;
    private double importanceDecay = 0.9;
    // live training: a fresh model trained in the page, restarted whenever its settings change
    private HTMLButtonElement liveButton;
    private HTMLInputElement liveSparsity;
    private HTMLElement liveSparsityOut;
    private HTMLInputElement liveDecay;
    private HTMLElement liveDecayOut;
    private HTMLSelectElement liveShape;
    private HTMLElement liveStatus;
    private ToyTraining training;
    private boolean live;
    private boolean visible = true;
    private boolean looping;
    private int generation;

    private SuperpositionMount(HTMLElement figure, List<String> urls) {
        this.figure = figure;
        this.urls = urls;
    }

    static void mount(HTMLElement figure) {
        List<String> urls = splitSpaces(figure.getAttribute("data-weights"));
        if (urls.isEmpty()) {
            Dom.showError(figure, "superposition widget: the figure lists no weights (data-weights is empty).");
            return;
        }
        new SuperpositionMount(figure, urls).load(0);
    }

    /** Fetches weight files one after another, then builds the controls. */
    private void load(int index) {
        if (index == urls.size()) {
            trained.sort(Comparator.comparingDouble(Trained::sparsity));
            build();
            return;
        }
        String url = urls.get(index);
        Dom.loadWeights(figure, url, "the model weights", weights -> {
            String sparsity = weights.metadata().get("sparsity");
            if (sparsity == null) {
                throw new IllegalArgumentException(url + " has no \"sparsity\" in its metadata");
            }
            trained.add(new Trained(Double.parseDouble(sparsity), ToyModel.fromWeights(weights)));
            String spec = weights.metadata().get("spec");
            Object decay = spec == null ? null : ((java.util.Map<?, ?>) Json.parse(spec)).get("importance_decay");
            if (decay instanceof Number number) {
                importanceDecay = number.doubleValue();
            }
            load(index + 1);
        });
    }

    private void build() {
        String id = "superposition-" + (++counter);
        HTMLElement live = Dom.create("div", "widget-live");
        HTMLElement controls = Dom.create("div", "widget-controls");
        HTMLElement label = Dom.label(id, "Sparsity");
        slider = Dom.create("input", null).cast();
        slider.setType("range");
        slider.setAttribute("id", id);
        slider.setAttribute("min", "0");
        slider.setAttribute("max", Integer.toString(trained.size() - 1));
        slider.setAttribute("step", "1");
        slider.setValue(Integer.toString(initialIndex()));
        readout = Dom.create("output", null);
        readout.setAttribute("for", id);
        readout.setAttribute("aria-live", "polite");
        controls.appendChild(label);
        controls.appendChild(slider);
        controls.appendChild(readout);

        canvas = Dom.create("canvas", "widget-canvas").cast();
        canvas.setAttribute("role", "img");
        painter = new CanvasPainter(canvas, SuperpositionView.WIDTH, SuperpositionView.HEIGHT);
        live.appendChild(controls);
        live.appendChild(liveControls(id));
        live.appendChild(canvas);

        Dom.showLive(figure, live);
        slider.addEventListener("input", event -> {
            if (this.live) {
                setLive(false);
            }
            redraw();
            save();
        });
        restoreLive();
        redraw();
        painter.follow(this::redraw);
        Dom.whenVisibilityChanges(figure, shown -> {
            visible = shown;
            if (this.live) {
                redraw(); // says it is paused, or
                loop();   // resumes training where it paused when the figure left the viewport
            }
        });
        figure.setAttribute("data-state", "ready");
    }

    /** The controls of the live model: a toggle, its sparsity, importance decay and shape, and its progress. */
    private HTMLElement liveControls(String id) {
        HTMLElement row = Dom.create("div", "widget-controls");
        liveButton = Dom.create("button", null).cast();
        liveButton.setAttribute("type", "button");
        liveButton.setAttribute("aria-pressed", "false");
        liveButton.setTextContent("Train a fresh model here");
        row.appendChild(liveButton);
        liveSparsity = range(row, id + "-live-sparsity", "Its sparsity", "0", "0.99", "0.01");
        liveSparsityOut = output(row, id + "-live-sparsity");
        liveDecay = range(row, id + "-live-decay", "Importance decay", "0.5", "1", "0.01");
        liveDecayOut = output(row, id + "-live-decay");
        liveShape = Dom.create("select", null).cast();
        liveShape.setAttribute("id", id + "-live-shape");
        ToyModel first = trained.get(0).model();
        String own = first.nFeatures() + "x" + first.dHidden();
        for (String shape : new String[] {own, "5x2", "8x2", "20x5"}) {
            if (liveShape.querySelector("option[value='" + shape + "']") == null) {
                HTMLOptionElement o = Dom.create("option", null).cast();
                o.setValue(shape);
                int x = shape.indexOf('x');
                o.setTextContent(shape.substring(0, x) + " features in " + shape.substring(x + 1) + " dimensions");
                liveShape.appendChild(o);
            }
        }
        row.appendChild(Dom.label(id + "-live-shape", "Shape"));
        row.appendChild(liveShape);
        liveStatus = Dom.create("output", "widget-readout");
        liveStatus.setAttribute("aria-live", "off"); // every frame; the canvas's label says where it ends up
        row.appendChild(liveStatus);
        // tick marks where the build trained its models, and at the spec's importance decay
        List<String> stops = new ArrayList<>();
        for (Trained t : trained) {
            String s = Fmt.fixed(Math.min(0.99, t.sparsity()), 2);
            if (!stops.contains(s)) {
                stops.add(s);
            }
        }
        Dom.ticks(liveSparsity, stops);
        List<String> decays = new ArrayList<>(List.of("0.50", "1.00"));
        if (importanceDecay > 0.5 && importanceDecay < 1) {
            decays.add(1, Fmt.fixed(importanceDecay, 2));
        }
        Dom.ticks(liveDecay, decays);
        liveSparsity.setValue(Fmt.fixed(trained.get(Integer.parseInt(slider.getValue())).sparsity(), 2));
        liveDecay.setValue(Fmt.fixed(importanceDecay, 2));
        liveButton.addEventListener("click", e -> {
            setLive(!live);
            redraw();
            save();
        });
        for (HTMLElement control : new HTMLElement[] {liveSparsity, liveDecay, liveShape}) {
            control.addEventListener(control == liveShape ? "change" : "input", e -> {
                setLive(true);
                redraw();
                save();
            });
        }
        return row;
    }

    private static HTMLInputElement range(HTMLElement row, String id, String text, String min, String max, String step) {
        HTMLInputElement input = Dom.create("input", null).cast();
        input.setType("range");
        input.setAttribute("id", id);
        input.setAttribute("min", min);
        input.setAttribute("max", max);
        input.setAttribute("step", step);
        row.appendChild(Dom.label(id, text));
        row.appendChild(input);
        return input;
    }

    private static HTMLElement output(HTMLElement row, String forId) {
        HTMLElement out = Dom.create("output", null);
        out.setAttribute("for", forId);
        row.appendChild(out);
        return out;
    }

    /** Turns live training on (a fresh model from the live controls' settings) or off (the build's models). */
    private void setLive(boolean on) {
        live = on;
        liveButton.setAttribute("aria-pressed", on ? "true" : "false");
        liveButton.setTextContent(on ? "Show the build's models" : "Train a fresh model here");
        generation++;
        training = null;
        if (on) {
            String shape = liveShape.getValue();
            int x = shape.indexOf('x');
            boolean relu = trained.get(0).model().relu();
            // seed 0 every time: the same settings train the same model, so a shared link reproduces it
            training = new ToyTraining(Integer.parseInt(shape.substring(0, x)), Integer.parseInt(shape.substring(x + 1)),
                    relu, Double.parseDouble(liveSparsity.getValue()), Double.parseDouble(liveDecay.getValue()),
                    LIVE_BATCH, LIVE_LEARNING_RATE, 0);
            loop();
        }
    }

    /** Trains a few steps per animation frame while the figure is on screen, until LIVE_STEPS. */
    private void loop() {
        if (looping || !live || !visible || training == null || training.steps() >= LIVE_STEPS) {
            return;
        }
        looping = true;
        int current = generation;
        Window.requestAnimationFrame(time -> {
            looping = false;
            if (current != generation || !live || !visible) {
                return; // restarted, switched off, or scrolled away: loop() resumes it
            }
            double start = Performance.now();
            int n = 0;
            while (training.steps() < LIVE_STEPS && n < LIVE_STEPS_PER_FRAME
                    && Performance.now() - start < LIVE_MS_PER_FRAME) {
                training.step();
                n++;
            }
            redraw();
            loop();
        });
    }

    private void restoreLive() {
        String state = WidgetState.forFigure(figure.getAttribute("id"));
        if (!"1".equals(WidgetState.value(state, "live"))) {
            return;
        }
        String s = WidgetState.value(state, "s");
        String decay = WidgetState.value(state, "decay");
        String shape = WidgetState.value(state, "shape");
        if (s != null) {
            liveSparsity.setValue(s);
        }
        if (decay != null) {
            liveDecay.setValue(decay);
        }
        if (shape != null) {
            liveShape.setValue(shape);
            if (liveShape.getSelectedIndex() < 0) {
                liveShape.setSelectedIndex(0);
            }
        }
        setLive(true);
    }

    private void save() {
        String state = "sparsity=" + Fmt.fixed(trained.get(Integer.parseInt(slider.getValue())).sparsity(), 2);
        if (live) {
            state += "&live=1&s=" + liveSparsity.getValue() + "&decay=" + liveDecay.getValue() + "&shape="
                    + liveShape.getValue();
        }
        WidgetState.save(figure.getAttribute("id"), state);
    }

    private int initialIndex() {
        double[] sparsities = new double[trained.size()];
        for (int i = 0; i < sparsities.length; i++) {
            sparsities[i] = trained.get(i).sparsity();
        }
        String shared = WidgetState.value(WidgetState.forFigure(figure.getAttribute("id")), "sparsity");
        return SuperpositionView.initialIndex(sparsities, shared != null ? shared : Dom.option(figure, "sparsity"));
    }

    private void redraw() {
        Trained t = trained.get(Integer.parseInt(slider.getValue()));
        String s = Fmt.fixed(t.sparsity(), 2);
        readout.setTextContent(s);
        slider.setAttribute("aria-valuetext", "sparsity " + s);
        liveSparsityOut.setTextContent(Fmt.fixed(Double.parseDouble(liveSparsity.getValue()), 2));
        liveDecayOut.setTextContent(Fmt.fixed(Double.parseDouble(liveDecay.getValue()), 2));
        if (live && training != null) {
            ToyModel model = training.model();
            String status = "step " + training.steps() + " of " + LIVE_STEPS + ", loss "
                    + (training.steps() == 0 ? "-" : Fmt.fixed(training.loss(), 4))
                    + (training.steps() < LIVE_STEPS && !visible ? " (paused off screen)" : "");
            liveStatus.setTextContent(status);
            canvas.setAttribute("data-steps", Integer.toString(training.steps()));
            canvas.setAttribute("aria-label", "Trained live in this page, " + status + ". "
                    + SuperpositionView.describe(model, training.sparsity()));
            SuperpositionView.paint(painter, model, training.sparsity());
            return;
        }
        liveStatus.setTextContent("");
        canvas.removeAttribute("data-steps");
        canvas.setAttribute("aria-label", SuperpositionView.describe(t.model(), t.sparsity()));
        SuperpositionView.paint(painter, t.model(), t.sparsity());
    }

    private static List<String> splitSpaces(String text) {
        List<String> parts = new ArrayList<>();
        if (text == null) {
            return parts;
        }
        int start = -1;
        for (int i = 0; i <= text.length(); i++) {
            boolean space = i == text.length() || text.charAt(i) == ' ';
            if (space && start >= 0) {
                parts.add(text.substring(start, i));
                start = -1;
            } else if (!space && start < 0) {
                start = i;
            }
        }
        return parts;
    }
}
