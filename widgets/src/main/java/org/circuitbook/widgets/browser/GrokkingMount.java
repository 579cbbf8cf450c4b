package org.circuitbook.widgets.browser;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.weights.Json;
import org.circuitbook.widgets.widget.GrokkingView;
import org.circuitbook.widgets.widget.WeightFiles;
import org.teavm.jso.dom.html.HTMLCanvasElement;
import org.teavm.jso.dom.html.HTMLElement;
import org.teavm.jso.dom.html.HTMLInputElement;

/**
 * The grokking widget: a scrubber over the modular-addition transformer's training checkpoints, drawing the
 * recorded curves, phases and Fourier spectrum ({@link GrokkingView}) at once from the final file's
 * metrics, and the logits for the reader's a and b from that checkpoint's weights, fetched when first
 * needed. The fragment {@code #ID:step=S&a=A&b=B} restores a shared state.
 */
final class GrokkingMount {
    private static int counter;

    private final HTMLElement figure;
    private final List<String> urls = new ArrayList<>(); // checkpoints by step, then the final model
    private final Map<Integer, HookedTransformer> loaded = new HashMap<>();
    private GrokkingView.Run run;
    private int p;
    private int at;
    private int a = 12;
    private int b = 30;
    private boolean touched;
    private HTMLInputElement slider;
    private HTMLElement stepOut;
    private HTMLInputElement inputA;
    private HTMLInputElement inputB;
    private HTMLCanvasElement canvas;
    private CanvasPainter painter;

    private GrokkingMount(HTMLElement figure) {
        this.figure = figure;
    }

    static void mount(HTMLElement figure) {
        GrokkingMount m = new GrokkingMount(figure);
        WeightFiles files = Dom.weightFiles(figure);
        if (files == null) {
            return;
        }
        m.urls.addAll(files.urls());
        String finalUrl = files.finalUrl();
        Dom.loadWeights(figure, finalUrl, "the model weights", file -> {
            HookedTransformer model = HookedTransformer.fromWeights(file);
            m.p = model.cfg().d_vocab_out();
            m.run = GrokkingView.fromMetrics((Map<?, ?>) Json.parse(file.metadata().get("metrics")), m.p);
            m.loaded.put(m.urls.size() - 1, model);
            m.at = m.urls.size() - 1;
            m.build();
        });
    }

    private void build() {
        int id = ++counter;
        HTMLElement live = Dom.create("div", "widget-live");
        HTMLElement controls = Dom.create("div", "widget-controls");
        slider = Dom.create("input", null).cast();
        slider.setType("range");
        slider.setAttribute("id", "grokking-step-" + id);
        slider.setAttribute("min", "0");
        slider.setAttribute("max", Integer.toString(run.size() - 1));
        slider.setAttribute("step", "1");
        stepOut = Dom.create("output", null);
        stepOut.setAttribute("for", "grokking-step-" + id);
        controls.appendChild(Dom.label("grokking-step-" + id, "Training step"));
        controls.appendChild(slider);
        controls.appendChild(stepOut);
        inputA = number("grokking-a-" + id);
        inputB = number("grokking-b-" + id);
        controls.appendChild(Dom.label("grokking-a-" + id, "a"));
        controls.appendChild(inputA);
        controls.appendChild(Dom.label("grokking-b-" + id, "b"));
        controls.appendChild(inputB);
        canvas = Dom.create("canvas", "widget-canvas").cast();
        canvas.setAttribute("role", "img");
        painter = new CanvasPainter(canvas, GrokkingView.WIDTH, GrokkingView.HEIGHT);
        live.appendChild(controls);
        live.appendChild(canvas);

        a = 12 % p; // the static drawing's inputs (StaticWidgets)
        b = 30 % p;
        String state = WidgetState.forFigure(figure.getAttribute("id"));
        String step = WidgetState.value(state, "step");
        for (int i = 0; step != null && i < run.size(); i++) {
            if (Integer.toString(run.step(i)).equals(step)) {
                at = i;
            }
        }
        a = clamp(WidgetState.value(state, "a"), a);
        b = clamp(WidgetState.value(state, "b"), b);
        slider.setValue(Integer.toString(at));
        inputA.setValue(Integer.toString(a));
        inputB.setValue(Integer.toString(b));

        Dom.showLive(figure, live);
        slider.addEventListener("input", e -> {
            at = Integer.parseInt(slider.getValue());
            touched = true;
            update();
        });
        inputA.addEventListener("input", e -> {
            a = clamp(inputA.getValue(), a);
            touched = true;
            update();
        });
        inputB.addEventListener("input", e -> {
            b = clamp(inputB.getValue(), b);
            touched = true;
            update();
        });
        update();
        painter.follow(this::update);
        figure.setAttribute("data-state", "ready");
    }

    private int clamp(String text, int fallback) {
        try {
            int v = Integer.parseInt(text.trim());
            return v >= 0 && v < p ? v : fallback;
        } catch (RuntimeException e) {
            return fallback;
        }
    }

    private HTMLInputElement number(String id) {
        HTMLInputElement input = Dom.create("input", "widget-number").cast();
        input.setType("number");
        input.setAttribute("id", id);
        input.setAttribute("min", "0");
        input.setAttribute("max", Integer.toString(p - 1));
        return input;
    }

    /** Redraws at once from the metrics; the logits follow when the checkpoint's weights are in. */
    private void update() {
        int index = at;
        stepOut.setTextContent(run.step(index) + (index == run.size() - 1 ? " (final)" : ""));
        HookedTransformer model = loaded.get(index);
        double[] logits = model == null ? null : GrokkingView.logits(model, a, b, p);
        GrokkingView.paint(painter, run, index, a, b, logits);
        canvas.setAttribute("aria-label", GrokkingView.describe(run, index, a, b, logits));
        if (touched) {
            WidgetState.save(figure.getAttribute("id"), "step=" + run.step(index) + "&a=" + a + "&b=" + b);
        }
        if (model == null) {
            figure.setAttribute("data-state", "loading");
            Dom.loadWeights(figure, urls.get(index), "a checkpoint", file -> {
                loaded.put(index, HookedTransformer.fromWeights(file));
                figure.setAttribute("data-state", "ready");
                if (at == index) {
                    update();
                }
            });
        }
    }
}
