package org.circuitbook.widgets.browser;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.circuitbook.widgets.model.ToyModel;
import org.circuitbook.widgets.weights.SafeTensors;
import org.circuitbook.widgets.widget.Fmt;
import org.circuitbook.widgets.widget.SuperpositionView;
import org.teavm.jso.dom.html.HTMLCanvasElement;
import org.teavm.jso.dom.html.HTMLElement;
import org.teavm.jso.dom.html.HTMLInputElement;
import org.teavm.jso.typedarrays.Int8Array;

/**
 * The superposition widget: a sparsity slider over the toy models the build trained, redrawing the
 * feature directions and W^T W of the selected one.
 *
 * <p>The figure carries {@code data-weights}: space-separated URLs of one safetensors file per trained
 * model; each file's metadata says the sparsity it was trained at. {@code data-sparsity} picks the
 * model shown first (default: the sparsest), unless the URL fragment carries this figure's state
 * ({@code #ID:sparsity=0.50}, written whenever the slider moves); {@code data-height} caps the drawing's
 * height in CSS pixels.
 */
final class SuperpositionMount {
    private static int counter;

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
        Dom.fetchWeights(figure, url).then(buffer -> {
            SafeTensors weights = SafeTensors.fromBytes(new Int8Array(buffer).copyToJavaArray());
            String sparsity = weights.metadata().get("sparsity");
            if (sparsity == null) {
                throw new IllegalArgumentException(url + " has no \"sparsity\" in its metadata");
            }
            trained.add(new Trained(Double.parseDouble(sparsity), ToyModel.fromWeights(weights)));
            load(index + 1);
            return null;
        }).catchError(error -> {
            Dom.showError(figure, "Could not load the model weights (" + Dom.describe(error) + ").");
            return null;
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
        String height = figure.getAttribute("data-height");
        if (height != null && !height.isEmpty()) {
            // :height: caps the drawing's height; the width follows from its aspect ratio
            double maxWidth = Integer.parseInt(height) * (double) SuperpositionView.WIDTH / SuperpositionView.HEIGHT;
            canvas.getStyle().setProperty("max-width", Math.round(maxWidth) + "px");
        }
        live.appendChild(controls);
        live.appendChild(canvas);

        Dom.showLive(figure, live);
        slider.addEventListener("input", event -> {
            redraw();
            WidgetState.save(figure.getAttribute("id"), "sparsity="
                    + Fmt.fixed(trained.get(Integer.parseInt(slider.getValue())).sparsity(), 2));
        });
        redraw();
        figure.setAttribute("data-state", "ready");
    }

    private int initialIndex() {
        double[] sparsities = new double[trained.size()];
        for (int i = 0; i < sparsities.length; i++) {
            sparsities[i] = trained.get(i).sparsity();
        }
        String shared = WidgetState.value(WidgetState.forFigure(figure.getAttribute("id")), "sparsity");
        return SuperpositionView.initialIndex(sparsities, shared != null ? shared : figure.getAttribute("data-sparsity"));
    }

    private void redraw() {
        Trained t = trained.get(Integer.parseInt(slider.getValue()));
        String s = Fmt.fixed(t.sparsity(), 2);
        readout.setTextContent(s);
        slider.setAttribute("aria-valuetext", "sparsity " + s);
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
