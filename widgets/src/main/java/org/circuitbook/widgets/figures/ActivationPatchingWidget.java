package org.circuitbook.widgets.figures;

import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.browser.Mounts;
import org.circuitbook.widgets.data.SyntheticLanguage;
import org.circuitbook.widgets.model.ActivationPatching;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.weights.SafeTensors;
import org.circuitbook.widgets.widget.Drawing;
import org.circuitbook.widgets.widget.LiveMount;
import org.circuitbook.widgets.widget.ModelFile;
import org.circuitbook.widgets.widget.ModelInfo;
import org.circuitbook.widgets.widget.PatchingView;
import org.circuitbook.widgets.widget.Widget;
import org.circuitbook.widgets.widget.WidgetOption;

/** Clean and corrupted prompts, and what patching each clean activation into the corrupted run restores. */
final class ActivationPatchingWidget implements Widget {
    private static final List<WidgetOption> OPTIONS = List.of(
            WidgetOption.choice("view", ActivationPatching.VIEWS, "which activations are patched", "activation-patching"),
            WidgetOption.choice("metric", ActivationPatching.METRICS, "how recovery is measured", "activation-patching"));

    @Override
    public String name() {
        return "activation-patching";
    }

    @Override
    public List<String> modelKinds() {
        return List.of("attention-only");
    }

    @Override
    public String description() {
        return "clean and corrupted prompts, and what patching each clean activation (residual stream or attention "
                + "output by layer and position, or each head) into the corrupted run restores";
    }

    @Override
    public List<WidgetOption> options() {
        return OPTIONS;
    }

    @Override
    public int width() {
        return PatchingView.WIDTH;
    }

    @Override
    public int height() {
        return PatchingView.HEIGHT;
    }

    @Override
    public WidgetOption.Problem checkModel(ModelInfo model) {
        return model.integer("n_layers", 1) < 1 ? new WidgetOption.Problem("model " + model.name()
                + " has no attention layer to patch", name() + " needs n_layers >= 1") : null;
    }

    /** The experiment the live widget starts with, computed to the end. */
    @Override
    public Drawing draw(Map<String, String> options, List<ModelFile> files) {
        SafeTensors file = Widgets.finalFile(files);
        if (file == null) {
            return null;
        }
        HookedTransformer model = HookedTransformer.fromWeights(file);
        ActivationPatching.Experiment e = ActivationPatching.run(model, PatchingView.defaultPrompts(model),
                options.getOrDefault("view", ActivationPatching.VIEWS.get(0)),
                options.getOrDefault("metric", ActivationPatching.METRICS.get(0)));
        String[] names = SyntheticLanguage.tokenNames(model.cfg().d_vocab());
        return new Drawing(width(), height(), p -> PatchingView.paint(p, e, names, -1, -1),
                PatchingView.describe(e, names));
    }

    @Override
    public LiveMount live() {
        return Mounts::activationPatching;
    }
}
