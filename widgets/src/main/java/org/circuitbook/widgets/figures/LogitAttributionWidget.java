package org.circuitbook.widgets.figures;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.browser.Mounts;
import org.circuitbook.widgets.data.SyntheticLanguage;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.weights.SafeTensors;
import org.circuitbook.widgets.widget.AttentionView;
import org.circuitbook.widgets.widget.Control;
import org.circuitbook.widgets.widget.Controls;
import org.circuitbook.widgets.widget.Drawing;
import org.circuitbook.widgets.widget.LiveFigure;
import org.circuitbook.widgets.widget.LiveMount;
import org.circuitbook.widgets.widget.LogitAttributionView;
import org.circuitbook.widgets.widget.ModelFile;
import org.circuitbook.widgets.widget.ModelInfo;
import org.circuitbook.widgets.widget.TokenNames;
import org.circuitbook.widgets.widget.Widget;
import org.circuitbook.widgets.widget.WidgetOption;

/**
 * Direct logit attribution: a logit difference split into what the embeddings, each head, each MLP and the biases
 * wrote into the residual stream; on an attention-only model by position of a prompt (the induction task first), on
 * a modular-addition model by the summand a of "a b =".
 */
public final class LogitAttributionWidget implements Widget {
    /** The modular-addition model's first summands, as the grokking widget's. */
    public static final int FIRST_A = 12;
    public static final int FIRST_B = 30;

    @Override
    public String name() {
        return "logit-attribution";
    }

    @Override
    public List<String> modelKinds() {
        return List.of("attention-only", "modular-addition", "imported");
    }

    @Override
    public String description() {
        return "direct logit attribution: a logit difference split exactly into what the embeddings, each head, the MLP "
                + "and the biases wrote, at each position of a prompt (the induction task first) or for each a of a + b";
    }

    @Override
    public List<WidgetOption> options() {
        return List.of();
    }

    @Override
    public int width() {
        return LogitAttributionView.WIDTH;
    }

    @Override
    public int height() {
        return LogitAttributionView.HEIGHT;
    }

    /** A prompt, a button, two menus: on a phone they wrap to more lines than the default leaves. */
    @Override
    public double phoneControlsRem() {
        return 15;
    }

    @Override
    public WidgetOption.Problem checkModel(ModelInfo model) {
        if (model.kind().equals("imported")) {
            WidgetOption.Problem format = model.importedOtherThan("transformer-lens", name());
            Object norm = model.values().get("normalization_type");
            if (format != null || norm == null || norm.equals("none")) {
                return format;
            }
            return new WidgetOption.Problem("model " + model.name() + " has LayerNorm (" + norm + "): its logits are not "
                    + "a sum of what each component wrote, so " + name() + " cannot split them exactly",
                    "use a model with normalization_type None");
        }
        return !model.kind().equals("modular-addition") && model.integer("n_layers", 1) < 1
                ? new WidgetOption.Problem("model " + model.name() + " has no layer whose output to attribute",
                "logit-attribution needs n_layers >= 1") : null;
    }

    /** Whether {@code model} is a modular-addition model ("a b =" in, a + b mod p out). */
    public static boolean modular(HookedTransformer model) {
        return !model.cfg().attn_only();
    }

    /**
     * Whether {@code file} holds a modular-addition model (the table over a of "a b ="), by the kind its header names;
     * any other transformer (attention-only or imported, with or without MLPs) is read on a prompt.
     */
    public static boolean modular(SafeTensors file) {
        return "modular-addition".equals(file.metadata().get("model_kind"));
    }

    /** The live widget's first state: the induction prompt at its last position, or 12 + 30 =. */
    @Override
    public Drawing draw(Map<String, String> options, List<ModelFile> files) {
        SafeTensors file = Widgets.finalFile(files);
        if (file == null) {
            return null;
        }
        HookedTransformer model = HookedTransformer.fromWeights(file);
        LogitAttributionView.Table t = firstTable(model, modular(file), TokenNames.of(file, model.cfg()));
        int col = firstColumn(t);
        return new Drawing(width(), height(), p -> LogitAttributionView.paint(p, t, -1, col),
                LogitAttributionView.describe(t, col));
    }

    /** The table the live widget starts with. */
    public static LogitAttributionView.Table firstTable(HookedTransformer model) {
        return firstTable(model, modular(model), null);
    }

