package org.circuitbook.widgets.figures;

import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.browser.Mounts;
import org.circuitbook.widgets.data.Lcg;
import org.circuitbook.widgets.data.SyntheticLanguage;
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

/** Every head's attention pattern on a sequence the reader types or generates, with ablation and checkpoints. */
final class AttentionPatternsWidget implements Widget {
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
        return List.of("attention-only");
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

    @Override
    public WidgetOption.Problem checkModel(ModelInfo model) {
        return model.integer("n_layers", 1) < 1 ? new WidgetOption.Problem("model " + model.name()
                + " has no attention layer to show", name() + " needs n_layers >= 1") : null;
    }

    /** The final model on the sequence the live widget starts with: n_ctx / 2 random tokens, repeated. */
    @Override
    public Drawing draw(Map<String, String> options, List<ModelFile> files) {
        SafeTensors file = Widgets.finalFile(files);
        if (file == null) {
            return null;
        }
        HookedTransformer model = HookedTransformer.fromWeights(file);
        int vocab = model.cfg().d_vocab();
        int[] tokens = SyntheticLanguage.repeatedRandom(new Lcg(0), vocab, model.cfg().n_ctx() / 2);
        AttentionView.Run run = AttentionView.run(model, tokens, null);
        String[] names = SyntheticLanguage.tokenNames(vocab);
        return new Drawing(width(), height(), p -> AttentionView.paint(p, run, names), AttentionView.describe(run));
    }

    @Override
    public LiveMount live() {
        return Mounts::attentionPatterns;
    }
}
