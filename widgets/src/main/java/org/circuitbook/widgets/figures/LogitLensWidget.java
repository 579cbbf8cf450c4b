package org.circuitbook.widgets.figures;

import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.browser.Mounts;
import org.circuitbook.widgets.data.SyntheticLanguage;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.model.LogitLens;
import org.circuitbook.widgets.weights.SafeTensors;
import org.circuitbook.widgets.widget.AttentionView;
import org.circuitbook.widgets.widget.Control;
import org.circuitbook.widgets.widget.Controls;
import org.circuitbook.widgets.widget.Drawing;
import org.circuitbook.widgets.widget.LiveFigure;
import org.circuitbook.widgets.widget.LiveMount;
import org.circuitbook.widgets.widget.LogitLensView;
import org.circuitbook.widgets.widget.ModelFile;
import org.circuitbook.widgets.widget.ModelInfo;
import org.circuitbook.widgets.widget.Widget;
import org.circuitbook.widgets.widget.WidgetOption;

/** The logit lens: the residual stream after the embedding and after each layer, read through the unembedding. */
public final class LogitLensWidget implements Widget {
    @Override
    public String name() {
        return "logit-lens";
    }

    @Override
    public List<String> modelKinds() {
        return List.of("attention-only");
    }

    @Override
    public String description() {
        return "the logit lens: the residual stream after the embedding and after each layer read through the "
                + "unembedding, the likeliest next token at each position and the correct one's rank and probability";
    }

    @Override
    public List<WidgetOption> options() {
        return List.of();
    }

    @Override
    public int width() {
        return LogitLensView.WIDTH;
    }

    @Override
    public int height() {
        return LogitLensView.HEIGHT;
    }

    @Override
    public WidgetOption.Problem checkModel(ModelInfo model) {
        return model.integer("n_layers", 1) < 1 ? new WidgetOption.Problem("model " + model.name()
                + " has no layer to look through", "logit-lens needs n_layers >= 1") : null;
    }

    /** The induction prompt of {@link LogitLensView#defaultPrompt}, the cursor on its last position after the last layer. */
    @Override
    public Drawing draw(Map<String, String> options, List<ModelFile> files) {
        SafeTensors file = Widgets.finalFile(files);
        if (file == null) {
            return null;
        }
        HookedTransformer model = HookedTransformer.fromWeights(file);
        LogitLens lens = LogitLensView.lens(model, LogitLensView.defaultPrompt(model));
        String[] names = SyntheticLanguage.tokenNames(model.cfg().d_vocab());
        return new Drawing(width(), height(), p -> LogitLensView.paint(p, lens, names, lens.stages() - 1, lens.positions() - 1),
                LogitLensView.describe(lens, names));
    }

    /**
     * The prompt (first the induction task: n_ctx / 2 random tokens repeated), a button for another repeated sequence and one
     * for a sample of the language, and the cursor ({@code cell=STAGE.POS}).
     */
    public static Controls controls(HookedTransformer model) {
        return Controls.of(Controls.row(
                Control.words("prompt", "Prompt", AttentionView.format(LogitLensView.defaultPrompt(model))),
                Control.action("repeat", "New repeated sequence"),
                Control.action("sample", "Sample the language"),
                Control.state("cell")));
    }

    @Override
    public Controls controls(LiveFigure figure, List<ModelFile> files) {
        SafeTensors file = Widgets.finalFile(files);
        return file == null ? Controls.NONE : controls(HookedTransformer.fromWeights(file));
    }

    @Override
    public LiveMount live() {
        return Mounts::logitLens;
    }
}