    /**
     * The table the widget starts with: {@code modular}, the a + b table; else the first prompt's, the tokens called
     * {@code names} (null: the synthetic language's).
     */
    public static LogitAttributionView.Table firstTable(HookedTransformer model, boolean modular, TokenNames names) {
        if (modular) {
            int p = model.cfg().d_vocab_out();
            return LogitAttributionView.forPairs(model, FIRST_B % p, LogitAttributionView.CORRECT, LogitAttributionView.RUNNER_UP);
        }
        return LogitAttributionView.forPrompt(model, LogitAttributionView.defaultPrompt(model), LogitAttributionView.NEXT,
                LogitAttributionView.BIGRAM, names == null ? SyntheticLanguage.tokenNames(model.cfg().d_vocab()) : names.names());
    }

    /** The column the live widget starts on: the prompt's last position, or a = 12. */
    public static int firstColumn(LogitAttributionView.Table t) {
        return t.modular() ? FIRST_A % t.cols() : t.cols() - 1;
    }

    /**
     * For an attention-only model: the prompt (first the repeated random tokens of
     * {@link LogitAttributionView#defaultPrompt}) and a button for another repeat; the answer (the correct next token,
     * or one token everywhere) and what it is measured against (the direct path's bigram guess, the mean logit, or one
     * token). For modular addition: a and b, the answer ((a + b) mod p, or a token) and the wrong answer (the model's
     * runner-up, the mean logit or a token). Both: the cursor ({@code cell=ROW.COL}).
     */
    public static Controls controls(HookedTransformer model, boolean modular, TokenNames tokenNames) {
        if (modular) {
            int p = model.cfg().d_vocab_out();
            List<Control.Choice> answers = new ArrayList<>(List.of(new Control.Choice(LogitAttributionView.CORRECT,
                    "(a + b) mod " + p)));
            List<Control.Choice> wrongs = new ArrayList<>(List.of(
                    new Control.Choice(LogitAttributionView.RUNNER_UP, "the model's runner-up"),
                    new Control.Choice(LogitAttributionView.MEAN, "the mean logit")));
            for (int c = 0; c < p; c++) {
                answers.add(new Control.Choice(Integer.toString(c), Integer.toString(c)));
                wrongs.add(new Control.Choice(Integer.toString(c), Integer.toString(c)));
            }
            return Controls.of(Controls.row(Control.whole("a", "a", 0, p - 1, FIRST_A % p),
                            Control.whole("b", "b", 0, p - 1, FIRST_B % p)),
                    Controls.row(Control.select("answer", "Answer", answers, LogitAttributionView.CORRECT),
                            Control.select("wrong", "Against", wrongs, LogitAttributionView.RUNNER_UP), Control.state("cell")));
        }
        List<Control.Choice> answers = new ArrayList<>(List.of(new Control.Choice(LogitAttributionView.NEXT,
                "the correct next token")));
        List<Control.Choice> wrongs = new ArrayList<>(List.of(
                new Control.Choice(LogitAttributionView.BIGRAM, "the bigram guess (direct path)"),
                new Control.Choice(LogitAttributionView.MEAN, "the mean logit")));
        for (int t = 0; t < model.cfg().d_vocab_out(); t++) { // an answer is a prediction: any output token
            answers.add(new Control.Choice(tokenNames.word(t), tokenNames.name(t)));
            wrongs.add(new Control.Choice(tokenNames.word(t), tokenNames.name(t)));
        }
        return Controls.of(Controls.row(Control.words("prompt", "Prompt", tokenNames.format(LogitAttributionView.defaultPrompt(model))),
                        Control.action("random", "New repeated sequence")),
                Controls.row(Control.select("answer", "Answer", answers, LogitAttributionView.NEXT),
                        Control.select("wrong", "Against", wrongs, LogitAttributionView.BIGRAM), Control.state("cell")));
    }

    @Override
    public Controls controls(LiveFigure figure, List<ModelFile> files) {
        SafeTensors file = Widgets.finalFile(files);
        if (file == null) {
            return Controls.NONE;
        }
        HookedTransformer model = HookedTransformer.fromWeights(file);
        return controls(model, modular(file), TokenNames.of(file, model.cfg()));
    }

    @Override
    public LiveMount live() {
        return Mounts::logitAttribution;
    }
}
