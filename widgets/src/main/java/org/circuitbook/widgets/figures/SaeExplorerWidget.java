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
import org.circuitbook.widgets.widget.Control;
import org.circuitbook.widgets.widget.Controls;
import org.circuitbook.widgets.widget.LiveFigure;

/** The trained sparse autoencoders by dictionary size and L1 coefficient, and each latent's top inputs. */
public final class SaeExplorerWidget implements Widget {
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

    /**
     * Two selects that pick the SAE shown, by dictionary size and L1 coefficient among those trained (the chapter's
     * {@code :d_sae:} and {@code :l1:} first, else the middle ones); and the latent whose inputs are listed
     * ({@code latent=J}).
     */
    public static Controls forSaes(LiveFigure figure, List<SaeExplorerView.SaeFile> files) {
        SaeExplorerView.SaeFile first = SaeExplorerView.initial(files, figure.option("d_sae"), figure.option("l1"));
        List<Control.Choice> sizes = new ArrayList<>();
        for (int size : SaeExplorerView.sizes(files)) {
            sizes.add(new Control.Choice(Integer.toString(size), size + " latents"));
        }
        return Controls.of(Controls.row(
                Control.select("d_sae", "Dictionary size", sizes, first == null ? "" : Integer.toString(first.dSae())).withId("size"),
                Control.select("l1", "L1 coefficient", Control.choices(SaeExplorerView.coefficients(files)),
                        first == null ? "" : first.l1()),
                Control.state("latent")));
    }

    @Override
    public Controls controls(LiveFigure figure, List<ModelFile> files) {
        List<String> names = new ArrayList<>();
        for (ModelFile f : files) {
            names.add(f.name());
        }
        List<SaeExplorerView.SaeFile> saes = SaeExplorerView.saeFiles(String.join(" ", names));
        return saes.isEmpty() ? Controls.NONE : forSaes(figure, saes);
    }

    @Override
    public LiveMount live() {
        return Mounts::saeExplorer;
    }
}
