package org.circuitbook.widgets.browser;

import java.util.Map;
import org.circuitbook.widgets.figures.GrokkingWidget;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.weights.Json;
import org.circuitbook.widgets.widget.GrokkingView;
import org.circuitbook.widgets.widget.WeightFiles;
import org.teavm.jso.dom.html.HTMLElement;

/**
 * The grokking widget: a scrubber over the modular-addition transformer's training checkpoints, drawing the
 * recorded curves, phases and Fourier spectrum ({@link GrokkingView}) at once from the final file's
 * metrics, and the logits for the reader's a and b from that checkpoint's weights, fetched when first
 * needed. Its controls are {@link GrokkingWidget#controls(GrokkingView.Run, int)}; the fragment
 * {@code #ID:step=S&a=A&b=B} restores a shared state.
 */
final class GrokkingMount {
    private final LivePanel panel;
    private final GrokkingView.Run run;
    private final int p;
    private final LivePanel.Checkpoints<HookedTransformer> models; // checkpoints by step, then the final model

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
        panel.show(this::update);
    }

    static void mount(HTMLElement figure) {
        LivePanel.loadFinal(figure, (files, file) -> {
            HookedTransformer model = HookedTransformer.fromWeights(file);
            int p = model.cfg().d_vocab_out();
            new GrokkingMount(figure, files, model,
                    GrokkingView.fromMetrics((Map<?, ?>) Json.parse(file.metadata().get("metrics")), p));
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
