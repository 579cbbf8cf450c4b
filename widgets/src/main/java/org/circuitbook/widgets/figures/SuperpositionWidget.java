package org.circuitbook.widgets.figures;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.browser.Mounts;
import org.circuitbook.widgets.model.ToyModel;
import org.circuitbook.widgets.weights.SafeTensors;
import org.circuitbook.widgets.widget.Drawing;
import org.circuitbook.widgets.widget.LiveMount;
import org.circuitbook.widgets.widget.ModelFile;
import org.circuitbook.widgets.widget.SuperpositionView;
import org.circuitbook.widgets.widget.Widget;
import org.circuitbook.widgets.widget.WidgetOption;

/** Feature directions and W^T W of the toy model of superposition, one trained model per sparsity. */
final class SuperpositionWidget implements Widget {
    private static final List<WidgetOption> OPTIONS = List.of(WidgetOption.trainedNumber("sparsity", "sparsities",
            "was not trained at sparsity", "the sparsest model", "the sparsity of the model shown first"));

    /** Every trained sparsity's file (the slider moves among them). */
    @Override
    public boolean usesFile(String fileName) {
        return true;
    }

    @Override
    public String name() {
        return "superposition";
    }

    @Override
    public List<String> modelKinds() {
        return List.of("toy-superposition");
    }

    @Override
    public String description() {
        return "feature directions and W^T W of the toy model of superposition, one model per sparsity";
    }

    @Override
    public List<WidgetOption> options() {
        return OPTIONS;
    }

    @Override
    public int width() {
        return SuperpositionView.WIDTH;
    }

    @Override
    public int height() {
        return SuperpositionView.HEIGHT;
    }

    private record Toy(double sparsity, ToyModel model) {
    }

    @Override
    public Drawing draw(Map<String, String> options, List<ModelFile> files) {
        List<Toy> toys = new ArrayList<>();
        for (ModelFile f : files) {
            SafeTensors weights = SafeTensors.fromBytes(f.bytes());
            toys.add(new Toy(Double.parseDouble(weights.metadata().get("sparsity")), ToyModel.fromWeights(weights)));
        }
        if (toys.isEmpty()) {
            return null;
        }
        toys.sort(Comparator.comparingDouble(Toy::sparsity));
        double[] sparsities = toys.stream().mapToDouble(Toy::sparsity).toArray();
        Toy shown = toys.get(SuperpositionView.initialIndex(sparsities, options.get("sparsity")));
        return new Drawing(width(), height(), p -> SuperpositionView.paint(p, shown.model(), shown.sparsity()),
                SuperpositionView.describe(shown.model(), shown.sparsity()));
    }

    @Override
    public LiveMount live() {
        return Mounts::superposition;
    }
}
