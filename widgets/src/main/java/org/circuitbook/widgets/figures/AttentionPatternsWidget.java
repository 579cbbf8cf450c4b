package org.circuitbook.widgets.figures;

import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.browser.Mounts;
import org.circuitbook.widgets.data.Lcg;
import org.circuitbook.widgets.data.SyntheticLanguage;
import org.circuitbook.widgets.model.HeadScores;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.weights.SafeTensors;
import org.circuitbook.widgets.weights.WeightNames;
import org.circuitbook.widgets.widget.AttentionView;
import org.circuitbook.widgets.widget.Drawing;
import org.circuitbook.widgets.widget.LiveMount;
import org.circuitbook.widgets.widget.ModelFile;
import org.circuitbook.widgets.widget.ModelInfo;
import org.circuitbook.widgets.widget.Widget;
import org.circuitbook.widgets.widget.WidgetOption;
import java.util.ArrayList;
import org.circuitbook.widgets.widget.Control;
import org.circuitbook.widgets.widget.Controls;
import org.circuitbook.widgets.widget.LiveFigure;
import org.circuitbook.widgets.widget.TokenNames;

/** Every head's attention pattern on a sequence the reader types or generates, with ablation and checkpoints. */
public final class AttentionPatternsWidget implements Widget {
    /** The final weights and every checkpoint: the scrubber fetches each checkpoint it shows. */
    @Override
    public boolean usesFile(String fileName) {
        return fileName.equals(WeightNames.FINAL) || WeightNames.checkpointStep(fileName) >= 0;
    }

    @Override
    public String name() {
        return "attention-patterns";
    }

    @Override
    public List<String> modelKinds() {
        return List.of("attention-only", "imported");
    }

    @Override
    public String description() {
        return "every head's attention pattern, scores and per-token loss on a sequence the reader types or "
                + "generates, with head ablation and a scrubber over the training checkpoints";
    }

    @Override
    public List<WidgetOption> options() {
        return List.of();
    }

    @Override
    public int width() {
        return AttentionView.WIDTH;
    }

    @Override
    public int height() {
        return AttentionView.HEIGHT;
    }

    /** A spec that says it has no layer is refused; an imported model's spec does not say, and is accepted. */
    @Override
    public WidgetOption.Problem checkModel(ModelInfo model) {
        if (!(model.values().get("n_layers") instanceof Number)) {
            return model.importedOtherThan("transformer-lens", name());
        }
        return model.integer("n_layers", 1) < 1 ? new WidgetOption.Problem("model " + model.name()
                + " has no attention layer to show", name() + " needs n_layers >= 1") : null;
    }

    /**
     * The probe sequences the heads are scored on (the trainer's, {@link org.circuitbook.widgets.data.InductionProbes}),
     * from the language seed in {@code file}'s header; null when the header names no language.
     */
    public static int[][] probes(SafeTensors file, HookedTransformer model) {
        String language = file.metadata().get("language");
        return language == null ? null : AttentionView.probes(model, SyntheticLanguage.fromJson(language).settings().seed());
    }

    /** The scores the widget shows for {@code model}, the weights of {@code file}: on its probes; null without them. */
    public static HeadScores.OnProbes probeScores(SafeTensors file, HookedTransformer model) {
        int[][] probes = probes(file, model);
        return probes == null ? null : AttentionView.scores(model, probes, null);
    }

    /**
     * The final model on the sequence the live widget starts with (n_ctx / 2 random tokens, repeated), its heads
     * scored on the probes.
     */
    @Override
    public Drawing draw(Map<String, String> options, List<ModelFile> files) {
        SafeTensors file = Widgets.finalFile(files);
        if (file == null) {
            return null;
        }
        HookedTransformer model = HookedTransformer.fromWeights(file);
        int vocab = model.cfg().d_vocab();
        int[] tokens = SyntheticLanguage.repeatedRandom(new Lcg(0), vocab, model.cfg().n_ctx() / 2);
        AttentionView.Run run = AttentionView.run(model, tokens, null, probes(file, model));
        String[] names = TokenNames.of(file, model.cfg()).names();
        return new Drawing(width(), height(), p -> AttentionView.paint(p, run, names), AttentionView.describe(run));
    }

    /**
     * The tokens (first a random sequence repeated, the static drawing's) with two buttons that make new ones; the
     * scrubber over {@code steps} (the checkpoints', then the final model's; the URL holds the step); and the head
     * ablated, if any; the head shown alone, enlarged ("all": every head); and the cell pointed at
     * ({@code cell=LAYER.HEAD.QUERY.KEY}). The URL writes the step, the ablated head, the head shown, the tokens, then
     * the cell. The button for a sample of the synthetic language only where {@code language} (the model learnt it).
     */
    public static Controls controls(List<Integer> steps, int nLayers, int nHeads, String tokens, boolean language) {
        List<Control.Choice> stops = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            stops.add(new Control.Choice(Integer.toString(steps.get(i)), steps.get(i) + (i == steps.size() - 1 ? " (final)" : "")));
        }
        List<Control.Choice> heads = new ArrayList<>();
        heads.add(new Control.Choice("", "none"));
        List<Control.Choice> shown = new ArrayList<>();
        shown.add(new Control.Choice("", "all"));
        for (int l = 0; l < nLayers; l++) {
            for (int h = 0; h < nHeads; h++) {
                heads.add(new Control.Choice(l + "." + h, "head " + l + "." + h));
                shown.add(new Control.Choice(l + "." + h, l + "." + h));
            }
        }
        Control words = Control.words("tokens", "Tokens", tokens);
        Control repeat = Control.action("repeat", "Repeat a random sequence");
        return Controls.of(
                language ? Controls.row(words, repeat, Control.action("sample", "Sample the language")) : Controls.row(words, repeat),
                Controls.row(Control.stops("step", "Training step", stops, stops.size() - 1),
                        Control.select("ablate", "Ablate", heads, ""),
                        Control.select("head", "Head", shown, ""), Control.state("cell")))
                .inUrlOrder("step", "ablate", "head", "tokens", "cell");
    }

    /** The sequence shown first: a random one of half the context, repeated (seeded, so the static drawing's). */
    public static int[] firstTokens(HookedTransformer model) {
        return SyntheticLanguage.repeatedRandom(new Lcg(0), model.cfg().d_vocab(), model.cfg().n_ctx() / 2);
    }

    @Override
    public Controls controls(LiveFigure figure, List<ModelFile> files) {
        SafeTensors file = Widgets.finalFile(files);
        if (file == null) {
            return Controls.NONE;
        }
        HookedTransformer model = HookedTransformer.fromWeights(file);
        List<Integer> steps = new ArrayList<>();
        for (ModelFile f : files) {
            if (WeightNames.checkpointStep(f.name()) >= 0) {
                steps.add(WeightNames.checkpointStep(f.name()));
            }
        }
        steps.sort(null);
        steps.add(Integer.parseInt(file.metadata().getOrDefault("step", "0")));
        TokenNames names = TokenNames.of(file, model.cfg());
        return controls(steps, model.cfg().n_layers(), model.cfg().n_heads(), names.format(firstTokens(model)), names.hasLanguage());
    }

    @Override
    public LiveMount live() {
        return Mounts::attentionPatterns;
    }
}
