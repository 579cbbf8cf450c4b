package org.circuitbook.widgets.figures;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.browser.Mounts;
import org.circuitbook.widgets.data.SparseFeatures;
import org.circuitbook.widgets.model.SparseAutoencoder;
import org.circuitbook.widgets.weights.SafeTensors;
import org.circuitbook.widgets.widget.Drawing;
import org.circuitbook.widgets.widget.LiveMount;
import org.circuitbook.widgets.widget.ModelFile;
import org.circuitbook.widgets.widget.SaeExplorerView;
import org.circuitbook.widgets.widget.Widget;
import org.circuitbook.widgets.widget.WidgetOption;

/** The trained sparse autoencoders by dictionary size and L1 coefficient, and each latent's top inputs. */
final class SaeExplorerWidget implements Widget {
    private static final List<WidgetOption> OPTIONS = List.of(
            WidgetOption.trainedInteger("d_sae", "d_sae", "has no SAE with d_sae", "the middle size",
                    "the dictionary size shown first"),
            WidgetOption.trainedNumber("l1", "l1_coefficients", "has no SAE with L1 coefficient", "the middle one",
                    "the L1 coefficient shown first"));

    /** The ground truth and every trained SAE (the reader picks among them). */
    @Override
    public boolean usesFile(String fileName) {
        return true;
    }

    @Override
    public String name() {
        return "sae-explorer";
    }

    @Override
    public List<String> modelKinds() {
        return List.of("sae-toy");
    }

    @Override
    public String description() {
        return "the trained sparse autoencoders by dictionary size and L1 coefficient: decoder-vs-true-feature cosines, "
                + "MMCS, reconstruction error, L0, dead latents, and each latent's top-activating inputs";
    }

    @Override
    public List<WidgetOption> options() {
        return OPTIONS;
    }

    @Override
    public int width() {
        return SaeExplorerView.WIDTH;
    }

    @Override
    public int height() {
        return SaeExplorerView.HEIGHT;
    }

    /** The SAE the live widget starts with (the chapter's :d_sae: and :l1:, else the middle ones), no latent selected. */
    @Override
    public Drawing draw(Map<String, String> options, List<ModelFile> files) {
        SafeTensors truth = Widgets.file(files, "ground-truth.safetensors");
        List<String> names = new ArrayList<>();
        for (ModelFile f : files) {
            names.add(f.name());
        }
        List<SaeExplorerView.SaeFile> saes = SaeExplorerView.saeFiles(String.join(" ", names));
        SaeExplorerView.SaeFile shown = SaeExplorerView.initial(saes, options.get("d_sae"), options.get("l1"));
        if (truth == null || shown == null) {
            return null;
        }
        SparseFeatures.Settings settings = SparseFeatures.Settings.fromJson(truth.metadata().get("spec"));
        SafeTensors weights = Widgets.file(files, shown.url());
        SaeExplorerView.Run run = SaeExplorerView.run(SparseAutoencoder.fromWeights(weights), shown.l1(),
                truth.tensor("features"), settings.evaluationCoefficients(settings.index(shown.dSae(), shown.l1Value())));
        return new Drawing(width(), height(), p -> SaeExplorerView.paint(p, run, -1, -1, -1),
                SaeExplorerView.describe(run, -1));
    }

    @Override
    public LiveMount live() {
        return Mounts::saeExplorer;
    }
}
