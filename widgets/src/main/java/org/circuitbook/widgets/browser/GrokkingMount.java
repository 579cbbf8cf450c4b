package org.circuitbook.widgets.browser;

import org.circuitbook.widgets.figures.GrokkingWidget;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.widget.GrokkingView;
import org.circuitbook.widgets.widget.WeightFiles;
import org.teavm.jso.JSBody;
import org.teavm.jso.dom.events.Event;
import org.teavm.jso.dom.events.MouseEvent;
import org.teavm.jso.dom.html.HTMLElement;

/**
 * The grokking widget: a scrubber over the modular-addition transformer's training checkpoints, drawing the
 * recorded curves, phases and Fourier spectrum ({@link GrokkingView}) at once from the final file's
 * metrics, and the logits for the reader's a and b from that checkpoint's weights, fetched when first
 * needed. A click or drag on the loss chart moves the step slider to the nearest checkpoint. Its controls are
 * {@link GrokkingWidget#controls(GrokkingView.Run, int)}; the fragment
 * {@code #ID:step=S&a=A&b=B} restores a shared state.
 */
final class GrokkingMount {
    private final LivePanel panel;
    private final GrokkingView.Run run;
    private final int p;
    private final LivePanel.Checkpoints<HookedTransformer> models; // checkpoints by step, then the final model
    private boolean dragging; // a pointer pressed on the loss chart, not yet let go
    private boolean overChart; // the pointer is over the loss chart (its cursor says so)

    private GrokkingMount(HTMLElement figure, WeightFiles files, HookedTransformer model, GrokkingView.Run run) {
        this.run = run;
        this.p = model.cfg().d_vocab_out();
        models = new LivePanel.Checkpoints<>(figure, files.urls(), HookedTransformer::fromWeights);
        models.put(files.urls().size() - 1, model);
        panel = new LivePanel(figure, GrokkingWidget.controls(run, p), GrokkingView.WIDTH, GrokkingView.HEIGHT)
                .listen(key -> {
                    update();
                    return true;
                });
        // a click or a drag on the loss chart scrubs to the nearest checkpoint (keyboard users have the slider);
        // vertical swipes still scroll the page on a touch screen
        panel.canvas.getStyle().setProperty("touch-action", "pan-y");
        panel.canvas.addEventListener("pointerdown", e -> {
            MouseEvent event = (MouseEvent) e;
            double[] at = panel.painter.at(event);
            if (event.getButton() == 0 && GrokkingView.onCurves(panel.painter.narrow(), at[0], at[1])) {
                dragging = true;
                capture(panel.canvas, e);
                scrub(at[0]);
            }
        });
        panel.canvas.addEventListener("pointermove", e -> {
            double[] at = panel.painter.at((MouseEvent) e);
            if (dragging) {
                scrub(at[0]);
            } else if (GrokkingView.onCurves(panel.painter.narrow(), at[0], at[1]) != overChart) {
                overChart = !overChart; // the pointer tells that the chart can be clicked
                panel.canvas.getStyle().setProperty("cursor", overChart ? "ew-resize" : "");
            }
        });
        panel.canvas.addEventListener("pointerup", e -> dragging = false);
        panel.canvas.addEventListener("pointercancel", e -> dragging = false);
        panel.show(this::update);
    }

    /** Moves the "Training step" slider to the checkpoint nearest {@code x} on the chart: the readout, redraw and URL follow. */
    private void scrub(double x) {
        int index = GrokkingView.checkpointAt(run, panel.painter.narrow(), x);
        if (index != panel.controls.index("step")) {
            panel.controls.set("step", Integer.toString(run.step(index)));
            update();
            panel.controls.save();
        }
    }

    @JSBody(params = {"element", "event"}, script = "if (element.setPointerCapture && event.pointerId !== undefined) {"
            + " try { element.setPointerCapture(event.pointerId); } catch (e) {} }")
    private static native void capture(HTMLElement element, Event event);

    static void mount(HTMLElement figure) {
        LivePanel.loadFinal(figure, (files, file) -> {
            HookedTransformer model = HookedTransformer.fromWeights(file);
            int p = model.cfg().d_vocab_out();
            new GrokkingMount(figure, files, model,
                    GrokkingView.fromFile(file.metadata(), p));
        });
    }

    /** Redraws at once from the metrics; the logits follow when the checkpoint's weights are in. */
    private void update() {
        int index = panel.controls.index("step");
        int a = Integer.parseInt(panel.controls.value("a"));
        int b = Integer.parseInt(panel.controls.value("b"));
        HookedTransformer model = models.get(index, arrived -> {
            if (panel.controls.index("step") == arrived) {
                update();
            }
        });
        double[] logits = model == null ? null : GrokkingView.logits(model, a, b, p);
        Dom.attribute(panel.canvas, "aria-label", GrokkingView.describe(run, index, a, b, logits));
        GrokkingView.paint(panel.painter, run, index, a, b, logits);
    }
}
