package org.circuitbook.widgets.figures;

import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.browser.Mounts;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.model.LogitLens;
import org.circuitbook.widgets.weights.SafeTensors;
import org.circuitbook.widgets.widget.Control;
import org.circuitbook.widgets.widget.Controls;
import org.circuitbook.widgets.widget.Drawing;
import org.circuitbook.widgets.widget.LiveFigure;
import org.circuitbook.widgets.widget.LiveMount;
import org.circuitbook.widgets.widget.LogitLensView;
import org.circuitbook.widgets.widget.ModelFile;
import org.circuitbook.widgets.widget.ModelInfo;
import org.circuitbook.widgets.widget.TokenNames;
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
        return List.of("attention-only", "imported");
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

    /**
     * A model whose spec says it has no layer is refused; an imported model's spec does not say (its file does), so it
     * is accepted, and a layerless one is drawn with its one stage, the embedding.
     */
    @Override
    public WidgetOption.Problem checkModel(ModelInfo model) {
        if (!(model.values().get("n_layers") instanceof Number)) {
            return model.importedOtherThan("transformer-lens", name());
        }
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
        String[] names = TokenNames.of(file, model.cfg()).names();
        return new Drawing(width(), height(), p -> LogitLensView.paint(p, lens, names, lens.stages() - 1, lens.positions() - 1),
                LogitLensView.describe(lens, names));
    }

    /**
     * The prompt (first the induction task: n_ctx / 2 random tokens repeated, written with {@code names}), a button for
     * another repeated sequence and, for a model trained on the book's synthetic language, one for a sample of it, and
     * the cursor ({@code cell=STAGE.POS}).
     */
    public static Controls controls(HookedTransformer model, TokenNames names) {
        Control prompt = Control.words("prompt", "Prompt", names.format(LogitLensView.defaultPrompt(model)));
        Control repeat = Control.action("repeat", "New repeated sequence");
        Control cell = Control.state("cell");
        return names.hasLanguage() ? Controls.of(Controls.row(prompt, repeat, Control.action("sample", "Sample the language"), cell))
                : Controls.of(Controls.row(prompt, repeat, cell));
    }

    @Override
    public Controls controls(LiveFigure figure, List<ModelFile> files) {
        SafeTensors file = Widgets.finalFile(files);
        if (file == null) {
            return Controls.NONE;
        }
        HookedTransformer model = HookedTransformer.fromWeights(file);
        return controls(model, TokenNames.of(file, model.cfg()));
    }

    @Override
    public LiveMount live() {
        return Mounts::logitLens;
    }
}
