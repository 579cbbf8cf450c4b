package org.circuitbook.widgets.browser;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.circuitbook.widgets.figures.SuperpositionWidget;
import org.circuitbook.widgets.model.ToyModel;
import org.circuitbook.widgets.model.ToyTraining;
import org.circuitbook.widgets.widget.Fmt;
import org.circuitbook.widgets.widget.SuperpositionView;
import org.teavm.jso.browser.Performance;
import org.teavm.jso.browser.Window;
import org.teavm.jso.dom.html.HTMLCanvasElement;
import org.teavm.jso.dom.html.HTMLElement;

/**
 * The superposition widget: a sparsity slider over the toy models the build trained, redrawing the
 * feature directions and W^T W of the selected one; and a fresh toy model trained in the page
 * ({@link ToyTraining}, hand-written gradients and Adam), restarted from the same seed whenever the reader
 * moves its sparsity or importance-decay slider or picks another shape, and drawn as it trains, a few
 * steps per animation frame while the figure is on screen (paused when it scrolls away).
 *
 * <p>The figure carries {@code data-weights}: space-separated URLs of one safetensors file per trained
 * model; each file's metadata says the sparsity it was trained at. Its controls are
 * {@link SuperpositionWidget#controls(org.circuitbook.widgets.widget.LiveFigure, double[], String, double)}:
 * {@code data-sparsity} picks the model shown first (default: the sparsest), unless the URL fragment carries this
 * figure's state ({@code #ID:sparsity=0.50}; {@code &live=1&s=0.9&decay=0.9&shape=5x2} for the live model).
 */
final class SuperpositionMount {
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
    private double importanceDecay = 0.9;
    private LivePanel panel;
    private HTMLElement liveStatus;
    private HTMLElement sparkline; // the live model's loss so far, one point per frame of training
    private final List<Double> losses = new ArrayList<>();
    private int sparklinePoints = -1;
    // live training: a fresh model trained in the page, restarted whenever its settings change
    private ToyTraining training;
    private boolean visible = true;
    private boolean looping;
    private int generation;

    private SuperpositionMount(HTMLElement figure, List<String> urls) {
        this.figure = figure;
        this.urls = urls;
    }

    static void mount(HTMLElement figure) {
        List<String> urls = Fmt.split(figure.getAttribute("data-weights"), ' ');
        if (urls.isEmpty()) {
            Dom.showError(figure, "superposition widget: the figure lists no weights (data-weights is empty).");
            return;
        }
        new SuperpositionMount(figure, urls).load();
    }

    /**
     * Fetches every weights file at once (one after another, ten small files took a few hundred ms more before the
     * figure was up), then, once all have come, reads them in the page's order and builds the controls; a file that
     * fails shows its error in the figure, and the figure is not built.
     */
    private void load() {
        Trained[] models = new Trained[urls.size()];
        double[] decays = new double[urls.size()];
        int[] arrived = {0};
        for (int i = 0; i < urls.size(); i++) {
            int index = i;
            String url = urls.get(i);
            Dom.loadWeights(figure, url, "the model weights", weights -> {
                String sparsity = weights.metadata().get("sparsity");
                if (sparsity == null) {
                    throw new IllegalArgumentException(url + " has no \"sparsity\" in its metadata");
                }
                models[index] = new Trained(Double.parseDouble(sparsity), ToyModel.fromWeights(weights));
                decays[index] = SuperpositionWidget.importanceDecay(weights, Double.NaN);
                if (++arrived[0] < models.length) {
                    return;
                }
                for (int k = 0; k < models.length; k++) { // as the files come in the page's order
                    trained.add(models[k]);
                    importanceDecay = Double.isNaN(decays[k]) ? importanceDecay : decays[k];
                }
                trained.sort(Comparator.comparingDouble(Trained::sparsity));
                build();
            });
        }
    }

    private void build() {
        double[] sparsities = new double[trained.size()];
        for (int i = 0; i < sparsities.length; i++) {
            sparsities[i] = trained.get(i).sparsity();
        }
        ToyModel first = trained.get(0).model();
        panel = new LivePanel(figure, SuperpositionWidget.controls(new BrowserFigure(figure), sparsities,
                first.nFeatures() + "x" + first.dHidden(), importanceDecay), SuperpositionView.WIDTH, SuperpositionView.HEIGHT);
        LiveControls controls = panel.controls;
        liveStatus = Dom.create("output", "widget-readout");
        liveStatus.setAttribute("aria-live", "off"); // every frame; the canvas's label says where it ends up
        controls.rows().get(1).appendChild(liveStatus);
        sparkline = Dom.create("span", "widget-sparkline");
        sparkline.setAttribute("aria-hidden", "true"); // the status beside it says the loss in words
        controls.rows().get(1).appendChild(sparkline);
        if (controls.on("live")) {
            setLive(true); // a shared link to the live model
        } else {
            controls.set("s", controls.value("sparsity")); // the live model starts where the slider is
        }
        panel.listen(key -> {
            if (key.equals("paused")) {
                redraw(); // says so
                loop();   // resumes where it paused
                return true;
            }
            if (key.equals("sparsity")) {
                setLive(false); // back to the build's models
            } else {
                setLive(key.equals("live") ? controls.on("live") : true); // a restart, or new settings: from step 0
            }
            redraw();
            return true;
        });
        panel.show(this::redraw);
        Dom.whenVisibilityChanges(figure, shown -> {
            visible = shown;
            if (controls.on("live")) {
                redraw(); // says it is paused, or
                loop();   // resumes training where it paused when the figure left the viewport
            }
        });
    }

