package org.circuitbook.widgets.figures;

import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.browser.Mounts;
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
import java.util.ArrayList;
import org.circuitbook.widgets.widget.Control;
import org.circuitbook.widgets.widget.Controls;
import org.circuitbook.widgets.widget.LiveFigure;
import org.circuitbook.widgets.widget.TokenNames;

/** Clean and corrupted prompts, and what patching each clean activation into the corrupted run restores. */
public final class ActivationPatchingWidget implements Widget {
    private static final WidgetOption VIEW = WidgetOption.choice("view", ActivationPatching.VIEWS,
            "which activations are patched (mlp: MLP outputs, models with MLPs; path: a layer-0 head into a layer-1 "
                    + "head's Q, K or V input)", "activation-patching");
    private static final List<WidgetOption> OPTIONS = List.of(
            new WidgetOption(VIEW.name(), VIEW.type(), VIEW.defaultValue(), VIEW.help(), (value, model) -> {
                WidgetOption.Problem p = VIEW.check().check(value, model);
                if (p == null && value.equals("mlp") && (model.kind().equals("attention-only")
                        || Boolean.TRUE.equals(model.values().get("attn_only")))) {
                    return new WidgetOption.Problem("model " + model.name() + " is attention-only: it has no MLP "
                            + "output to patch", "use view resid, attn, heads or path, or a model with MLPs");
                }
                return p != null || !value.equals("path") || model.integer("n_layers", 2) >= 2 ? p
                        : new WidgetOption.Problem("model " + model.name() + " has one layer: path patching needs a "
                                + "sender in layer 0 and a receiver in layer 1", "use a model with n_layers >= 2");
            }),
            WidgetOption.choice("metric", ActivationPatching.METRICS, "how recovery is measured", "activation-patching"),
            WidgetOption.choice("direction", ActivationPatching.DIRECTIONS,
                    "denoise (clean activations into the corrupted run) or noise (corrupted into the clean run)",
                    "activation-patching"),
            WidgetOption.choice("corrupt", ActivationPatching.CORRUPTIONS,
                    "the token the corrupted prompts replace: the answer's first occurrence, or the token before it "
                            + "(the key an induction head matches: for path patching's K-composition)", "activation-patching"),
            WidgetOption.choice("mode", ActivationPatching.MODES,
                    "patch; attribution (the gradient estimate beside the real patches); or zero, mean or resample "
                            + "ablation of the clean run", "activation-patching"));

    @Override
    public String name() {
        return "activation-patching";
    }

    @Override
    public List<String> modelKinds() {
        return List.of("attention-only", "imported");
    }

