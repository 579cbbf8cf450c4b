package org.circuitbook.widgets.figures;

import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.browser.Mounts;
import org.circuitbook.widgets.data.SyntheticLanguage;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.weights.SafeTensors;
import org.circuitbook.widgets.widget.CircuitsView;
import org.circuitbook.widgets.widget.Drawing;
import org.circuitbook.widgets.widget.LiveMount;
import org.circuitbook.widgets.widget.ModelFile;
import org.circuitbook.widgets.widget.ModelInfo;
import org.circuitbook.widgets.widget.TokenNames;
import org.circuitbook.widgets.widget.Widget;
import org.circuitbook.widgets.widget.WidgetOption;
import java.util.ArrayList;
import org.circuitbook.widgets.widget.Control;
import org.circuitbook.widgets.widget.Controls;
import org.circuitbook.widgets.widget.LiveFigure;

/** The bigram table and each head's OV and QK circuits of a zero- or one-layer attention-only model. */
public final class CircuitsWidget implements Widget {
    private static final WidgetOption VIEW = WidgetOption.choice("view", CircuitsView.VIEWS, "the table shown first",
            "circuits");
    private static final List<WidgetOption> OPTIONS = List.of(
            new WidgetOption("view", VIEW.type(), VIEW.defaultValue(), VIEW.help(), (value, model) -> {
                WidgetOption.Problem unknown = VIEW.check().check(value, model);
                if (unknown != null || value.equals("bigram") || model.integer("n_layers", 1) >= 1) {
                    return unknown;
                }
                return new WidgetOption.Problem("model " + model.name() + " has no attention layer, so no " + value
                        + " circuit", "a zero-layer model has only the bigram view");
            }),
            new WidgetOption("head", WidgetOption.Type.INTEGER, "0", "the head of layer 0 whose OV or QK circuit is shown",
                    CircuitsWidget::checkHead));

    private static WidgetOption.Problem checkHead(String value, ModelInfo model) {
        int h = -1;
        try {
            h = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            // reported below
        }
        int layers = model.integer("n_layers", 1);
        int heads = model.integer("n_heads", 1);
        if (h >= 0 && h < heads && layers >= 1) {
            return null;
        }
        return new WidgetOption.Problem("model " + model.name() + " has no head \"" + value + "\"",
                layers < 1 ? "a zero-layer model has no heads" : "heads of layer 0: 0 to " + (heads - 1));
    }

    @Override
    public String name() {
        return "circuits";
    }

    @Override
    public List<String> modelKinds() {
        return List.of("attention-only", "imported");
    }

    /** An imported transformer only where its weights read as the book's do: attention-only, no LayerNorm, square tables. */
    @Override
    public WidgetOption.Problem checkModel(ModelInfo model) {
        WidgetOption.Problem imported = model.importedWeightProducts(name());
        if (imported != null || !model.kind().equals("imported")) {
            return imported;
        }
        return model.integer("d_vocab", 0) == model.integer("d_vocab_out", 0) ? null : new WidgetOption.Problem("model "
                + model.name() + " reads " + model.integer("d_vocab", 0) + " tokens and predicts "
                + model.integer("d_vocab_out", 0) + ": circuits draws square token-by-token tables",
                "use a model with d_vocab_out = d_vocab");
    }

    @Override
    public String description() {
        return "the bigram table and each head's OV and QK circuits of a zero- or one-layer attention-only model";
    }

    @Override
    public List<WidgetOption> options() {
        return OPTIONS;
    }

    @Override
    public int width() {
        return CircuitsView.WIDTH;
    }

    @Override
    public int height() {
        return CircuitsView.HEIGHT;
    }

    @Override
    public Drawing draw(Map<String, String> options, List<ModelFile> files) {
        SafeTensors file = Widgets.finalFile(files);
        if (file == null) {
            return null;
        }
        HookedTransformer model = HookedTransformer.fromWeights(file);
        String lang = file.metadata().get("language");
        String v = options.getOrDefault("view", "bigram");
        int h = v.equals("bigram") ? -1 : Integer.parseInt(options.getOrDefault("head", "0"));
        CircuitsView.Circuit circuit = CircuitsView.circuit(model, v, h, lang == null ? null : SyntheticLanguage.fromJson(lang),
                TokenNames.of(file, model.cfg()).names());
        return new Drawing(width(), height(), p -> CircuitsView.paint(p, circuit, -1, -1), CircuitsView.describe(circuit));
    }

    /**
     * The table: the bigram table and, with an attention layer, each head's OV and QK circuit (the chapter's
     * {@code :view:} and {@code :head:} first); and the cursor on the table ({@code cell=ROW.COL}).
     */
    /** The toggle that puts every table on one colour scale (pressed: shared; {@code scale=1} in the URL). */
    public static final String SAME_SCALE = "Same scale for all tables";

    public static Controls controls(LiveFigure figure, int nLayers, int nHeads) {
        List<Control.Choice> tables = new ArrayList<>();
        tables.add(new Control.Choice("bigram", "Direct path: the bigram table"));
        for (int h = 0; nLayers > 0 && h < nHeads; h++) {
            tables.add(new Control.Choice("ov." + h, "Head 0." + h + ": OV circuit"));
            tables.add(new Control.Choice("qk." + h, "Head 0." + h + ": QK circuit"));
        }
        String v = figure.option("view");
        String head = figure.option("head");
        String first = v == null || v.equals("bigram") ? "bigram" : v + "." + (head == null ? "0" : head);
        return Controls.of(Controls.row(Control.select("view", "Table", tables, first),
                Control.toggle("scale", SAME_SCALE, SAME_SCALE), Control.state("cell")));
    }

    @Override
    public Controls controls(LiveFigure figure, List<ModelFile> files) {
        SafeTensors file = Widgets.finalFile(files);
        if (file == null) {
            return Controls.NONE;
        }
        HookedTransformer model = HookedTransformer.fromWeights(file);
        return controls(figure, model.cfg().n_layers(), model.cfg().n_heads());
    }

    @Override
    public LiveMount live() {
        return Mounts::circuits;
    }
}