    /** Turns live training on (a fresh model from the live controls' settings) or off (the build's models). */
    private void setLive(boolean on) {
        LiveControls controls = panel.controls;
        controls.set("live", on ? "1" : "");
        controls.set("paused", "");
        generation++;
        training = null;
        losses.clear();
        if (on) {
            String shape = controls.value("shape");
            int x = shape.indexOf('x');
            boolean relu = trained.get(0).model().relu();
            // seed 0 every time: the same settings train the same model, so a shared link reproduces it
            training = new ToyTraining(Integer.parseInt(shape.substring(0, x)), Integer.parseInt(shape.substring(x + 1)),
                    relu, Double.parseDouble(controls.value("s")), Double.parseDouble(controls.value("decay")),
                    LIVE_BATCH, LIVE_LEARNING_RATE, 0);
            loop();
        }
    }

    /** Trains a few steps per animation frame while the figure is on screen, until LIVE_STEPS. */
    private void loop() {
        if (looping || !panel.controls.on("live") || panel.controls.on("paused") || !visible || training == null
                || training.steps() >= LIVE_STEPS) {
            return;
        }
        looping = true;
        int current = generation;
        Window.requestAnimationFrame(time -> {
            looping = false;
            if (current != generation) {
                // restarted while this frame was pending (every change the reader makes mid-training): the
                // restart's own loop() found this frame pending and left, so the new run starts here
                loop();
                return;
            }
            if (!panel.controls.on("live") || panel.controls.on("paused") || !visible) {
                return; // switched off, paused, or scrolled away: loop() resumes it
            }
            double start = Performance.now();
            int n = 0;
            while (training.steps() < LIVE_STEPS && n < LIVE_STEPS_PER_FRAME
                    && Performance.now() - start < LIVE_MS_PER_FRAME) {
                training.step();
                n++;
            }
            if (n > 0) {
                losses.add(training.loss());
            }
            redraw();
            loop();
        });
    }

    private void redraw() {
        HTMLCanvasElement canvas = panel.canvas;
        if (panel.controls.on("live") && training != null) {
            ToyModel model = training.model();
            String status = "step " + training.steps() + " of " + LIVE_STEPS + ", loss "
                    + (training.steps() == 0 ? "-" : Fmt.fixed(training.loss(), 4))
                    + (training.steps() >= LIVE_STEPS ? "" : panel.controls.on("paused") ? " (paused)"
                    : !visible ? " (paused off screen)" : "");
            Dom.text(liveStatus, status);
            sparkline.removeAttribute("hidden");
            drawSparkline();
            canvas.setAttribute("data-steps", Integer.toString(training.steps()));
            canvas.setAttribute("aria-label", "Trained live in this page, " + status + ". "
                    + SuperpositionView.describe(model, training.sparsity()));
            SuperpositionView.paint(panel.painter, model, training.sparsity());
            return;
        }
        Trained t = trained.get(panel.controls.index("sparsity"));
        Dom.text(liveStatus, "");
        Dom.attribute(sparkline, "hidden", "");
        canvas.removeAttribute("data-steps");
        Dom.attribute(canvas, "aria-label", SuperpositionView.describe(t.model(), t.sparsity()));
        SuperpositionView.paint(panel.painter, t.model(), t.sparsity());
    }

    /**
     * The loss curve of the live model beside its status: loss against training step, on a log scale from the
     * highest loss so far to the lowest (an SVG polyline; numbers only, nothing the reader typed).
     */
    private void drawSparkline() {
        if (losses.size() == sparklinePoints) {
            return;
        }
        sparklinePoints = losses.size();
        StringBuilder points = new StringBuilder();
        double top = Double.NEGATIVE_INFINITY;
        double bottom = Double.POSITIVE_INFINITY;
        for (double l : losses) {
            top = Math.max(top, Math.log(Math.max(1e-12, l)));
            bottom = Math.min(bottom, Math.log(Math.max(1e-12, l)));
        }
        double range = Math.max(1e-9, top - bottom);
        for (int i = 0; i < losses.size(); i++) {
            double x = 120.0 * (i + 1) * LIVE_STEPS_PER_FRAME / LIVE_STEPS;
            double y = 2 + 20 * (top - Math.log(Math.max(1e-12, losses.get(i)))) / range;
            points.append(i == 0 ? "" : " ").append(Fmt.fixed(Math.min(120, x), 1)).append(',').append(Fmt.fixed(y, 1));
        }
        sparkline.setInnerHTML("<svg viewBox=\"0 0 120 24\" width=\"100%\" height=\"100%\" preserveAspectRatio=\"none\">"
                + "<line x1=\"0\" y1=\"23.5\" x2=\"120\" y2=\"23.5\" stroke=\"currentColor\" stroke-opacity=\"0.3\"/>"
                + "<polyline fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.5\" vector-effect=\"non-scaling-stroke\""
                + " points=\"" + points + "\"/></svg>");
    }
}