    @Override
    public String description() {
        return "clean and corrupted prompts, and what patching each clean activation (residual stream, attention "
                + "or MLP output by layer and position, each head, or a path from a layer-0 head into a layer-1 head's Q, K or V) "
                + "into the corrupted run restores; its attribution-patching estimate beside it; or zero, mean and "
                + "resample ablation";
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

    /** Two prompts, two buttons and six menus: on a phone they wrap to more lines than the default leaves. */
    @Override
    public double phoneControlsRem() {
        return 20;
    }

    /** A spec that says it has no layer is refused; an imported model's spec does not say, and is accepted. */
    @Override
    public WidgetOption.Problem checkModel(ModelInfo model) {
        if (!(model.values().get("n_layers") instanceof Number)) {
            return model.importedOtherThan("transformer-lens", name());
        }
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
        ActivationPatching.Experiment e = ActivationPatching.run(model, PatchingView.defaultPrompts(model,
                        options.getOrDefault("corrupt", ActivationPatching.CORRUPTIONS.get(0))),
                runnable(model, options.getOrDefault("view", ActivationPatching.VIEWS.get(0))),
                options.getOrDefault("metric", ActivationPatching.METRICS.get(0)),
                options.getOrDefault("direction", ActivationPatching.DIRECTIONS.get(0)),
                options.getOrDefault("mode", ActivationPatching.MODES.get(0)));
        String[] names = TokenNames.of(file, model.cfg()).names();
        return new Drawing(width(), height(), p -> PatchingView.paint(p, e, names, -1, -1),
                PatchingView.describe(e, names));
    }

    /**
     * {@code view}, where {@code model} can run it; else the first view ("resid"): an imported model's spec does not say
     * whether it has MLPs or two layers, so the chapter's "mlp" or "path" may meet a model without them.
     */
    public static String runnable(HookedTransformer model, String view) {
        boolean fits = ActivationPatching.views(model.cfg()).contains(view)
                && !(view.equals("path") && model.cfg().n_layers() < 2);
        return fits ? view : ActivationPatching.VIEWS.get(0);
    }

    /** Why {@code view} cannot run on {@code model} (shown above the figure), or null where it can. */
    public static String refusal(HookedTransformer model, String view) {
        if (view.equals("path") && model.cfg().n_layers() < 2) {
            return "Path patching needs a model with two layers; this one has one.";
        }
        if (!ActivationPatching.views(model.cfg()).contains(view)) {
            return "This model is attention-only: it has no MLP output to patch.";
        }
        return null;
    }

    /**
     * The clean and corrupted prompts (first the induction task of {@link PatchingView#defaultPrompts}) and a button
     * to swap them and one for a new random pair; their two answers (a token each); which activations are patched,
     * the metric, the direction and the method (the chapter's {@code :view:}, {@code :metric:}, {@code :direction:} and
     * {@code :mode:} first);
     * and the cursor on the heatmap ({@code cell=ROW.COL}).
     */
    public static Controls controls(LiveFigure figure, HookedTransformer model, TokenNames tokenNames) {
        String[] names = tokenNames.names();
        ActivationPatching.Prompts first = PatchingView.defaultPrompts(model, corruption(figure));
        List<Control.Choice> views = new ArrayList<>();
        for (String v : ActivationPatching.views(model.cfg())) {
            views.add(new Control.Choice(v, PatchingView.viewTitle(v)));
        }
        List<Control.Choice> metrics = new ArrayList<>();
        for (String m : ActivationPatching.METRICS) {
            metrics.add(new Control.Choice(m, PatchingView.metricTitle(m)));
        }
        String view = figure.option("view");
        String metric = figure.option("metric");
        String direction = figure.option("direction");
        List<Control.Choice> directions = List.of(
                new Control.Choice("denoise", "Denoise"),
                new Control.Choice("noise", "Noise"));
        List<Control.Choice> tokens = new ArrayList<>(); // an answer is a prediction: any output token
        for (int t = 0; t < model.cfg().d_vocab_out(); t++) {
            tokens.add(new Control.Choice(tokenNames.word(t), names[t]));
        }
        List<Control.Choice> modes = new ArrayList<>();
        for (String m : ActivationPatching.MODES) {
            modes.add(new Control.Choice(m, PatchingView.modeTitle(m)));
        }
        String mode = figure.option("mode");
        return Controls.of(
                Controls.row(Control.words("clean", "Clean prompt", tokenNames.format(first.clean())),
                        Control.words("corrupted", "Corrupted prompt", tokenNames.format(first.corrupted())),
                        Control.action("swap", "Swap prompts"),
                        Control.action("random", "New random prompt")),
                Controls.row(Control.select("answer", "Clean answer", tokens, tokenNames.word(first.answer())),
                        Control.select("wrong", "Corrupted answer", tokens, tokenNames.word(first.wrong())),
                        Control.select("view", "Patch", views,
                                view == null || !ActivationPatching.views(model.cfg()).contains(view)
                                        ? ActivationPatching.VIEWS.get(0) : view),
                        Control.select("metric", "Metric", metrics, metric == null ? ActivationPatching.METRICS.get(0) : metric),
                        Control.select("direction", "Direction", directions,
                                direction == null ? ActivationPatching.DIRECTIONS.get(0) : direction),
                        Control.select("mode", "Method", modes, mode == null ? ActivationPatching.MODES.get(0) : mode),
                        Control.state("cell")))
                .inUrlOrder("view", "metric", "clean", "corrupted", "answer", "wrong", "direction", "mode", "cell");
    }

    /** The chapter's {@code :corrupt:}, or the default: which token the corrupted prompts replace. */
    public static String corruption(LiveFigure figure) {
        String c = figure.option("corrupt");
        return c == null ? ActivationPatching.CORRUPTIONS.get(0) : c;
    }

    @Override
    public Controls controls(LiveFigure figure, List<ModelFile> files) {
        SafeTensors file = Widgets.finalFile(files);
        if (file == null) {
            return Controls.NONE;
        }
        HookedTransformer model = HookedTransformer.fromWeights(file);
        return controls(figure, model, TokenNames.of(file, model.cfg()));
    }

    @Override
    public LiveMount live() {
        return Mounts::activationPatching;
    }
}
