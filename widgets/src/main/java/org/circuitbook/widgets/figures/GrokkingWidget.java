package org.circuitbook.widgets.figures;

import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.browser.Mounts;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.weights.Json;
import org.circuitbook.widgets.weights.SafeTensors;
import org.circuitbook.widgets.weights.WeightNames;
import org.circuitbook.widgets.widget.Drawing;
import org.circuitbook.widgets.widget.GrokkingView;
import org.circuitbook.widgets.widget.LiveMount;
import org.circuitbook.widgets.widget.ModelFile;
import org.circuitbook.widgets.widget.Widget;
import org.circuitbook.widgets.widget.WidgetOption;
import java.util.ArrayList;
import org.circuitbook.widgets.widget.Control;
import org.circuitbook.widgets.widget.Controls;
import org.circuitbook.widgets.widget.LiveFigure;

/** A scrubber over the modular-addition checkpoints: loss curves, the Fourier spectrum of W_E, the logits. */
public final class GrokkingWidget implements Widget {
    /** The final weights and every checkpoint: the scrubber fetches each checkpoint it shows. */
    @Override
    public boolean usesFile(String fileName) {
        return fileName.equals(WeightNames.FINAL) || WeightNames.checkpointStep(fileName) >= 0;
    }

    @Override
    public String name() {
        return "grokking";
    }

    @Override
    public List<String> modelKinds() {
        return List.of("modular-addition");
    }

    @Override
    public String description() {
        return "a scrubber over the modular-addition checkpoints: loss curves and phases, the Fourier spectrum of "
                + "W_E, and the logits for a + b at that step";
    }

    @Override
    public List<WidgetOption> options() {
        return List.of();
    }

    @Override
    public int width() {
        return GrokkingView.WIDTH;
    }

    @Override
    public int height() {
        return GrokkingView.HEIGHT;
    }

    /** The final step of the run, with the logits for the live widget's first a and b (12 + 30). */
    @Override
    public Drawing draw(Map<String, String> options, List<ModelFile> files) {
        SafeTensors file = Widgets.finalFile(files);
        if (file == null) {
            return null;
        }
        HookedTransformer model = HookedTransformer.fromWeights(file);
        int p = model.cfg().d_vocab_out();
        GrokkingView.Run run = GrokkingView.fromFile(file.metadata(), p);
        int at = run.size() - 1;
        int a = 12 % p;
        int b = 30 % p;
        double[] logits = GrokkingView.logits(model, a, b, p);
        return new Drawing(width(), height(), g -> GrokkingView.paint(g, run, at, a, b, logits),
                GrokkingView.describe(run, at, a, b, logits));
    }

    /**
     * The scrubber over the run's checkpoints by step (its last stop the final model; the URL holds the step), and
     * the two summands a and b, whole numbers below p, first 12 and 30 as in the static drawing.
     */
    public static Controls controls(GrokkingView.Run run, int p) {
        List<Control.Choice> steps = new ArrayList<>();
        for (int i = 0; i < run.size(); i++) {
            String step = Integer.toString(run.step(i));
            steps.add(new Control.Choice(step, step + (i == run.size() - 1 ? " (final)" : "")));
        }
        return Controls.of(Controls.row(
                Control.stops("step", "Training step", steps, run.size() - 1),
                Control.whole("a", "a", 0, p - 1, 12 % p),
                Control.whole("b", "b", 0, p - 1, 30 % p)));
    }

    @Override
    public Controls controls(LiveFigure figure, List<ModelFile> files) {
        SafeTensors file = Widgets.finalFile(files);
        if (file == null) {
            return Controls.NONE;
        }
        int p = HookedTransformer.fromWeights(file).cfg().d_vocab_out();
        return controls(GrokkingView.fromMetrics((Map<?, ?>) Json.parse(file.metadata().get("metrics")), p), p);
    }

    @Override
    public LiveMount live() {
        return Mounts::grokking;
    }
}
