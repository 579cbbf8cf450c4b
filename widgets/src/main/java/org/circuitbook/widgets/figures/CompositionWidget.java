package org.circuitbook.widgets.figures;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.browser.Mounts;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.weights.SafeTensors;
import org.circuitbook.widgets.widget.CompositionView;
import org.circuitbook.widgets.widget.Control;
import org.circuitbook.widgets.widget.Controls;
import org.circuitbook.widgets.widget.Drawing;
import org.circuitbook.widgets.widget.LiveFigure;
import org.circuitbook.widgets.widget.LiveMount;
import org.circuitbook.widgets.widget.ModelFile;
import org.circuitbook.widgets.widget.ModelInfo;
import org.circuitbook.widgets.widget.TokenNames;
import org.circuitbook.widgets.widget.Widget;
import org.circuitbook.widgets.widget.WidgetOption;

/**
 * How the heads of a two-layer attention-only model compose: the token-by-token Q-, K- or V-composition table of a
 * layer-0 and a layer-1 head, every pair's composition score against the random baseline, every head's copying score.
 */
public final class CompositionWidget implements Widget {
    private static final List<WidgetOption> OPTIONS = List.of(
            new WidgetOption("sender", WidgetOption.Type.HEAD, "the pair whose K-composition table is most diagonal",
                    "the layer-0 head, as 0.HEAD (e.g. 0.2)", (value, model) -> checkHead(value, model, 0)),
            new WidgetOption("receiver", WidgetOption.Type.HEAD, "the pair whose K-composition table is most diagonal",
                    "the layer-1 head, as 1.HEAD (e.g. 1.1)", (value, model) -> checkHead(value, model, 1)),
            WidgetOption.choice("kind", CompositionView.KINDS, "which composition: k (keys), q (queries) or v (values)",
                    "composition"));

    private static WidgetOption.Problem checkHead(String value, ModelInfo model, int layer) {
        int heads = model.integer("n_heads", 1);
        int h = head(value, layer);
        return h >= 0 && h < heads ? null : new WidgetOption.Problem("model " + model.name() + " has no head \""
                + value + "\" in layer " + layer, "heads of layer " + layer + ": " + layer + ".0 to " + layer + "."
                + (heads - 1));
    }

    /** The head number of "LAYER.HEAD" when LAYER is {@code layer}, else -1. */
    static int head(String value, int layer) {
        String prefix = layer + ".";
        if (value == null || !value.startsWith(prefix) || value.length() == prefix.length()) {
            return -1;
        }
        try {
            return Integer.parseInt(value.substring(prefix.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public String name() {
        return "composition";
    }

    @Override
    public List<String> modelKinds() {
        return List.of("attention-only", "imported");
    }

    @Override
    public String description() {
        return "the token-by-token Q-, K- or V-composition table of a layer-0 and a layer-1 head of a two-layer "
                + "attention-only model, every pair's composition score against random heads', each head's OV copying score";
    }

    @Override
    public List<WidgetOption> options() {
        return OPTIONS;
    }

    @Override
    public int width() {
        return CompositionView.WIDTH;
    }

    @Override
    public int height() {
        return CompositionView.HEIGHT;
    }

    @Override
    public WidgetOption.Problem checkModel(ModelInfo model) {
        WidgetOption.Problem imported = model.importedWeightProducts(name());
        if (imported != null) {
            return imported;
        }
        int layers = model.integer("n_layers", 0);
        return layers < 2 ? new WidgetOption.Problem("model " + model.name() + " has " + layers + " attention layer"
                + (layers == 1 ? "" : "s") + ": composition needs a head in layer 0 and one in layer 1",
                name() + " needs n_layers >= 2 (e.g. attn-only-2l)") : null;
    }

    /** The first state: the chapter's pair and kind, or the most diagonal K-composition pair; no cursor. */
    @Override
    public Drawing draw(Map<String, String> options, List<ModelFile> files) {
        SafeTensors file = Widgets.finalFile(files);
        if (file == null) {
            return null;
        }
        HookedTransformer model = HookedTransformer.fromWeights(file);
        int[] pair = CompositionView.defaultPair(model);
        int sender = options.containsKey("sender") ? head(options.get("sender"), 0) : pair[0];
        int receiver = options.containsKey("receiver") ? head(options.get("receiver"), 1) : pair[1];
        CompositionView.Chosen c = CompositionView.choose(model,
                CompositionView.summary(model, TokenNames.of(file, model.cfg()).names()),
                options.getOrDefault("kind", CompositionView.KINDS.get(0)), sender, receiver);
        return new Drawing(width(), height(), p -> CompositionView.paint(p, c, -1, -1), CompositionView.describe(c));
    }

    /**
     * Which composition (the chapter's {@code :kind:} first), the layer-0 and the layer-1 head ({@code :sender:} and
     * {@code :receiver:} first, else {@code pair}: the most diagonal K-composition pair), and the cursor on the table
     * ({@code cell=ROW.COL}).
     */
    public static Controls controls(LiveFigure figure, int nHeads, int[] pair) {
        List<Control.Choice> kinds = new ArrayList<>();
        for (String k : CompositionView.KINDS) {
            kinds.add(new Control.Choice(k, CompositionView.kindTitle(k)));
        }
        List<Control.Choice> senders = new ArrayList<>();
        List<Control.Choice> receivers = new ArrayList<>();
        for (int h = 0; h < nHeads; h++) {
            senders.add(new Control.Choice("0." + h, "Head 0." + h));
            receivers.add(new Control.Choice("1." + h, "Head 1." + h));
        }
        String kind = figure.option("kind");
        String sender = figure.option("sender");
        String receiver = figure.option("receiver");
        return Controls.of(Controls.row(
                Control.select("kind", "Composition", kinds, kind == null ? CompositionView.KINDS.get(0) : kind),
                Control.select("sender", "Layer-0 head", senders, sender == null ? "0." + pair[0] : sender),
                Control.select("receiver", "Layer-1 head", receivers, receiver == null ? "1." + pair[1] : receiver),
                Control.state("cell")));
    }

    @Override
    public Controls controls(LiveFigure figure, List<ModelFile> files) {
        SafeTensors file = Widgets.finalFile(files);
        if (file == null) {
            return Controls.NONE;
        }
        HookedTransformer model = HookedTransformer.fromWeights(file);
        return model.cfg().n_layers() < 2 ? Controls.NONE
                : controls(figure, model.cfg().n_heads(), CompositionView.defaultPair(model));
    }

    @Override
    public LiveMount live() {
        return Mounts::composition;
    }
}
